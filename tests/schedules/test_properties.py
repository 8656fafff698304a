"""Properties of the engine over any C1D1 in 2024-2027 and any sequence of reschedules."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.schedules.calendar import ClinicCalendar
from app.schedules.dosing import DoseIntervalError
from app.schedules.planning import plan_imaging, plan_schedule
from app.schedules.protocol import default_protocol
from app.schedules.shifting import shift_treatment

# Module-level (not function fixtures): hypothesis reruns the body many times, and one
# calendar instance keeps its per-year holiday cache across examples.
PROTOCOL = default_protocol()
CALENDAR = ClinicCalendar.for_protocol(PROTOCOL)

c1d1s = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
moves = st.lists(st.tuples(st.integers(2, 35), st.sampled_from(["SINT", "HAIC", "LABS"]),
                           st.integers(-10, 28)), max_size=4)
site_loads = st.dictionaries(st.integers(0, 800), st.integers(0, 4), max_size=40)
# Site closures (suite maintenance, outbreaks): blocks of days that make bookings jump far.
closures = st.lists(st.tuples(st.integers(-10, 760), st.integers(1, 14)), max_size=12)


def _apply(visits, moves, booked, calendar=CALENDAR):
    codes = {visit.code for visit in visits}
    for cycle, suffix, days in moves:
        code = f"C{cycle:02d}-{suffix}"
        if code not in codes:
            continue  # HAIC only exists in cycles 1..6
        current = next(v for v in visits if v.code == code)
        try:
            visits = shift_treatment(PROTOCOL, visits, code, current.scheduled_date + timedelta(days),
                                     calendar, booked)
        except DoseIntervalError:
            continue  # refused, as it must be when a dose would come too soon
    return visits


def _load(c1d1, offsets):
    return {(c1d1 + timedelta(days=offset), "haic"): count for offset, count in offsets.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c1d1=c1d1s, moves=moves, offsets=site_loads)
def test_every_visit_is_in_window_and_open_or_flagged(c1d1, moves, offsets):
    booked = _load(c1d1, offsets)
    visits = _apply(plan_schedule(PROTOCOL, c1d1, CALENDAR, booked), moves, booked)
    for visit in visits:
        assert visit.in_window(visit.scheduled_date) or "out_of_window" in visit.flags, visit
        assert CALENDAR.is_open(visit.scheduled_date) or "closed_day" in visit.flags, visit


def _closed_calendar(c1d1, blocks):
    days = {c1d1 + timedelta(days=start + i) for start, length in blocks for i in range(length)}
    return ClinicCalendar.for_protocol(PROTOCOL, extra_closed=days)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c1d1=c1d1s, moves=moves, offsets=site_loads, blocks=closures)
def test_doses_are_never_closer_than_the_minimum_interval(c1d1, moves, offsets, blocks):
    booked, calendar = _load(c1d1, offsets), _closed_calendar(c1d1, blocks)
    visits = _apply(plan_schedule(PROTOCOL, c1d1, calendar, booked), moves, booked, calendar)
    doses = sorted(v.scheduled_date for v in visits if v.kind == "sintilimab")
    gaps = [(later - earlier).days for earlier, later in zip(doses, doses[1:])]
    assert min(gaps) >= PROTOCOL.treatment.min_dose_interval_days
    for visit in visits:
        assert visit.in_window(visit.scheduled_date) or "out_of_window" in visit.flags, visit


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(c1d1=c1d1s, moves=moves)
def test_imaging_depends_only_on_c1d1(c1d1, moves):
    visits = _apply(plan_schedule(PROTOCOL, c1d1, CALENDAR), moves, None)
    imaging = {v.code: v for v in visits if v.kind == "imaging"}
    assert imaging == {v.code: v for v in plan_imaging(PROTOCOL, c1d1, CALENDAR)}
