from collections import Counter
from datetime import date, timedelta

import pytest

from app.schedules.calendar import ClinicCalendar
from app.schedules.planning import add_months, plan_follow_up, plan_imaging, plan_schedule
from app.schedules.planned_visit import DOSE_KINDS

C1D1 = date(2025, 3, 3)  # a Monday, no holiday near it


@pytest.fixture(scope="module")
def plan(protocol, calendar):
    return plan_schedule(protocol, C1D1, calendar)


# Two years from C1D1 = Mon 2025-03-03, no delays:
# - sintilimab: D1 every 21 days while D1 <= C1D1 + 24 months (day 730): days 0, 21, ..., 714
#   -> 714 / 21 + 1 = 35 doses (cycle 36 would be day 735).
# - labs: one pre-cycle draw per cycle -> 35.
# - haic: D1 of cycles 1..6 -> 6.
# - imaging: baseline + weeks 6, 12, ..., 48 (8) + weeks 60, 72, 84, 96 (4; week 108 = day 756
#   is past day 730) -> 13.
# - safety follow-up: SFU-30 and SFU-90 after the planned last dose -> 2.
# - survival follow-up: starts 12 weeks after the last dose (day 714 + 84 > 730) -> 0.
@pytest.mark.parametrize("kind, count", [
    ("sintilimab", 35), ("labs", 35), ("haic", 6), ("imaging", 13),
    ("safety_follow_up", 2), ("survival_follow_up", 0),
])
def test_counts_over_two_years(plan, kind, count):
    assert Counter(visit.kind for visit in plan)[kind] == count


def test_codes_are_stable_and_unique(plan):
    codes = [visit.code for visit in plan]
    assert len(codes) == len(set(codes)) == 91
    assert {"C01-HAIC", "C06-HAIC", "C01-SINT", "C35-SINT", "C01-LABS", "IMG-BL", "IMG-W06",
            "IMG-W48", "IMG-W60", "IMG-W96", "SFU-30", "SFU-90"} <= set(codes)
    assert "C07-HAIC" not in codes and "C36-SINT" not in codes and "IMG-W54" not in codes


def test_plan_is_sorted_by_booked_day(plan):
    days = [visit.scheduled_date for visit in plan]
    assert days == sorted(days)


def _by_code(plan):
    return {visit.code: visit for visit in plan}


@pytest.mark.parametrize("code, target, window_start, window_end, scheduled, anchor", [
    ("C01-SINT", C1D1, C1D1, C1D1 + timedelta(3), C1D1, "treatment"),
    ("C03-HAIC", date(2025, 4, 14), date(2025, 4, 14), date(2025, 4, 17), date(2025, 4, 14), "treatment"),
    # labs target D1-1 is a Sunday: booked the Friday, inside D1-3..D1-1
    ("C03-LABS", date(2025, 4, 13), date(2025, 4, 11), date(2025, 4, 13), date(2025, 4, 11), "treatment"),
    # Labour Day 2025 (May 1-5): cycle 4's D1 moves to Tuesday May 6, still in window
    ("C04-SINT", date(2025, 5, 5), date(2025, 5, 5), date(2025, 5, 8), date(2025, 5, 6), "treatment"),
    ("IMG-BL", date(2025, 2, 24), date(2025, 2, 3), date(2025, 3, 2), date(2025, 2, 24), "c1d1"),
    ("IMG-W06", date(2025, 4, 14), date(2025, 4, 7), date(2025, 4, 21), date(2025, 4, 14), "c1d1"),
    ("IMG-W60", C1D1 + timedelta(weeks=60), C1D1 + timedelta(weeks=60, days=-7),
     C1D1 + timedelta(weeks=60, days=7), C1D1 + timedelta(weeks=60), "c1d1"),
    # last dose C35 = 2027-02-15; +30 = 2027-03-17 (Wednesday)
    ("SFU-30", date(2027, 3, 17), date(2027, 3, 10), date(2027, 3, 24), date(2027, 3, 17), "last_dose"),
])
def test_visit_dates(plan, code, target, window_start, window_end, scheduled, anchor):
    visit = _by_code(plan)[code]
    assert (visit.target_date, visit.window_start, visit.window_end, visit.scheduled_date,
            visit.anchor) == (target, window_start, window_end, scheduled, anchor)


@pytest.mark.parametrize("code, dose, panels", [
    ("C01-SINT", "sintilimab_flat_200", ()),
    ("C01-HAIC", None, ()),
    ("C01-LABS", None, ("cbc", "liver", "renal", "coagulation", "thyroid")),
    ("C02-LABS", None, ("cbc", "liver", "renal", "coagulation")),
])
def test_dose_rule_and_panels(plan, code, dose, panels):
    visit = _by_code(plan)[code]
    assert (visit.dose, visit.panels) == (dose, panels)


def test_labs_when_the_days_before_d1_are_all_closed_are_flagged_not_dropped(plan):
    # Cycle 4 D1 is Tue 2025-05-06; its labs window May 3-5 is the Labour Day break.
    labs = _by_code(plan)["C04-LABS"]
    assert labs.scheduled_date == date(2025, 5, 6)
    assert labs.flags == ("out_of_window",)


def test_haic_and_sintilimab_share_d1(plan):
    by_code = _by_code(plan)
    for cycle in range(1, 7):
        assert by_code[f"C{cycle:02d}-HAIC"].scheduled_date == by_code[f"C{cycle:02d}-SINT"].scheduled_date


def test_a_full_angiography_suite_moves_the_whole_d1(protocol, calendar):
    day = date(2025, 4, 14)  # cycle 3 D1
    plan = _by_code(plan_schedule(protocol, C1D1, calendar, {(day, "haic"): 4}))
    assert plan["C03-HAIC"].scheduled_date == plan["C03-SINT"].scheduled_date == date(2025, 4, 15)
    assert plan["C03-HAIC"].flags == ()
    assert plan["C03-LABS"].target_date == date(2025, 4, 14)  # labs follow the booked D1


def test_a_suite_full_all_window_long_is_flagged(protocol, calendar):
    booked = {(date(2025, 4, 14) + timedelta(days=i), "haic"): 4 for i in range(4)}
    plan = _by_code(plan_schedule(protocol, C1D1, calendar, booked))
    assert plan["C03-HAIC"].scheduled_date == date(2025, 4, 14)
    assert plan["C03-HAIC"].flags == ("capacity",)


@pytest.mark.parametrize("year", [2025, 2026])
@pytest.mark.parametrize("offset", range(0, 21, 2))
def test_nothing_is_booked_in_the_national_day_week(protocol, calendar, year, offset):
    # C1D1s spread over three weeks put D1s, labs and scans on every day of the golden week.
    c1d1 = date(year, 7, 1) + timedelta(days=offset)
    golden_week = {date(year, 10, day) for day in range(1, 8)}
    plan = plan_schedule(protocol, c1d1, calendar)
    assert not [v for v in plan if v.scheduled_date in golden_week]
    assert all(calendar.is_open(visit.scheduled_date) for visit in plan)


def test_make_up_saturdays_are_used(protocol, calendar):
    # D1 Monday 2026-10-12 -> labs target Sunday Oct 11; Saturday Oct 10 is a working day.
    c1d1 = date(2026, 10, 12) - timedelta(weeks=3 * 10)
    plan = _by_code(plan_schedule(protocol, c1d1, calendar))
    assert plan["C11-LABS"].scheduled_date == date(2026, 10, 10)


def test_imaging_in_the_plan_is_plan_imaging(protocol, calendar, plan):
    assert set(plan_imaging(protocol, C1D1, calendar)) == {v for v in plan if v.kind == "imaging"}


@pytest.mark.parametrize("last_dose, end_of_treatment, until, codes", [
    # last dose on day 98 (2025-06-09): survival on day 98 + 84n <= 730 -> n = 1..7
    (date(2025, 6, 9), None, None,
     ["SFU-30", "SFU-90"] + [f"SURV-{n:02d}" for n in range(1, 8)]),
    # end of treatment decided on day 147 (2025-07-28): 147 + 84n <= 730 -> n = 1..6
    (date(2025, 6, 9), date(2025, 7, 28), None,
     ["SFU-30", "SFU-90"] + [f"SURV-{n:02d}" for n in range(1, 7)]),
    # a study cut-off before the horizon
    (date(2025, 6, 9), None, date(2025, 12, 31), ["SFU-30", "SFU-90", "SURV-01", "SURV-02"]),
])
def test_plan_follow_up(protocol, calendar, last_dose, end_of_treatment, until, codes):
    visits = plan_follow_up(protocol, C1D1, last_dose, calendar, until=until,
                            end_of_treatment=end_of_treatment)
    assert [visit.code for visit in visits] == codes
    survival = [visit for visit in visits if visit.kind == "survival_follow_up"]
    assert survival[0].target_date == (end_of_treatment or last_dose) + timedelta(weeks=12)
    assert (survival[0].window_end - survival[0].window_start).days == 28


@pytest.mark.parametrize("day, months, expected", [
    (date(2025, 3, 3), 24, date(2027, 3, 3)),
    (date(2024, 2, 29), 24, date(2026, 2, 28)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_doses_never_closer_than_the_minimum_interval(plan):
    doses = sorted(v.scheduled_date for v in plan if v.kind == "sintilimab")
    assert min((b - a).days for a, b in zip(doses, doses[1:])) >= 14
    assert all(v.kind in DOSE_KINDS for v in plan if v.dose)


def test_the_minimum_interval_beats_the_nearest_open_day(protocol):
    # Closures: C02 (target Mar 24) can only go to Mon Mar 31 (Mar 14 is further away);
    # C03 (target Apr 14) would take Fri Apr 11, 11 days after C02: not allowed, so the
    # first open day from Apr 14 (C02 + 14 days) on is used, flagged out of window: Sun Apr 27,
    # a make-up working day for Labour Day 2025.
    closed = [date(2025, 3, 17) + timedelta(days=i) for i in range(12)]
    closed += [date(2025, 4, 14) + timedelta(days=i) for i in range(12)]
    calendar = ClinicCalendar.for_protocol(protocol, extra_closed=closed)
    plan = _by_code(plan_schedule(protocol, C1D1, calendar))
    assert plan["C02-SINT"].scheduled_date == date(2025, 3, 31)
    assert plan["C03-SINT"].scheduled_date == date(2025, 4, 27)
    assert plan["C03-SINT"].flags == ("out_of_window",)
