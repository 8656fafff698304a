"""Grade a reported symptom: PRO-CTCAE composite (0-3) and, where a value decides it, CTCAE grade.

Every result carries ctcae_version "5.0". A patient's composite grade is not a clinician's
CTCAE grade; the two are kept in separate fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ctcae import CTCAE_VERSION, get_term
from app.symptoms.grading.composite import composite_grade, composite_method
from app.symptoms.grading.measured import grade_diarrhea, grade_fever
from app.symptoms.parsing.parser import ParsedSymptom

STOOL_UNIT = "stools/day"


@dataclass(frozen=True)
class GradeResult:
    """A grade with its basis: "pro_composite" (0-3) or "measured" (CTCAE 0-5)."""

    ctcae_term: str
    grade: int | None
    basis: str
    method: str
    ctcae_version: str = CTCAE_VERSION


@dataclass(frozen=True)
class AssessedSymptom:
    """A reported symptom with its grades, ready for escalation and storage."""

    ctcae_term: str
    meddra_code: str
    negated: bool
    patient_grade: int | None
    measured_grade: int | None
    severity: int | None = None
    frequency: int | None = None
    interference: int | None = None
    value: float | None = None
    unit: str | None = None
    red_flags: tuple[str, ...] = ()
    ctcae_version: str = CTCAE_VERSION


def pro_grade(term: str, frequency=None, severity=None, interference=None) -> GradeResult:
    """PRO-CTCAE composite grade for a term from 0-4 answers (grade None when none given)."""
    return GradeResult(term, composite_grade(frequency, severity, interference), "pro_composite",
                       composite_method(frequency, severity, interference))


def _baseline(item: ParsedSymptom, recorded: float | None) -> float:
    """The recorded baseline; else the usual stools a day the patient stated in the text; else 0."""
    if recorded is not None:
        return recorded
    return item.baseline if item.baseline is not None else 0


def measured_grade(item: ParsedSymptom, baseline_stools_per_day: float | None = None) -> GradeResult | None:
    """CTCAE grade from a measured value in the item (temperature, stools/day), else None.

    baseline_stools_per_day: the patient's recorded baseline; None when none was recorded
    (then the baseline stated in the text, else 0, PROTOCOL.md).
    """
    if item.value is None:
        return None
    if item.ctcae_term == "Fever" and item.unit == "°C":
        return GradeResult("Fever", grade_fever(item.value), "measured", "ctcae_fever_celsius")
    if item.ctcae_term == "Diarrhea" and item.unit == STOOL_UNIT:
        grade = grade_diarrhea(item.value, _baseline(item, baseline_stools_per_day))
        return GradeResult("Diarrhea", grade, "measured", "ctcae_stools_over_baseline")
    return None


def assess(item: ParsedSymptom, baseline_stools_per_day: float | None = None) -> AssessedSymptom:
    """Grades for one parsed item. A negated item grades 0 on both scales."""
    record = get_term(item.ctcae_term)
    if item.negated:
        patient, measured = 0, (0 if item.value is not None else None)
    else:
        patient = pro_grade(item.ctcae_term, item.frequency, item.severity, item.interference).grade
        result = measured_grade(item, baseline_stools_per_day)
        measured = result.grade if result else None
    return AssessedSymptom(
        ctcae_term=item.ctcae_term, meddra_code=record.meddra_code if record else "",
        negated=item.negated, patient_grade=patient, measured_grade=measured,
        severity=item.severity, frequency=item.frequency, interference=item.interference,
        value=item.value, unit=item.unit, red_flags=item.red_flags,
    )
