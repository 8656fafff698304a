from datetime import datetime, time, timedelta, timezone

import pytest

from app.notifications.quiet_hours import (is_quiet, local_day_bounds, next_allowed_send_time,
                                           parse_clock, within_daily_budget)

UTC = timezone.utc


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("local, start, end, quiet", [
    (time(20, 59), "21:00", "08:00", False), (time(21, 0), "21:00", "08:00", True),
    (time(23, 59), "21:00", "08:00", True), (time(0, 0), "21:00", "08:00", True),
    (time(7, 59), "21:00", "08:00", True), (time(8, 0), "21:00", "08:00", False),
    (time(12, 30), time(12, 0), time(14, 0), True), (time(14, 0), time(12, 0), time(14, 0), False),
    (time(11, 59), "12:00", "14:00", False), (time(3, 0), "22:00", "22:00", False),  # empty window
])
def test_is_quiet(local, start, end, quiet):
    assert is_quiet(local, start, end) is quiet


@pytest.mark.parametrize("at, tz, start, end, expected", [
    # Asia/Shanghai (UTC+8, no DST), default 21:00–08:00
    (utc(2026, 3, 5, 4, 0), "Asia/Shanghai", "21:00", "08:00", utc(2026, 3, 5, 4, 0)),    # 12:00 local
    (utc(2026, 3, 5, 13, 0), "Asia/Shanghai", "21:00", "08:00", utc(2026, 3, 6, 0, 0)),   # 21:00 → 08:00 next day
    (utc(2026, 3, 5, 15, 30), "Asia/Shanghai", "21:00", "08:00", utc(2026, 3, 6, 0, 0)),  # 23:30
    (utc(2026, 3, 5, 17, 0), "Asia/Shanghai", "21:00", "08:00", utc(2026, 3, 6, 0, 0)),   # 01:00 next local day
    (utc(2026, 3, 5, 23, 0), "Asia/Shanghai", "21:00", "08:00", utc(2026, 3, 6, 0, 0)),   # 07:00
    (utc(2026, 3, 6, 0, 0), "Asia/Shanghai", "21:00", "08:00", utc(2026, 3, 6, 0, 0)),    # exactly 08:00
    (utc(2026, 12, 31, 14, 0), "Asia/Shanghai", "21:00", "08:00", utc(2027, 1, 1, 0, 0)),  # across new year
    # same-day window 12:00–14:00
    (utc(2026, 3, 5, 5, 0), "Asia/Shanghai", "12:00", "14:00", utc(2026, 3, 5, 6, 0)),
    (utc(2026, 3, 5, 3, 59), "Asia/Shanghai", "12:00", "14:00", utc(2026, 3, 5, 3, 59)),
    # UTC
    (utc(2026, 3, 5, 22, 0), "UTC", "21:00", "08:00", utc(2026, 3, 6, 8, 0)),
    (utc(2026, 3, 5, 7, 0), "UTC", "21:00", "08:00", utc(2026, 3, 5, 8, 0)),
    # America/New_York: EST (UTC-5) before 8 Mar 2026, EDT (UTC-4) after
    (utc(2026, 3, 7, 3, 0), "America/New_York", "21:00", "08:00", utc(2026, 3, 7, 13, 0)),   # 22:00 EST
    (utc(2026, 3, 8, 3, 0), "America/New_York", "21:00", "08:00", utc(2026, 3, 8, 12, 0)),   # night of the change
    (utc(2026, 10, 31, 3, 0), "America/New_York", "21:00", "08:00", utc(2026, 10, 31, 12, 0)),  # EDT
    (utc(2026, 11, 1, 3, 0), "America/New_York", "21:00", "08:00", utc(2026, 11, 1, 13, 0)),  # fall back
    # quiet end inside the spring-forward gap (02:00–03:00 does not exist): first real instant
    (utc(2026, 3, 8, 5, 0), "America/New_York", "22:00", "02:30", utc(2026, 3, 8, 7, 30)),
    # the repeated hour on fall-back night: a wall-clock end already past must not go backwards
    (utc(2026, 11, 1, 6, 10), "America/New_York", "22:00", "01:30", utc(2026, 11, 1, 6, 10)),
])
def test_next_allowed_send_time(at, tz, start, end, expected):
    result = next_allowed_send_time(at, tz, start, end)
    assert result == expected and result.tzinfo == UTC
    assert result >= at


def test_accepts_time_objects_and_other_offsets():
    beijing_evening = datetime(2026, 3, 5, 22, 0, tzinfo=timezone(timedelta(hours=8)))
    assert next_allowed_send_time(beijing_evening, "Asia/Shanghai", time(21), time(8)) == utc(2026, 3, 6, 0, 0)


def test_naive_datetime_is_a_programming_error():
    with pytest.raises(ValueError):
        next_allowed_send_time(datetime(2026, 3, 5, 12), "Asia/Shanghai", "21:00", "08:00")


@pytest.mark.parametrize("text, expected", [("21:00", time(21)), (" 8:05 ", time(8, 5)), (time(7), time(7))])
def test_parse_clock(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize("at, tz, hours", [
    (utc(2026, 3, 5, 12), "Asia/Shanghai", 24),
    (utc(2026, 3, 8, 12), "America/New_York", 23),
    (utc(2026, 11, 1, 12), "America/New_York", 25),
])
def test_local_day_bounds_follow_dst(at, tz, hours):
    start, end = local_day_bounds(at, tz)
    assert start <= at < end and end - start == timedelta(hours=hours)


@pytest.mark.parametrize("sent, at, tz, limit, allowed", [
    ([], utc(2026, 3, 5, 4), "Asia/Shanghai", 1, True),
    ([utc(2026, 3, 5, 1)], utc(2026, 3, 5, 4), "Asia/Shanghai", 1, False),
    ([utc(2026, 3, 5, 1)], utc(2026, 3, 5, 4), "Asia/Shanghai", 2, True),
    # 15:59 UTC is 23:59 the day before in Shanghai; 16:00 UTC is local midnight
    ([utc(2026, 3, 4, 15, 59)], utc(2026, 3, 5, 4), "Asia/Shanghai", 1, True),
    ([utc(2026, 3, 4, 16, 0)], utc(2026, 3, 5, 4), "Asia/Shanghai", 1, False),
    # the same instants are one UTC day
    ([utc(2026, 3, 5, 0, 30), utc(2026, 3, 5, 23)], utc(2026, 3, 5, 12), "UTC", 2, False),
    ([utc(2026, 3, 6, 0, 30)], utc(2026, 3, 5, 12), "UTC", 1, True),  # a later day does not count
])
def test_within_daily_budget(sent, at, tz, limit, allowed):
    assert within_daily_budget(sent, at, tz, limit) is allowed
