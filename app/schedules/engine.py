"""The pure schedule engine: one import for everything a service needs.

No database, no Flask, no clock: dates come in as arguments, visits go out as frozen
`PlannedVisit` values. The pieces live in small modules re-exported here.
"""

from app.schedules.booking import book, book_together, flags_for_day
from app.schedules.dosing import DoseIntervalError, check_dose_interval, dose_for
from app.schedules.events import ENDED_KINDS, visits_to_cancel_on
from app.schedules.planning import (add_months, horizon_end, plan_follow_up, plan_imaging,
                                    plan_safety_follow_up, plan_schedule, plan_treatment,
                                    treatment_end)
from app.schedules.shifting import moved_visits, shift_treatment
from app.schedules.planned_visit import PlannedVisit, sorted_visits, timing

__all__ = [
    "ENDED_KINDS", "DoseIntervalError", "PlannedVisit", "add_months", "book", "book_together",
    "check_dose_interval", "dose_for", "flags_for_day", "horizon_end", "moved_visits",
    "plan_follow_up", "plan_imaging", "plan_safety_follow_up", "plan_schedule",
    "plan_treatment", "shift_treatment", "sorted_visits", "timing", "treatment_end",
    "visits_to_cancel_on",
]
