"""CTCAE v5.0 measured-value grades, boundaries included."""

import pytest

from app.symptoms.grading.measured import (grade_anemia, grade_bilirubin, grade_diarrhea, grade_fever,
                                   grade_neutrophils, grade_platelets, grade_transaminase)


@pytest.mark.parametrize("celsius, hours, grade", [
    (37.9, None, 0), (38.0, None, 1), (39.0, None, 1), (39.1, None, 2), (40.0, None, 2),
    (40.1, None, 3), (40.5, 24, 3), (40.5, 25, 4),
])
def test_fever(celsius, hours, grade):
    assert grade_fever(celsius, hours) == grade


@pytest.mark.parametrize("stools, baseline, grade", [
    (1, 1, 0), (2, 1, 1), (4, 1, 1), (3, 0, 1), (4, 0, 2), (6, 0, 2), (7, 1, 2), (7, 0, 3), (10, 1, 3),
])
def test_diarrhea(stools, baseline, grade):
    assert grade_diarrhea(stools, baseline) == grade


@pytest.mark.parametrize("value, uln, baseline, grade", [
    (40, 40, None, 0), (41, 40, None, 1), (120, 40, None, 1), (121, 40, None, 2), (200, 40, None, 2),
    (201, 40, None, 3), (800, 40, None, 3), (801, 40, None, 4),
    (80, 40, 60, 0), (90, 40, 60, 1), (180, 40, 60, 1), (181, 40, 60, 2), (301, 40, 60, 3), (1201, 40, 60, 4),
])
def test_transaminases(value, uln, baseline, grade):
    assert grade_transaminase(value, uln, baseline) == grade


@pytest.mark.parametrize("value, uln, baseline, grade", [
    (20, 20, None, 0), (21, 20, None, 1), (30, 20, None, 1), (31, 20, None, 2), (60, 20, None, 2),
    (61, 20, None, 3), (201, 20, None, 4), (30, 20, 30, 0), (31, 20, 30, 1), (91, 20, 30, 3),
])
def test_bilirubin(value, uln, baseline, grade):
    assert grade_bilirubin(value, uln, baseline) == grade


@pytest.mark.parametrize("value, grade", [(150, 0), (120, 1), (75, 1), (74.9, 2), (50, 2), (49, 3), (25, 3), (24.9, 4)])
def test_platelets(value, grade):
    assert grade_platelets(value, lln=125) == grade


def test_platelets_per_mm3():
    assert grade_platelets(60_000, lln=125_000, unit="/mm3") == 2


@pytest.mark.parametrize("value, grade", [(2.0, 0), (1.6, 1), (1.5, 1), (1.4, 2), (1.0, 2), (0.9, 3), (0.5, 3), (0.4, 4)])
def test_neutrophils(value, grade):
    assert grade_neutrophils(value, lln=2.0) == grade


@pytest.mark.parametrize("hb, lln, unit, grade", [
    (130, 130, "g/L", 0), (120, 130, "g/L", 1), (100, 130, "g/L", 1), (99, 130, "g/L", 2), (80, 130, "g/L", 2),
    (79, 130, "g/L", 3), (9.5, 13.0, "g/dL", 2), (4.8, 8.0, "mmol/L", 3),
])
def test_anemia(hb, lln, unit, grade):
    assert grade_anemia(hb, lln, unit) == grade


@pytest.mark.parametrize("call", [lambda: grade_anemia(100, 130, "mg"), lambda: grade_platelets(50, 100, "k")])
def test_unknown_units_rejected(call):
    with pytest.raises(ValueError):
        call()
