"""Quiet hours and the daily message budget, in the patient's own IANA time zone.

Quiet hours are the half-open local window [start, end). start > end crosses midnight
(the site default 21:00–08:00); start < end is a same-day window; start == end means none.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)


def parse_clock(value: time | str) -> time:
    """A time of day from a `time` or an "HH:MM" string (as patients' quiet_hours are stored)."""
    if isinstance(value, time):
        return value
    hours, minutes = value.strip().split(":")
    return time(int(hours), int(minutes))


def is_quiet(local_time: time, quiet_start: time | str, quiet_end: time | str) -> bool:
    """True when `local_time` (wall clock) falls inside the quiet window."""
    start, end = parse_clock(quiet_start), parse_clock(quiet_end)
    if start == end:
        return False
    if start < end:
        return start <= local_time < end
    return local_time >= start or local_time < end


def next_allowed_send_time(at_utc: datetime, tz_name: str, quiet_start: time | str,
                           quiet_end: time | str) -> datetime:
    """`at_utc` itself if it is outside quiet hours there, else the UTC instant quiet hours end.

    DST: the end is the wall-clock time on the right local day; an end that falls in a
    spring-forward gap resolves to the first valid instant after it (zoneinfo's fold=0).
    """
    zone = ZoneInfo(tz_name)
    local = _require_aware(at_utc).astimezone(zone)
    start, end = parse_clock(quiet_start), parse_clock(quiet_end)
    now_utc = at_utc.astimezone(timezone.utc)
    if not is_quiet(local.time(), start, end):
        return now_utc
    # Crossing midnight, the evening part ends tomorrow; otherwise the window ends today.
    end_day = local.date() + timedelta(days=1) if start > end and local.time() >= start else local.date()
    # max(): in a repeated (fall-back) hour the wall-clock end may already lie in the past.
    return max(local_instant(end_day, end, tz_name), now_utc)


def local_instant(day: date, wall_time: time, tz_name: str) -> datetime:
    """The UTC instant of a wall-clock time on a local date (gaps resolve forward)."""
    naive = datetime.combine(day, wall_time)
    # Round-tripping through UTC normalises a non-existent time (DST gap) to a real one.
    return naive.replace(tzinfo=ZoneInfo(tz_name)).astimezone(timezone.utc)


def local_day_bounds(at_utc: datetime, tz_name: str) -> tuple[datetime, datetime]:
    """UTC start and end of the local calendar day containing `at_utc` (23 or 25 h on DST days)."""
    day = _require_aware(at_utc).astimezone(ZoneInfo(tz_name)).date()
    return local_instant(day, time(0), tz_name), local_instant(day + timedelta(days=1), time(0), tz_name)


def within_daily_budget(sent_times_utc: Iterable[datetime], at_utc: datetime, tz_name: str,
                        limit: int) -> bool:
    """True when fewer than `limit` messages were sent on the local day of `at_utc`."""
    day_start, day_end = local_day_bounds(at_utc, tz_name)
    sent_today = sum(1 for sent in sent_times_utc if day_start <= _require_aware(sent) < day_end)
    return sent_today < limit


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {moment!r}")
    return moment
