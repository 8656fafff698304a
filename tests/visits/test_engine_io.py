"""The row <-> engine bridge: flags kept across replanning, timing only once done."""
from datetime import date
from types import SimpleNamespace

import pytest

from app.visits.engine_io import merged_flags
from app.visits.schemas import visit_timing


@pytest.mark.parametrize("current, engine, moved, expected", [
    ([], (), False, []),
    (["capacity"], (), False, []),  # the engine's verdict replaces its own old flags
    (["missed_candidate", "capacity"], ("out_of_window",), False,
     ["missed_candidate", "out_of_window"]),
    (["missed_candidate"], (), True, []),  # a new day: no longer a missed candidate
    (["reviewed"], ("capacity",), True, ["reviewed", "capacity"]),
    (None, ("closed_day",), False, ["closed_day"]),
])
def test_merged_flags(current, engine, moved, expected):
    assert merged_flags(current, engine, moved) == expected


def visit(status, actual):
    return SimpleNamespace(status=status, actual_date=actual, target_date=date(2026, 3, 23),
                           window_start=date(2026, 3, 23), window_end=date(2026, 3, 26))


@pytest.mark.parametrize("status, actual, expected", [
    ("scheduled", None, None),
    ("missed", None, None),
    ("completed", date(2026, 3, 23), "on_time"),
    ("completed", date(2026, 3, 25), "late"),
    ("completed", date(2026, 3, 30), "out_of_window"),
    ("completed", date(2026, 3, 20), "out_of_window"),
])
def test_timing_is_derived_only_for_completed_visits(status, actual, expected):
    assert visit_timing(visit(status, actual)) == expected
