from datetime import date, timedelta

import pytest

from app.schedules.dosing import DoseIntervalError
from app.schedules.planning import plan_schedule
from app.schedules.shifting import moved_visits, shift_treatment

C1D1 = date(2025, 3, 3)  # a Monday; cycle 3 D1 = 2025-04-14, no holiday until May 1
WEEK = timedelta(days=7)


@pytest.fixture(scope="module")
def plan(protocol, calendar):
    return plan_schedule(protocol, C1D1, calendar)


def _by_code(visits):
    return {visit.code: visit for visit in visits}


def _delayed(protocol, calendar, plan, code="C03-SINT", days=7, **options):
    moved_to = _by_code(plan)[code].scheduled_date + timedelta(days=days)
    return _by_code(shift_treatment(protocol, plan, code, moved_to, calendar, **options))


def _treatment_of_cycles(visits, first, last):
    return [v for v in visits.values() if v.cycle is not None and first <= v.cycle <= last]


# (target moved, booked day moved) in days. Targets of later D1s move by exactly the delay;
# booked days follow the calendar: Labour Day 2025 had pushed C04 from Mon May 5 to Tue May 6
# (new May 12: 6 days); Dragon Boat 2025 (Mon Jun 2) pushes the new C05 to Tue Jun 3 (8 days);
# Qingming 2026 had pushed C20 to Tue Apr 7 (new Apr 13: 6). Labs target the day before the
# *booked* D1: C04 labs May 5 -> May 11 (6), a Sunday, booked Friday May 9 (old May 6: 3).
@pytest.mark.parametrize("code, target_moved, booked_moved", [
    ("C03-SINT", 0, 7), ("C03-HAIC", 0, 7),  # the delayed cycle keeps its protocol target
    ("C03-LABS", 7, 7),  # labs re-anchored on the new D1
    ("C04-SINT", 7, 6), ("C04-HAIC", 7, 6), ("C04-LABS", 6, 3), ("C05-SINT", 7, 8),
    ("C06-HAIC", 7, 7), ("C10-LABS", 7, 7), ("C20-SINT", 7, 6), ("C35-SINT", 7, 7),
    ("C02-SINT", 0, 0), ("C02-LABS", 0, 0), ("IMG-W06", 0, 0), ("IMG-W96", 0, 0),
])
def test_a_week_delay_at_cycle_3_moves_cycles_3_on_and_their_labs(protocol, calendar, plan,
                                                                  code, target_moved, booked_moved):
    before, after = _by_code(plan)[code], _delayed(protocol, calendar, plan)[code]
    assert (after.target_date - before.target_date).days == target_moved
    assert (after.scheduled_date - before.scheduled_date).days == booked_moved


def test_the_delay_leaves_imaging_and_earlier_cycles_alone(protocol, calendar, plan):
    before, after = _by_code(plan), _delayed(protocol, calendar, plan)
    for code, visit in before.items():
        if visit.kind == "imaging" or (visit.cycle is not None and visit.cycle < 3):
            assert after[code] == visit, code


def test_the_delayed_cycle_keeps_its_target_later_cycles_are_re_anchored(protocol, calendar, plan):
    after = _delayed(protocol, calendar, plan)
    assert after["C03-SINT"].target_date == date(2025, 4, 14)
    assert after["C03-SINT"].flags == ("out_of_window",)  # a week late on a D1 window of +3
    assert after["C04-SINT"].target_date == date(2025, 4, 21) + 3 * WEEK  # new D1 + 21 days
    assert after["C04-SINT"].flags == ()
    assert after["C03-LABS"].target_date == date(2025, 4, 20)  # just before the new D1


def test_safety_follow_up_follows_the_last_dose(protocol, calendar, plan):
    after = _delayed(protocol, calendar, plan)
    last = max(v.scheduled_date for v in after.values() if v.kind == "sintilimab")
    assert after["SFU-30"].target_date == last + timedelta(days=30)


def test_cycles_pushed_past_24_months_are_flagged_not_dropped(protocol, calendar, plan):
    after = _delayed(protocol, calendar, plan, days=28)
    # C35's D1 target moves from day 714 to 742 > 730 (2027-03-03); C34 to 721 stays.
    assert "beyond_treatment_limit" in after["C35-SINT"].flags
    assert "beyond_treatment_limit" not in after["C34-SINT"].flags
    assert len(after) == len(plan)


def test_frozen_visits_are_never_touched(protocol, calendar, plan):
    frozen = {"C03-LABS", "C03-SINT", "C03-HAIC"}  # cycle 3 given 7 days late and recorded
    after = _delayed(protocol, calendar, plan, frozen=frozen)
    before = _by_code(plan)
    assert all(after[code] == before[code] for code in frozen)
    assert after["C04-SINT"].target_date == before["C04-SINT"].target_date + WEEK


def test_moved_visits_lists_what_changed(protocol, calendar, plan):
    moved_to = date(2025, 4, 21)
    after = shift_treatment(protocol, plan, "C03-SINT", moved_to, calendar)
    codes = {v.code for v in moved_visits(plan, after)}
    assert {"C03-SINT", "C03-HAIC", "C03-LABS", "C35-SINT", "SFU-30", "SFU-90"} <= codes
    assert not any(code.startswith(("IMG", "C01", "C02")) for code in codes)


@pytest.mark.parametrize("days_earlier, allowed", [(1, True), (7, True), (8, False)])
def test_moving_earlier_respects_the_minimum_dose_interval(protocol, calendar, plan,
                                                           days_earlier, allowed):
    # C02 is given on day 21; moving C03 from day 42 to day 42 - 8 = 34 leaves 13 days.
    if allowed:
        after = _delayed(protocol, calendar, plan, days=-days_earlier)
        assert after["C04-SINT"].target_date == date(2025, 5, 5) - timedelta(days=days_earlier)
    else:
        with pytest.raises(DoseIntervalError, match="13 day"):
            _delayed(protocol, calendar, plan, days=-days_earlier)


def test_the_min_interval_pushes_a_later_dose_away_from_a_late_booked_one(protocol, calendar, plan):
    # Delay C03 by 10 days, then ask C04 (target now day 73) to be booked where allowed.
    after = _delayed(protocol, calendar, plan, days=10)
    gap = after["C04-SINT"].scheduled_date - after["C03-SINT"].scheduled_date
    assert gap.days >= 14


@pytest.mark.parametrize("code, message", [
    ("IMG-W06", "only treatment visits shift"),
    ("SFU-30", "only treatment visits shift"),
    ("C99-SINT", "no visit 'C99-SINT'"),
])
def test_what_cannot_be_shifted(protocol, calendar, plan, code, message):
    with pytest.raises(ValueError, match=message):
        shift_treatment(protocol, plan, code, date(2025, 6, 2), calendar)


def test_the_patient_own_slots_are_released_before_re_booking(protocol, calendar, plan):
    # Site load on Mon May 26: 3 other patients + this patient's C05 HAIC = 4 (full).
    # Delaying C03 by 21 days re-anchors C04 on May 26; C05 leaves that day, so C04 fits.
    booked = {(date(2025, 5, 26), "haic"): 4}
    after = _by_code(shift_treatment(protocol, plan, "C03-HAIC", date(2025, 5, 5), calendar, booked))
    assert after["C04-HAIC"].scheduled_date == date(2025, 5, 26)
    assert after["C03-HAIC"].flags == ("out_of_window", "closed_day")  # Labour Day, chosen anyway


def test_a_site_already_full_pushes_the_shifted_cycle(protocol, calendar, plan):
    booked = {(date(2025, 5, 12), "haic"): 4}  # 4 other patients on C04's new target day
    after = _by_code(shift_treatment(protocol, plan, "C03-HAIC", date(2025, 4, 21), calendar, booked))
    assert after["C04-HAIC"].scheduled_date == after["C04-SINT"].scheduled_date == date(2025, 5, 13)


@pytest.mark.parametrize("c02_actual, allowed", [(date(2025, 3, 24), True), (date(2025, 3, 28), False)])
def test_the_interval_counts_from_the_previous_dose_actual_day(protocol, calendar, plan,
                                                              c02_actual, allowed):
    # C03 moved 7 days earlier to Apr 7: 14 days after C02's booked Mar 24, but only 10
    # after an actual Mar 28.
    done = {"C02-SINT": c02_actual, "C02-HAIC": c02_actual}

    def shift():
        return shift_treatment(protocol, plan, "C03-SINT", date(2025, 4, 7), calendar,
                               frozen=set(done), actual_dates=done)

    if allowed:
        assert _by_code(shift())["C03-SINT"].scheduled_date == date(2025, 4, 7)
    else:
        with pytest.raises(DoseIntervalError, match="10 day"):
            shift()
