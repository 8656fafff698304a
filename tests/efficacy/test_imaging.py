"""Imaging schedule dates and the missed-assessment count behind PFS censoring."""
from datetime import date, timedelta

import pytest

from app.efficacy.imaging import missed_assessments_between, protocol_imaging_dates, regular_imaging_dates

C1D1 = date(2024, 1, 1)


def day(n):
    return C1D1 + timedelta(days=n)


def test_protocol_schedule_is_six_weekly_to_week_48_then_twelve_weekly():
    offsets = [(d - C1D1).days for d in protocol_imaging_dates(C1D1, day(600))]
    assert offsets == [42, 84, 126, 168, 210, 252, 294, 336, 420, 504, 588]


@pytest.mark.parametrize("until, expected", [(41, []), (42, [42]), (100, [42, 84])])
def test_protocol_schedule_stops_at_until(until, expected):
    assert [(d - C1D1).days for d in protocol_imaging_dates(C1D1, day(until))] == expected


def test_regular_schedule():
    assert [(d - C1D1).days for d in regular_imaging_dates(C1D1, day(130), 56)] == [56, 112]
    with pytest.raises(ValueError):
        regular_imaging_dates(C1D1, day(130), 0)


SCHEDULE = [day(n) for n in (42, 84, 126, 168)]


@pytest.mark.parametrize("last_adequate, event, missed", [
    (42, 100, 1),    # 84 missed (window closed at 91), 126 not yet due
    (42, 130, 1),    # event found at the 126 scan, inside its window
    (42, 134, 2),    # 126 window closed at 133: two consecutive misses
    (40, 80, 0),     # scan on day 40 covered the day-42 visit; event at 84's window
    (1, 100, 2),     # nothing adequate after C1D1: 42 and 84 missed
    (130, 200, 1),   # a late scan on day 130 covered 126; 168 missed
])
def test_missed_assessments_between(last_adequate, event, missed):
    assert missed_assessments_between(SCHEDULE, day(last_adequate), day(event)) == missed
