"""Derived flags of one adverse event, from plain data (no session, no clock).

Definitions (PROTOCOL.md): an AE is treatment-emergent (TEAE) when it starts on or after
the first dose, or when a condition present before the first dose worsens after it; it
is treatment-related when any cause is judged possible, probable or definite.
"""
from dataclasses import dataclass
from datetime import date

ATTRIBUTION_SCALE = ("unrelated", "unlikely", "possible", "probable", "definite")
RELATED = frozenset({"possible", "probable", "definite"})
TREATMENT_CAUSES = ("haic", "sintilimab", "procedure")  # study treatment; disease/other are not


@dataclass(frozen=True)
class GradeEntry:
    """One entry of an AE's grade history: `grade` holds from `effective_date` on."""

    effective_date: date
    grade: int


def grades_until(history, cutoff: date | None):
    """The entries known by the data cutoff (all of them when there is none)."""
    return [e for e in history if cutoff is None or e.effective_date <= cutoff]


def worst_grade(history, cutoff: date | None = None) -> int | None:
    """Reports use the worst grade ever recorded (by the cutoff), never the latest."""
    grades = [e.grade for e in grades_until(history, cutoff)]
    return max(grades) if grades else None


def baseline_grade(history, first_dose: date | None) -> int | None:
    """The grade of a pre-existing condition before the first dose (None if it started later)."""
    if first_dose is None:
        return worst_grade(history)
    before = [e.grade for e in history if e.effective_date < first_dose]
    return max(before) if before else None


def is_teae(onset: date, history, first_dose: date | None, cutoff: date | None = None) -> bool:
    """Onset on/after the first dose, or a pre-existing condition graded higher after it."""
    if first_dose is None or (cutoff is not None and first_dose > cutoff):
        return False  # before any dose nothing is treatment-emergent
    if onset >= first_dose:
        return True
    baseline = baseline_grade(history, first_dose) or 0
    after = [e.grade for e in grades_until(history, cutoff) if e.effective_date >= first_dose]
    return any(grade > baseline for grade in after)


def is_treatment_related(attribution: dict) -> bool:
    """Any study-treatment cause judged possible, probable or definite."""
    return any(attribution.get(cause) in RELATED for cause in TREATMENT_CAUSES)
