"""The planned visit value, its stable codes, kinds, flags and the timing rule."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

KINDS = ("labs", "imaging", "haic", "sintilimab", "safety_follow_up", "survival_follow_up")
TREATMENT_KINDS = frozenset({"haic", "sintilimab", "labs"})
DOSE_KINDS = frozenset({"haic", "sintilimab"})
ANCHORS = ("treatment", "c1d1", "last_dose")

# Flags a nurse must look at. Booking never drops a visit: it books the best day it can and
# says what is wrong with it.
OUT_OF_WINDOW = "out_of_window"
CAPACITY = "capacity"
CLOSED_DAY = "closed_day"
BEYOND_TREATMENT_LIMIT = "beyond_treatment_limit"  # shifted past the protocol's max duration

TIMINGS = ("on_time", "early", "late", "out_of_window")

_CYCLE_SUFFIX = {"haic": "HAIC", "sintilimab": "SINT", "labs": "LABS"}

# Same-day order: labs are drawn before the dose; imaging before treatment decisions.
_KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class PlannedVisit:
    """One protocol visit: the protocol's target and window, kept apart from the booked day."""

    code: str
    kind: str
    cycle: int | None
    target_date: date
    window_start: date
    window_end: date
    scheduled_date: date
    flags: tuple[str, ...] = ()
    anchor: str = "treatment"
    panels: tuple[str, ...] = ()
    dose: str | None = None  # dose rule id (see Protocol.dose_rules), for dose visits

    def in_window(self, day: date) -> bool:
        """Whether `day` lies inside this visit's window."""
        return self.window_start <= day <= self.window_end

    def moved(self, days: int) -> "PlannedVisit":
        """This visit with target and window shifted by `days` (scheduled day unchanged)."""
        step = timedelta(days=days)
        return replace(self, target_date=self.target_date + step,
                       window_start=self.window_start + step, window_end=self.window_end + step)


def cycle_code(cycle: int, kind: str) -> str:
    """`C03-HAIC`, `C03-SINT`, `C03-LABS`."""
    return f"C{cycle:02d}-{_CYCLE_SUFFIX[kind]}"


def imaging_code(week: int | None) -> str:
    """`IMG-BL` for the baseline (week None), else `IMG-W06`."""
    return "IMG-BL" if week is None else f"IMG-W{week:02d}"


def survival_code(number: int) -> str:
    """`SURV-01`, `SURV-02`, ..."""
    return f"SURV-{number:02d}"


def sort_key(visit: PlannedVisit) -> tuple:
    """Chronological by booked day, then labs before imaging before treatment, then code."""
    return (visit.scheduled_date, _KIND_ORDER.get(visit.kind, len(KINDS)), visit.code)


def sorted_visits(visits) -> list[PlannedVisit]:
    """`visits` in `sort_key` order."""
    return sorted(visits, key=sort_key)


def timing(actual_date: date, target: date, window_start: date, window_end: date) -> str:
    """Classify when a visit actually happened.

    outside [window_start, window_end] -> "out_of_window"; exactly the target -> "on_time";
    inside the window before the target -> "early"; inside it after the target -> "late".
    """
    if not window_start <= actual_date <= window_end:
        return "out_of_window"
    if actual_date == target:
        return "on_time"
    return "early" if actual_date < target else "late"
