"""CTCAE v5.0 grade of one lab result, with the baseline-abnormal rules where v5.0 has them.

The thresholds live in `app.symptoms.grading.measured` (one set of graders for the product);
this module only says which grader and CTCAE term a test has and what it is fed. Tests without
a CTCAE term (TSH, free T4, PT, BUN, HBV DNA: API.md "Second wave") grade to (None, None).

Baseline (API.md): the patient's last result of the test on or before the day of the first
dose. For ALT, AST, ALP, GGT and total bilirubin v5.0 grades against the baseline when it was
abnormal (above the ULN); baselines are compared as multiples of the ULN, so a site that changes
its reference range between draws still compares like with like.
"""
from dataclasses import dataclass

from app.symptoms.grading import measured

CTCAE_VERSION = "5.0"
TERMS = {
    "platelets": "Platelet count decreased",
    "anc": "Neutrophil count decreased",
    "wbc": "White blood cell decreased",
    "hemoglobin": "Anemia",
    "alt": "Alanine aminotransferase increased",
    "ast": "Aspartate aminotransferase increased",
    "alp": "Alkaline phosphatase increased",
    "ggt": "GGT increased",
    "total_bilirubin": "Blood bilirubin increased",
    "creatinine": "Creatinine increased",
    "inr": "INR increased",
    "albumin": "Hypoalbuminemia",
}
# Tests whose v5.0 grade is relative to an abnormal baseline (so "worse than baseline" is in the grade).
BASELINE_RELATIVE = ("alt", "ast", "alp", "ggt", "total_bilirubin")
LAB_TERMS = frozenset(TERMS.values())


@dataclass(frozen=True)
class Graded:
    ctcae_term: str | None
    grade: int | None


def grade(test: str, value_si: float, *, lln_si: float | None = None, times_uln: float | None = None,
          baseline_times_uln: float | None = None, baseline_si: float | None = None) -> Graded:
    """The CTCAE v5.0 term and grade (0-4) of one result; (None, None) for tests without a term.

    `times_uln` (value / ULN) grades the ULN-referenced tests, `value_si` with `lln_si` the
    counts, hemoglobin (g/L) and albumin (g/L); `baseline_times_uln` is the baseline's value / ULN.
    """
    term = TERMS.get(test)
    if term is None:
        return Graded(None, None)
    return Graded(term, _GRADERS[test](value_si, lln_si, times_uln, baseline_times_uln, baseline_si))


def baseline_abnormal(test: str, baseline_times_uln: float | None) -> bool:
    """Whether v5.0's "baseline was abnormal" rules apply to `test` for this baseline."""
    return test in BASELINE_RELATIVE and baseline_times_uln is not None and baseline_times_uln > 1.0


def _ratio(grader):
    return lambda value, lln, times_uln, baseline, _si: grader(times_uln, 1.0, baseline)


def _below(grader):
    return lambda value, lln, times_uln, baseline, _si: grader(value, lln)


_GRADERS = {
    "platelets": _below(measured.grade_platelets),
    "anc": _below(measured.grade_neutrophils),
    "wbc": _below(measured.grade_white_cells),
    "hemoglobin": lambda value, lln, *_: measured.grade_anemia(value, lln, "g/L"),
    "albumin": _below(measured.grade_hypoalbuminemia),
    "alt": _ratio(measured.grade_transaminase),
    "ast": _ratio(measured.grade_transaminase),
    "alp": _ratio(measured.grade_alkaline_phosphatase),
    "ggt": _ratio(measured.grade_ggt),
    "total_bilirubin": _ratio(measured.grade_bilirubin),
    # Creatinine's "× baseline" rows compare absolute values (SI), not multiples of the ULN.
    "creatinine": lambda value, lln, times_uln, _b, baseline_si: measured.grade_creatinine(
        value, value / times_uln, baseline_si),
    "inr": lambda value, *_: measured.grade_inr(value),
}
