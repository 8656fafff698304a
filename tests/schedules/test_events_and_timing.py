from collections import Counter
from datetime import date, timedelta

import pytest

from app.schedules.events import visits_to_cancel_on
from app.schedules.planning import plan_schedule
from app.schedules.planned_visit import timing

C1D1 = date(2025, 3, 3)
WEEK_20 = C1D1 + timedelta(weeks=20)  # 2025-07-21, day 140


@pytest.fixture(scope="module")
def plan(protocol, calendar):
    return plan_schedule(protocol, C1D1, calendar)


# Event at week 20 (day 140). Cycle 7's D1 is day 126, cycle 8's day 147 (its labs Fri Jul 25),
# so cycles 8..35 are ahead: 28 sintilimab and 28 labs; all 6 HAIC are done (last day 105).
# Scans ahead: weeks 24..48 (5) and 60..96 (4) = 9. Safety follow-up: SFU-30 and SFU-90.
@pytest.mark.parametrize("event, expected", [
    ("progression", {"sintilimab": 28, "labs": 28, "imaging": 9}),
    ("withdrawal", {"sintilimab": 28, "labs": 28}),
    ("end_of_treatment", {"sintilimab": 28, "labs": 28}),
    ("death", {"sintilimab": 28, "labs": 28, "imaging": 9, "safety_follow_up": 2}),
    ("lost_to_follow_up", {}),
    ("contact", {}),
])
def test_what_an_event_at_week_20_cancels(plan, event, expected):
    cancelled = visits_to_cancel_on(event, WEEK_20, plan)
    assert Counter(visit.kind for visit in cancelled) == Counter(expected)
    assert all(visit.scheduled_date >= WEEK_20 for visit in cancelled)


def test_frozen_visits_are_never_cancelled(plan):
    cancelled = visits_to_cancel_on("death", WEEK_20, plan, frozen={"C08-LABS", "IMG-W24"})
    assert {"C08-LABS", "IMG-W24"}.isdisjoint(v.code for v in cancelled)
    assert "C08-SINT" in {v.code for v in cancelled}


def test_a_visit_on_the_event_day_is_cancelled(plan):
    cycle_8 = next(v for v in plan if v.code == "C08-SINT")
    cancelled = visits_to_cancel_on("progression", cycle_8.scheduled_date, plan)
    assert "C08-SINT" in {v.code for v in cancelled}
    assert "C08-LABS" not in {v.code for v in cancelled}  # drawn before the event


def test_unknown_event():
    with pytest.raises(ValueError, match="unknown event type 'holiday'"):
        visits_to_cancel_on("holiday", WEEK_20, [])


TARGET, START, END = date(2025, 4, 14), date(2025, 4, 11), date(2025, 4, 17)


@pytest.mark.parametrize("actual, expected", [
    (date(2025, 4, 14), "on_time"),
    (date(2025, 4, 11), "early"),  # first day of the window
    (date(2025, 4, 13), "early"),
    (date(2025, 4, 15), "late"),
    (date(2025, 4, 17), "late"),  # last day of the window
    (date(2025, 4, 10), "out_of_window"),
    (date(2025, 4, 18), "out_of_window"),
])
def test_timing(actual, expected):
    assert timing(actual, TARGET, START, END) == expected
