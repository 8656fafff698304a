"""Booking one visit (or several visits that must share a day) onto the clinic calendar.

The rule, in order:
1. the nearest day to the target inside the window that is open and has room for every kind
   (ties go to the earlier day);
2. else the nearest open day inside the window, flagged `capacity` (the window is full);
3. else the nearest open day outside the window, flagged `out_of_window` (and `capacity`
   when that day is full too);
4. else (nothing open within SEARCH_RADIUS_DAYS) the target itself, flagged `closed_day`.
A visit is never dropped. `not_before` excludes earlier days everywhere (the minimum
interval after the previous dose).
"""

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta

from app.schedules.planned_visit import CAPACITY, CLOSED_DAY, OUT_OF_WINDOW

SEARCH_RADIUS_DAYS = 60
_NO_BOOKINGS: Mapping = {}


def book(target: date, window_start: date, window_end: date, kind: str, calendar,
         booked: Mapping | None = None, *, not_before: date | None = None
         ) -> tuple[date, tuple[str, ...]]:
    """Book one visit of `kind`: (scheduled_date, flags) per the module's rule."""
    return book_together(target, window_start, window_end, (kind,), calendar, booked,
                         not_before=not_before)


def book_together(target: date, window_start: date, window_end: date, kinds: Iterable[str],
                  calendar, booked: Mapping | None = None, *, not_before: date | None = None
                  ) -> tuple[date, tuple[str, ...]]:
    """Book visits of several `kinds` on one shared day (a cycle's D1: HAIC and sintilimab)."""
    booked = _NO_BOOKINGS if booked is None else booked
    low = window_start if not_before is None else max(window_start, not_before)
    # Fast path: most visits land on their target.
    if low <= target <= window_end and calendar.is_open(target) and calendar.has_room(
            target, kinds, booked):
        return target, ()
    for day in _nearest_first(target, low, window_end):
        if calendar.is_open(day) and calendar.has_room(day, kinds, booked):
            return day, ()
    return _fallback(target, window_start, window_end, kinds, calendar, booked, not_before)


def flags_for_day(day: date, window_start: date, window_end: date, kinds: Iterable[str],
                  calendar, booked: Mapping | None = None) -> tuple[str, ...]:
    """The flags a visit booked on a day someone chose (not the engine) must carry."""
    booked = _NO_BOOKINGS if booked is None else booked
    flags = []
    if not window_start <= day <= window_end:
        flags.append(OUT_OF_WINDOW)
    if not calendar.has_room(day, kinds, booked):
        flags.append(CAPACITY)
    if not calendar.is_open(day):
        flags.append(CLOSED_DAY)
    return tuple(flags)


def _fallback(target, window_start, window_end, kinds, calendar, booked, not_before):
    low = window_start if not_before is None else max(window_start, not_before)
    in_window = _first_open(_nearest_first(target, low, window_end), calendar)
    if in_window is not None:
        return in_window, (CAPACITY,)
    start = target if not_before is None else max(target, not_before)
    reach = timedelta(days=SEARCH_RADIUS_DAYS)
    floor = start - reach if not_before is None else max(start - reach, not_before)
    anywhere = _first_open(_nearest_first(start, floor, start + reach), calendar)
    if anywhere is None:
        return start, flags_for_day(start, window_start, window_end, kinds, calendar, booked)
    return anywhere, flags_for_day(anywhere, window_start, window_end, kinds, calendar, booked)


def _first_open(days: Iterator[date], calendar) -> date | None:
    return next((day for day in days if calendar.is_open(day)), None)


def _nearest_first(target: date, low: date, high: date) -> Iterator[date]:
    """Days in [low, high], nearest to `target` first, the earlier one on a tie."""
    if low <= target <= high:
        yield target
    one_day = timedelta(days=1)
    before, after = target - one_day, target + one_day
    while before >= low or after <= high:
        if low <= before <= high:
            yield before
        if low <= after <= high:
            yield after
        before, after = before - one_day, after + one_day
