"""What a reschedule would do, computed without writing anything.

`preview_reschedule` is the one computation behind POST /visits/{id}/reschedule: the console
shows its moves before the nurse confirms, and `lifecycle.reschedule_visit` applies the same
moves. It reads the patient's visits and the site's load, asks the pure engine
(app/schedules/engine), and returns `Move`s: each row with where the engine would put it.
Nothing is flushed, audited or changed on a row.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from app.common.clock import site_today
from app.common.problems import ValidationProblem
from app.common.statuses import VisitStatus
from app.models import Visit
from app.schedules.engine import DoseIntervalError, flags_for_day, moved_visits, shift_treatment
from app.schedules.planned_visit import BEYOND_TREATMENT_LIMIT, TREATMENT_KINDS, PlannedVisit
from app.visits import engine_io as io
from app.visits.closing import require_scheduled


@dataclass(frozen=True)
class Move:
    """One visit row and the engine's plan for it (target, window, booked day, booking flags)."""

    row: Visit
    plan: PlannedVisit

    @property
    def old_date(self) -> date:
        return self.row.scheduled_date

    @property
    def new_date(self) -> date:
        return self.plan.scheduled_date

    @property
    def flags(self) -> list[str]:
        """The row's flags once moved (io.merged_flags: booking flags replaced by the engine's)."""
        return io.merged_flags(self.row.flags, self.plan.flags, self.old_date != self.new_date)

    @property
    def cancelled(self) -> bool:
        """Pushed past the protocol's treatment limit: the move cancels this visit."""
        return BEYOND_TREATMENT_LIMIT in self.plan.flags


def preview_reschedule(now, visit: Visit, new_date: date) -> list[Move]:
    """The moves booking scheduled `visit` on `new_date` would make, in the engine's order (by booked day), the visit's own among them; [] when it is already
    booked that day. Writes nothing.

    Raises Conflict (409, "visit-closed") for a visit that is history; ValidationProblem (422,
    field `date`) for a day before today at the site, outside the allowed range
    (guard_rails.py, slug "date-out-of-range") or sooner than the minimum dose interval
    ("dose-interval"). A treatment visit drags the later cycles (engine.shift_treatment);
    imaging and follow-up move alone, flagged when the day is off.
    """
    require_scheduled(visit, "rescheduled")
    if new_date < site_today(visit.patient.site, now):
        raise ValidationProblem("A visit cannot be moved into the past; complete or miss it.",
                                errors={"date": ["Before today at the site."]})
    require_in_range(visit, new_date)
    if new_date == visit.scheduled_date:
        return []
    if visit.kind in TREATMENT_KINDS:
        return plan_shift(visit, new_date)
    return [plan_alone(visit, new_date)]


def require_in_range(visit: Visit, new_date: date) -> None:
    """422 naming the allowed range when `new_date` is outside it (app/visits/guard_rails.py)."""
    from flask import current_app

    from app.schedules.planning import treatment_end
    from app.visits.guard_rails import outside_range_message, reschedule_range

    protocol = io.protocol_named(visit.protocol_version)
    first, last = reschedule_range(visit.window_start, visit.window_end,
                                   treatment_end(protocol, visit.patient.treatment_start),
                                   int(current_app.config.get("RESCHEDULE_MARGIN_DAYS", 90)))
    message = outside_range_message(new_date, first, last)
    if message:
        raise ValidationProblem(message, errors={"date": [message]}, slug="date-out-of-range",
                                extra={"allowed_from": first.isoformat(), "allowed_to": last.isoformat()})


def plan_shift(visit: Visit, new_date: date) -> list[Move]:
    """Treatment `visit` on `new_date` (booked, or the day its dose was given) and every row it
    drags along, as the engine plans them. 422 ("dose-interval") when the dose would come too
    soon after the previous one (field `date` for a booking, `actual_date` for a given dose)."""
    patient = visit.patient
    protocol = io.protocol_named(visit.protocol_version)
    calendar = io.calendar_for(patient.site, protocol)
    rows = io.patient_visits(patient.id)
    before = [io.planned(row) for row in rows]
    booked = io.site_load(patient.site_id, calendar, min(visit.scheduled_date, new_date),
                          max(row.scheduled_date for row in rows))
    try:
        after = shift_treatment(protocol, before, visit.code, new_date, calendar, booked,
                                frozen=io.frozen_codes(rows), c1d1=patient.treatment_start,
                                actual_dates=io.actual_dose_days(rows))
    except DoseIntervalError as error:
        field = "date" if visit.status == VisitStatus.SCHEDULED else "actual_date"
        raise ValidationProblem(str(error), errors={field: [str(error)]}, slug="dose-interval")
    by_code = {row.code: row for row in rows}
    return [Move(by_code[plan.code], plan) for plan in moved_visits(before, after)]


def plan_alone(visit: Visit, new_date: date) -> Move:
    """Imaging and follow-up move on their own: the nurse's day, flagged if it is off
    (window, closed day, capacity); target and window stay the protocol's."""
    protocol = io.protocol_named(visit.protocol_version)
    calendar = io.calendar_for(visit.patient.site, protocol)
    load = io.site_load(visit.site_id, calendar, new_date, new_date)
    flags = flags_for_day(new_date, visit.window_start, visit.window_end, (visit.kind,), calendar, load)
    return Move(visit, replace(io.planned(visit), scheduled_date=new_date, flags=tuple(flags)))
