"""Table tests of the derived flags (pure: no app, no database)."""
from datetime import date

import pytest

from app.adverse_events.flags import (GradeEntry, baseline_grade, is_teae, is_treatment_related,
                                      worst_grade)

D = date.fromisoformat
DOSE = D("2026-03-10")


def hist(*pairs):
    return [GradeEntry(D(day), grade) for day, grade in pairs]


@pytest.mark.parametrize("onset, history, first_dose, cutoff, expected", [
    ("2026-03-10", [("2026-03-10", 1)], DOSE, None, True),            # onset on the first dose day
    ("2026-03-20", [("2026-03-20", 2)], DOSE, None, True),            # after it
    ("2026-03-09", [("2026-03-09", 2)], DOSE, None, False),           # pre-existing, unchanged
    ("2026-03-01", [("2026-03-01", 1), ("2026-03-15", 2)], DOSE, None, True),   # worsened after the dose
    ("2026-03-01", [("2026-03-01", 2), ("2026-03-15", 2)], DOSE, None, False),  # same grade again: not worse
    ("2026-03-01", [("2026-03-01", 2), ("2026-03-15", 1)], DOSE, None, False),  # improved
    ("2026-03-01", [("2026-03-01", 1), ("2026-03-05", 3), ("2026-03-15", 2)], DOSE, None, False),  # baseline = 3
    ("2026-03-01", [("2026-03-01", 1), ("2026-03-15", 2)], DOSE, D("2026-03-14"), False),  # worsened after cutoff
    ("2026-03-20", [("2026-03-20", 2)], None, None, False),           # no dose yet: nothing is a TEAE
    ("2026-03-20", [("2026-03-20", 2)], DOSE, D("2026-03-09"), False),  # first dose after the cutoff
])
def test_teae(onset, history, first_dose, cutoff, expected):
    assert is_teae(D(onset), hist(*history), first_dose, cutoff) is expected


@pytest.mark.parametrize("history, first_dose, expected", [
    ([("2026-03-01", 1), ("2026-03-15", 3)], DOSE, 1),
    ([("2026-03-01", 1), ("2026-03-05", 2), ("2026-03-15", 3)], DOSE, 2),
    ([("2026-03-12", 2)], DOSE, None),
])
def test_baseline_grade_is_the_grade_before_the_first_dose(history, first_dose, expected):
    assert baseline_grade(hist(*history), first_dose) == expected


@pytest.mark.parametrize("history, cutoff, expected", [
    ([("2026-03-01", 3), ("2026-03-05", 1)], None, 3),     # the worst, not the latest
    ([("2026-03-01", 1), ("2026-03-05", 4)], D("2026-03-04"), 1),
    ([("2026-03-01", 1)], D("2026-02-28"), None),
])
def test_worst_grade(history, cutoff, expected):
    assert worst_grade(hist(*history), cutoff) == expected


@pytest.mark.parametrize("attribution, expected", [
    ({"haic": "unrelated", "sintilimab": "unlikely", "procedure": "unrelated"}, False),
    ({"haic": "possible", "sintilimab": "unrelated", "procedure": "unrelated"}, True),
    ({"haic": "unlikely", "sintilimab": "probable", "procedure": "unrelated"}, True),
    ({"haic": "unlikely", "sintilimab": "unlikely", "procedure": "definite"}, True),
    ({"haic": "unrelated", "sintilimab": "unrelated", "procedure": "unrelated", "disease": "definite"}, False),
    ({"haic": "unrelated", "sintilimab": "unrelated", "procedure": "unrelated", "other": "probable"}, False),
])
def test_treatment_related(attribution, expected):
    assert is_treatment_related(attribution) is expected
