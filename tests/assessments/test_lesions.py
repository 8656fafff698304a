"""Baseline measurability rules and target sums (RECIST 1.1)."""
from datetime import date

import pytest

from app.assessments.recist import Assessment, Lesion, percent_change, sum_of_diameters, validate_baseline


def liver(lid, mm, **kw):
    return Lesion(lid, "liver", False, mm, **kw)


def node(lid, mm, **kw):
    return Lesion(lid, "mediastinal node", True, mm, **kw)


@pytest.mark.parametrize("lesions, expected_rules", [
    ([liver("L1", 10)], []),
    ([liver("L1", 9.9)], ["measurable_lesion"]),
    ([node("N1", 15)], []),
    ([node("N1", 14.9)], ["measurable_node"]),
    ([node("N1", 12), liver("L1", 8)], ["measurable_node", "measurable_lesion"]),
    ([liver("L1", None)], ["baseline_measured"]),
    ([liver("L1", None, too_small_to_measure=True)], ["measurable_disease"]),
    ([liver("L1", 20), liver("L1", 30)], ["unique_lesion_id"]),
    ([liver("L1", 20), liver("L2", 20)], []),
    ([liver("L1", 20), liver("L2", 20), liver("L3", 20)], ["max_targets_per_organ"]),
    ([liver("L1", 20), liver("L2", 20), Lesion("L3", " Liver", False, 20)], ["max_targets_per_organ"]),
    ([liver("L1", 20), liver("L2", 20), node("N1", 20), node("N2", 20),
      Lesion("P1", "lung", False, 20)], []),
    ([liver("L1", 20), liver("L2", 20), node("N1", 20), node("N2", 20),
      Lesion("P1", "lung", False, 20), Lesion("A1", "adrenal", False, 20)], ["max_target_lesions"]),
    ([], []),
])
def test_validate_baseline_names_each_broken_rule(lesions, expected_rules):
    problems = validate_baseline(lesions)
    assert [p.split(":")[0] for p in problems] == expected_rules


def test_violation_message_is_readable():
    (message,) = validate_baseline([liver("L7", 8)])
    assert "L7" in message and "8 mm" in message and "10 mm" in message


@pytest.mark.parametrize("lesions, expected_sum", [
    ([liver("L1", 30), node("N1", 18)], 48),
    ([liver("L1", 0), node("N1", 8)], 8),
    ([liver("L1", 3, too_small_to_measure=True), node("N1", 8)], 13),  # too small counts 5 mm
    ([liver("L1", None, too_small_to_measure=True)], 5),
    ([liver("L1", None), node("N1", 20)], 20),  # not evaluated: left out
    ([], 0),
])
def test_sum_of_diameters(lesions, expected_sum):
    assert sum_of_diameters(lesions) == expected_sum


@pytest.mark.parametrize("value, reference, expected", [
    (35, 50, -30.0), (36, 30, 20.0), (24, 20, 20.0), (5, 0, None),
])
def test_percent_change(value, reference, expected):
    result = percent_change(value, reference)
    assert result == (None if expected is None else pytest.approx(expected))


def test_assessment_rejects_unknown_non_target_state():
    with pytest.raises(ValueError, match="non_target"):
        Assessment(date(2024, 1, 1), (), "progressive")


def test_assessment_stores_lesions_as_tuple():
    assessment = Assessment(date(2024, 1, 1), [liver("L1", 20)], "none")
    assert assessment.target_lesions == (liver("L1", 20),)
