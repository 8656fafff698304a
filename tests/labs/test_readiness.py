"""The HAIC go/no-go at each threshold of the protocol's pre-cycle limits (PROTOCOL.md)."""
from datetime import date, timedelta

import pytest

from app.visits.readiness_rules import pre_cycle_rule
from app.visits.readiness import Point, readiness

D1 = date(2026, 3, 23)
RULE = pre_cycle_rule("NCT06184841-v1")
GOOD = {"anc": (3.0, None), "platelets": (180.0, None), "alt": (40.0, 1.0), "ast": (40.0, 1.0),
        "total_bilirubin": (15.0, 0.7), "creatinine": (80.0, 0.8)}


def points(day=D1 - timedelta(days=1), **changes):
    values = GOOD | changes
    return [Point(test, day, value_si, times_uln, n) for n, (test, (value_si, times_uln)) in enumerate(values.items())]


def test_all_within_limits_is_ready():
    assert readiness("haic", D1, points(), RULE) == {"status": "ready", "failing": [], "missing": []}


@pytest.mark.parametrize("test, passing, failing", [
    ("anc", (1.5, None), (1.49, None)),
    ("platelets", (75.0, None), (74.9, None)),
    ("alt", (199.0, 4.99), (200.0, 5.0)),
    ("ast", (199.0, 4.99), (200.0, 5.0)),
    ("total_bilirubin", (31.0, 1.49), (31.5, 1.5)),
    ("creatinine", (130.0, 1.49), (132.0, 1.5)),
])
def test_each_limit_at_its_boundary(test, passing, failing):
    assert readiness("haic", D1, points(**{test: passing}), RULE)["status"] == "ready"
    held = readiness("haic", D1, points(**{test: failing}), RULE)
    assert held["status"] == "hold" and [f["test"] for f in held["failing"]] == [test]


def test_hold_names_the_value_and_the_limit():
    held = readiness("haic", D1, points(platelets=(60.0, None)), RULE)
    assert held["failing"] == [{"test": "platelets", "value": 60.0, "unit": "×10⁹/L", "limit": "≥ 75 ×10⁹/L",
                                "collected_on": "2026-03-22"}]


@pytest.mark.parametrize("days_before, status", [(0, "ready"), (3, "ready"), (4, "labs_missing"), (-1, "labs_missing")])
def test_window_is_d1_minus_3_to_d1_inclusive(days_before, status):
    assert readiness("haic", D1, points(day=D1 - timedelta(days=days_before)), RULE)["status"] == status


def test_missing_tests_are_named_and_a_failing_value_still_holds():
    partial = [p for p in points() if p.test != "creatinine"]
    assert readiness("haic", D1, partial, RULE) == {"status": "labs_missing", "failing": [], "missing": ["creatinine"]}
    failing = [p for p in points(anc=(0.8, None)) if p.test != "creatinine"]
    assert readiness("haic", D1, failing, RULE)["status"] == "hold"


def test_the_latest_value_in_the_window_counts():
    older = points(day=D1 - timedelta(days=3), platelets=(60.0, None))
    newer = [Point("platelets", D1, 90.0, None, 99)]
    assert readiness("haic", D1, older + newer, RULE)["status"] == "ready"


def test_other_kinds_are_not_applicable():
    assert readiness("sintilimab", D1, [], RULE)["status"] == "not_applicable"


def test_limits_come_from_the_protocol_file():
    assert RULE.days_before == 3
    assert {(limit.test, limit.bound, limit.upper) for limit in RULE.limits} == {
        ("anc", 1.5, False), ("platelets", 75.0, False), ("alt", 5.0, True), ("ast", 5.0, True),
        ("total_bilirubin", 1.5, True), ("creatinine", 1.5, True)}
