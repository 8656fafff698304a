"""Human timing labels for nurses: a visit inside its window says "in window" (issue 17:
"late" on a visit inside its window read like a protocol deviation). Pure.

The coded `timing` (on_time | early | late | out_of_window, app/schedules/planned_visit.py)
stays for clients; `timing_label` is the sentence a nurse reads.
"""
from datetime import date


def _days(n: int) -> str:
    return f"{abs(n)} day{'s' if abs(n) != 1 else ''} {'early' if n < 0 else 'late'}"


def timing_label(day: date | None, target: date, window_start: date, window_end: date) -> str | None:
    """The label of a visit done (or booked) on `day`: "on target", "in window, 2 days late",
    "out of window, 9 days early"; None without a day."""
    if day is None:
        return None
    offset = (day - target).days
    if offset == 0:
        return "on target"
    where = "in window" if window_start <= day <= window_end else "out of window"
    return f"{where}, {_days(offset)}"
