"""Pure guard rails for moving a visit (issue 17: a typo moved 55 visits into 2207).

No session, no clock: plain dates in, plain dates out.
"""
from datetime import date, timedelta

DEFAULT_RESCHEDULE_MARGIN_DAYS = 90  # API.md "More settings": RESCHEDULE_MARGIN_DAYS [90]


def reschedule_range(window_start: date, window_end: date, treatment_end: date,
                     margin_days: int = DEFAULT_RESCHEDULE_MARGIN_DAYS) -> tuple[date, date]:
    """The days a visit may be moved to: its window start … the end of the treatment period
    plus `margin_days` (or its own window end plus the margin, for follow-up visits planned
    after the treatment period). Both ends inclusive."""
    return window_start, max(treatment_end, window_end) + timedelta(days=margin_days)


def outside_range_message(day: date, first: date, last: date) -> str | None:
    """None when `day` is in [first, last]; else a sentence naming the allowed range."""
    if first <= day <= last:
        return None
    return (f"{day.isoformat()} is outside the range this visit can be moved to: "
            f"{first.isoformat()} to {last.isoformat()}.")
