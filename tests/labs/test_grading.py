"""CTCAE v5.0 lab grades at their boundaries, baseline normal and abnormal (data/ctcae_v5.csv)."""
import pytest

from app.labs.grading import grade

ALT, ALP, BILI = "Alanine aminotransferase increased", "Alkaline phosphatase increased", "Blood bilirubin increased"


@pytest.mark.parametrize("test, times_uln, baseline, expected", [
    # ALT/AST, baseline normal: >ULN-3.0 G1, >3.0-5.0 G2, >5.0-20.0 G3, >20.0 x ULN G4
    ("alt", 1.0, None, 0), ("alt", 1.01, None, 1), ("alt", 3.0, None, 1), ("alt", 3.01, None, 2),
    ("alt", 5.0, None, 2), ("alt", 5.01, None, 3), ("alt", 20.0, None, 3), ("alt", 20.01, None, 4),
    ("ast", 3.01, 0.8, 2),  # a normal baseline keeps the ULN rule
    # ALT/AST, baseline abnormal (2 x ULN): 1.5-3.0 G1, >3.0-5.0 G2, >5.0-20.0 G3, >20.0 x baseline G4
    ("alt", 2.9, 2.0, 0), ("alt", 3.0, 2.0, 1), ("alt", 6.0, 2.0, 1), ("alt", 6.02, 2.0, 2),
    ("ast", 10.0, 2.0, 2), ("ast", 10.02, 2.0, 3), ("ast", 40.0, 2.0, 3), ("ast", 40.2, 2.0, 4),
    # ALP/GGT, baseline normal: >ULN-2.5 G1, >2.5-5.0 G2, >5.0-20.0 G3, >20.0 G4
    ("alp", 1.0, None, 0), ("alp", 2.5, None, 1), ("alp", 2.51, None, 2), ("alp", 5.0, None, 2),
    ("alp", 5.01, None, 3), ("ggt", 20.0, None, 3), ("ggt", 20.01, None, 4),
    # ALP/GGT, baseline abnormal (1.5 x ULN): 2.0-2.5 G1, >2.5-5.0 G2, >5.0-20.0 G3, >20.0 x baseline G4
    ("alp", 2.99, 1.5, 0), ("alp", 3.0, 1.5, 1), ("alp", 3.75, 1.5, 1), ("alp", 3.76, 1.5, 2),
    ("ggt", 7.5, 1.5, 2), ("ggt", 7.51, 1.5, 3), ("ggt", 30.0, 1.5, 3), ("ggt", 30.1, 1.5, 4),
    # Bilirubin, baseline normal: >ULN-1.5 G1, >1.5-3.0 G2, >3.0-10.0 G3, >10.0 G4
    ("total_bilirubin", 1.0, None, 0), ("total_bilirubin", 1.5, None, 1), ("total_bilirubin", 1.51, None, 2),
    ("total_bilirubin", 3.0, None, 2), ("total_bilirubin", 3.01, None, 3), ("total_bilirubin", 10.01, None, 4),
    # Bilirubin, baseline abnormal (2 x ULN): >1.0-1.5 G1, >1.5-3.0 G2, >3.0-10.0 G3, >10.0 x baseline G4
    ("total_bilirubin", 2.0, 2.0, 0), ("total_bilirubin", 2.02, 2.0, 1), ("total_bilirubin", 3.0, 2.0, 1),
    ("total_bilirubin", 3.02, 2.0, 2), ("total_bilirubin", 6.02, 2.0, 3), ("total_bilirubin", 20.2, 2.0, 4),
    # Creatinine by ULN: >ULN-1.5 G1, >1.5-3.0 G2, >3.0-6.0 G3, >6.0 G4
    ("creatinine", 1.0, None, 0), ("creatinine", 1.5, None, 1), ("creatinine", 1.51, None, 2),
    ("creatinine", 3.01, None, 3), ("creatinine", 6.0, None, 3), ("creatinine", 6.01, None, 4),
])
def test_uln_referenced_grades(test, times_uln, baseline, expected):
    assert grade(test, times_uln * 100, times_uln=times_uln, baseline_times_uln=baseline).grade == expected


def test_creatinine_also_grades_against_its_baseline():
    # 1.2 x ULN (G1 by ULN) but 1.6 x a baseline of 0.75 x ULN: G2 by ">1.5 - 3.0 x baseline".
    assert grade("creatinine", 120.0, times_uln=1.2, baseline_si=75.0).grade == 2
    assert grade("creatinine", 240.0, times_uln=2.4, baseline_si=75.0).grade == 3


@pytest.mark.parametrize("test, value, lln, expected", [
    ("platelets", 150, 150, 0), ("platelets", 149, 150, 1), ("platelets", 75, 150, 1), ("platelets", 74.9, 150, 2),
    ("platelets", 60, 150, 2), ("platelets", 50, 150, 2), ("platelets", 49.9, 150, 3), ("platelets", 25, 150, 3),
    ("platelets", 24.9, 150, 4),
    ("anc", 1.8, 1.8, 0), ("anc", 1.5, 1.8, 1), ("anc", 1.49, 1.8, 2), ("anc", 1.0, 1.8, 2), ("anc", 0.99, 1.8, 3),
    ("anc", 0.5, 1.8, 3), ("anc", 0.49, 1.8, 4),
    ("wbc", 3.5, 3.5, 0), ("wbc", 3.0, 3.5, 1), ("wbc", 2.99, 3.5, 2), ("wbc", 1.99, 3.5, 3), ("wbc", 0.99, 3.5, 4),
    ("hemoglobin", 130, 130, 0), ("hemoglobin", 100, 130, 1), ("hemoglobin", 99, 130, 2), ("hemoglobin", 80, 130, 2),
    ("hemoglobin", 79, 130, 3),
    ("albumin", 35, 35, 0), ("albumin", 30, 35, 1), ("albumin", 29.9, 35, 2), ("albumin", 20, 35, 2),
    ("albumin", 19.9, 35, 3),
])
def test_low_count_grades(test, value, lln, expected):
    assert grade(test, value, lln_si=lln).grade == expected


@pytest.mark.parametrize("inr, expected", [(1.2, 0), (1.21, 1), (1.5, 1), (1.51, 2), (2.5, 2), (2.51, 3)])
def test_inr(inr, expected):
    assert grade("inr", inr, times_uln=inr).grade == expected


@pytest.mark.parametrize("test", ["tsh", "free_t4", "pt", "bun", "hbv_dna"])
def test_tests_without_a_ctcae_term_grade_to_null(test):
    graded = grade(test, 1.0, times_uln=1.0)
    assert (graded.ctcae_term, graded.grade) == (None, None)


def test_terms_are_ctcae_v5_terms(app):
    from app.adverse_events.validation import lookup_term
    from app.labs.grading import TERMS

    assert all(lookup_term(term).term == term for term in TERMS.values())
