"""The imaging schedule as the PFS censoring rules need it (pure).

Imaging is anchored to C1D1 and never shifts with treatment delays (PROTOCOL.md):
every 6 weeks for 48 weeks, then every 12 weeks, each with a +-7 day window.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache

FIRST_PHASE_INTERVAL_DAYS = 42
FIRST_PHASE_END_DAY = 48 * 7
LATER_INTERVAL_DAYS = 84
WINDOW_DAYS = 7


def protocol_imaging_dates(c1d1: date, until: date, first_interval: int = FIRST_PHASE_INTERVAL_DAYS,
                           first_phase_end_day: int = FIRST_PHASE_END_DAY,
                           later_interval: int = LATER_INTERVAL_DAYS) -> tuple[date, ...]:
    """Protocol target dates of post-baseline scans from C1D1 up to ``until`` inclusive."""
    offsets = list(range(first_interval, first_phase_end_day + 1, first_interval))
    next_offset = (offsets[-1] if offsets else 0) + later_interval
    horizon = (until - c1d1).days
    while next_offset <= horizon:
        offsets.append(next_offset)
        next_offset += later_interval
    return tuple(c1d1 + timedelta(days=d) for d in offsets if d <= horizon)


def regular_imaging_dates(c1d1: date, until: date, interval_days: int) -> tuple[date, ...]:
    """Scan target dates every ``interval_days`` from C1D1 up to ``until`` inclusive."""
    if interval_days <= 0:
        raise ValueError("interval_days must be positive")
    count = (until - c1d1).days // interval_days
    return tuple(c1d1 + timedelta(days=interval_days * k) for k in range(1, count + 1))


def missed_assessments_between(schedule, last_adequate: date, event: date,
                               window_days: int = WINDOW_DAYS) -> int:
    """Scheduled scans missed between the last adequate assessment and an event.

    A scheduled scan counts as missed when its whole window lies after the last
    adequate assessment and closes before the event: a scan done early or late inside
    its window, or an event found at that scan, is not a miss.
    """
    window = timedelta(days=window_days)
    return sum(1 for target in schedule if target - window > last_adequate and target + window < event)


@lru_cache(maxsize=4096)
def protocol_offsets(horizon_days: int) -> tuple[int, ...]:
    """Days from C1D1 of the protocol scans up to ``horizon_days``, computed once per horizon.

    The schedule depends on C1D1 only through the horizon (cutoff - C1D1), so a report over
    thousands of patients builds a few hundred schedules instead of one per patient.
    """
    anchor = date(2000, 1, 1)
    return tuple((d - anchor).days for d in protocol_imaging_dates(anchor, anchor + timedelta(days=horizon_days)))


def missed_protocol_assessments(c1d1: date, until: date, last_adequate: date, event: date,
                                window_days: int = WINDOW_DAYS) -> int:
    """``missed_assessments_between`` on the protocol schedule to ``until``, by bisection."""
    offsets = protocol_offsets((until - c1d1).days)
    # target - window > last_adequate and target + window < event, in days from C1D1.
    first = bisect_right(offsets, (last_adequate - c1d1).days + window_days)
    end = bisect_left(offsets, (event - c1d1).days - window_days)
    return max(0, end - first)
