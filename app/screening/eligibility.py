"""Eligibility for NCT06184841: evaluate every registry criterion on a candidate's screening facts.

Verdict (`eligible`):
  False as soon as one criterion fails on known facts (inclusion `met` False or exclusion
        `met` True), even while other facts are missing: no further fact can undo a known
        failure, and the coordinator should stop work-up (and the screening log count it) now;
  None  when nothing has failed but some fact a criterion needs is missing (`missing` lists
        the keys, e.g. "labs.alt", "birth_date");
  True  when every inclusion is met and no exclusion applies.
See `outcomes.py` for what `met` means per kind.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.screening.exclusion import EXCLUSION_RULES
from app.screening.inclusion import INCLUSION_RULES
from app.screening.labs import normalise_labs
from app.screening.outcomes import CriterionResult


@dataclass(frozen=True)
class Criterion:
    """A registry criterion: id (I1..I9, E1..E9), kind and a short title for screening-log counts."""
    id: str
    kind: str
    title: str


CRITERIA = (
    Criterion("I1", "inclusion", "Age 18–75 years"),
    Criterion("I2", "inclusion", "ECOG 0–1"),
    Criterion("I3", "inclusion", "Metastatic ESCC confirmed by histology or cytology"),
    Criterion("I4", "inclusion", "Liver metastasis dominant (metachronous, progressed, or main threat)"),
    Criterion("I5", "inclusion", "Predicted survival ≥ 3 months"),
    Criterion("I6", "inclusion", "Liver, bone marrow and renal function (Child-Pugh 5–7, labs)"),
    Criterion("I7", "inclusion", "HBV: effective antivirals, HBV DNA < 100 IU/mL"),
    Criterion("I8", "inclusion", "Informed consent signed"),
    Criterion("I9", "inclusion", "Effective contraception"),
    Criterion("E1", "exclusion", "Age > 75 years"),
    Criterion("E2", "exclusion", "ECOG ≥ 2"),
    Criterion("E3", "exclusion", "Poor liver function (Child-Pugh > 7) or labs outside inclusion limits"),
    Criterion("E4", "exclusion", "History of GI bleeding, encephalopathy, massive ascites or abdominal infection"),
    Criterion("E5", "exclusion", "Distant metastases not treatable by local radiotherapy"),
    Criterion("E6", "exclusion", "Tumour near bowel/organs or residual liver volume < 800 mL"),
    Criterion("E7", "exclusion", "Allergy to sintilimab"),
    Criterion("E8", "exclusion", "Prior PD-1/PD-L1/CTLA-4 immunotherapy"),
    Criterion("E9", "exclusion", "Immunosuppressants within 4 weeks"),
)
CRITERIA_BY_ID = {criterion.id: criterion for criterion in CRITERIA}
RULES = {**INCLUSION_RULES, **EXCLUSION_RULES}


@dataclass(frozen=True)
class ScreeningResult:
    """The verdict, every criterion in registry order, and what a coordinator acts on."""
    eligible: bool | None
    criteria: tuple[CriterionResult, ...]
    reasons_ineligible: tuple[str, ...]
    missing: tuple[str, ...]

    def criteria_as_dicts(self) -> list[dict]:
        """The API's `criteria` list, plus kind, title and missing for the screening log."""
        return [{"id": c.id, "kind": c.kind, "title": CRITERIA_BY_ID[c.id].title, "met": c.met,
                 "reason": c.reason, "missing": list(c.missing)} for c in self.criteria]


def evaluate(facts: Mapping | None, birth_date: date | None, screened_on: date) -> ScreeningResult:
    """Judge every criterion I1..I9, E1..E9. Raises `labs.LabUnitError` for a lab whose unit
    cannot be normalised without guessing (the caller answers 422)."""
    # Labs are normalised once, up front: a bad unit fails before anything is judged.
    context = {**(facts or {}), "birth_date": birth_date, "labs": normalise_labs((facts or {}).get("labs"))}
    results = tuple(RULES[criterion.id](context, screened_on) for criterion in CRITERIA)
    return ScreeningResult(verdict(results), results, reasons_ineligible(results), missing_facts(results))


def verdict(results: tuple[CriterionResult, ...]) -> bool | None:
    """False on any known failure, else None while anything is undecided, else True."""
    if any(result.failed for result in results):
        return False
    return None if any(result.met is None for result in results) else True


def reasons_ineligible(results: tuple[CriterionResult, ...]) -> tuple[str, ...]:
    """One line per distinct problem, prefixed by every criterion it fails: a lab that fails
    I6 also triggers E3, and the nurse should read it once as "I6, E3: ALT 3 × ULN (...)"."""
    ids_by_finding: dict[str, list[str]] = {}
    for result in results:
        for finding in result.findings if result.failed else ():
            ids_by_finding.setdefault(finding, []).append(result.id)
    return tuple(f"{', '.join(ids)}: {finding}" for finding, ids in ids_by_finding.items())


def missing_facts(results: tuple[CriterionResult, ...]) -> tuple[str, ...]:
    """Every missing fact key once, in the order the criteria ask for them."""
    return tuple(dict.fromkeys(key for result in results for key in result.missing))
