"""The bridge between visit rows and the pure schedule engine (app/schedules/engine).

The engine works on frozen `PlannedVisit` values and a `booked` mapping of the site's load;
this module builds those from the database and writes the engine's answers back onto rows.
It never commits and writes no audit: the use cases (services.py, lifecycle.py) own both.
"""
from collections import Counter
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import func, select

from app.common.audit import jsonable, snapshot
from app.extensions import db
from app.models import Visit
from app.schedules.calendar import ClinicCalendar
from app.schedules.dosing import dose_for
from app.schedules.protocol import Protocol, protocol_named
from app.common.statuses import MISSED_CANDIDATE, VisitStatus
from app.schedules.planned_visit import (BEYOND_TREATMENT_LIMIT, CAPACITY, CLOSED_DAY, DOSE_KINDS,
                                  OUT_OF_WINDOW, PlannedVisit)

# Booking may look this far around a window (booking.SEARCH_RADIUS_DAYS) and safety
# follow-up runs past the horizon: load the site's bookings with this margin.
LOAD_MARGIN = timedelta(days=200)
BOOKING_FLAGS = frozenset({CAPACITY, CLOSED_DAY, OUT_OF_WINDOW, BEYOND_TREATMENT_LIMIT})
VISIT_FIELDS = ("scheduled_date", "target_date", "window_start", "window_end", "flags", "status",
                "actual_date", "dose_mg", "status_reason")




def calendar_for(site, protocol: Protocol) -> ClinicCalendar:
    """The site's clinic calendar: the protocol's days, the site's HAIC capacity."""
    return _calendar(protocol.version, site.haic_daily_capacity)


@lru_cache(maxsize=64)
def _calendar(version: str, haic_capacity: int) -> ClinicCalendar:
    # Cached: the calendar memoises each year's holidays, the slow part of planning.
    protocol = protocol_named(version)
    capacity = dict(protocol.clinic.daily_capacity) | {"haic": haic_capacity}
    return ClinicCalendar(protocol.clinic.open_weekdays, capacity, protocol.clinic.country)


def site_load(site_id: int, calendar: ClinicCalendar, first: date, last: date) -> Counter:
    """(day, kind) -> visits the site holds (still scheduled) for capacity-limited kinds."""
    kinds = tuple(calendar.daily_capacity)
    if not kinds:
        return Counter()
    rows = db.session.execute(
        select(Visit.scheduled_date, Visit.kind, func.count())
        .where(Visit.site_id == site_id, Visit.status == VisitStatus.SCHEDULED, Visit.kind.in_(kinds),
               Visit.scheduled_date.between(first - LOAD_MARGIN, last + LOAD_MARGIN))
        .group_by(Visit.scheduled_date, Visit.kind))
    return Counter({(day, kind): count for day, kind, count in rows})


def patient_visits(patient_id: int) -> list[Visit]:
    """Every visit row of a patient (all statuses), in a stable order."""
    return list(db.session.scalars(
        select(Visit).where(Visit.patient_id == patient_id).order_by(Visit.scheduled_date, Visit.id)))


def planned(visit: Visit) -> PlannedVisit:
    """A row as the engine's value."""
    return PlannedVisit(visit.code, visit.kind, visit.cycle, visit.target_date, visit.window_start,
                        visit.window_end, visit.scheduled_date, tuple(visit.flags or ()),
                        visit.anchor, tuple(visit.panels or ()))


def frozen_codes(visits) -> set[str]:
    """Codes of visits that are history (completed, missed, cancelled): never replanned."""
    return {visit.code for visit in visits if visit.status != VisitStatus.SCHEDULED}


def actual_dose_days(visits) -> dict[str, date]:
    """code -> actual day of every completed dose visit (the dose interval counts from it)."""
    return {visit.code: visit.actual_date for visit in visits
            if visit.kind in DOSE_KINDS and visit.status == VisitStatus.COMPLETED and visit.actual_date}


def new_row(patient, protocol: Protocol, plan: PlannedVisit) -> Visit:
    """A visit row for a planned visit of `patient`."""
    return Visit(patient_id=patient.id, site_id=patient.site_id, protocol_version=protocol.version,
                 code=plan.code, kind=plan.kind, cycle=plan.cycle, anchor=plan.anchor,
                 target_date=plan.target_date, window_start=plan.window_start,
                 window_end=plan.window_end, scheduled_date=plan.scheduled_date,
                 status=VisitStatus.SCHEDULED, flags=list(plan.flags), panels=list(plan.panels),
                 planned_dose_mg=planned_dose(protocol, patient, plan))


def planned_dose(protocol: Protocol, patient, plan: PlannedVisit) -> float | None:
    """The protocol dose of a dose visit with a dose rule (None otherwise)."""
    if plan.dose is None:
        return None
    try:
        return dose_for(protocol, patient.weight_kg, plan.dose)
    except ValueError:
        return None  # a weight-tiered rule without a weight: the nurse doses by hand


def place(visit: Visit, plan: PlannedVisit) -> None:
    """Write the engine's target, window, booked day and flags onto a row."""
    moved = visit.scheduled_date != plan.scheduled_date
    visit.target_date, visit.window_start, visit.window_end = (
        plan.target_date, plan.window_start, plan.window_end)
    visit.scheduled_date = plan.scheduled_date
    visit.flags = merged_flags(visit.flags, plan.flags, moved)


def merged_flags(current, engine_flags, moved: bool) -> list[str]:
    """The engine's booking flags plus flags set by others; a visit moved to a new day is
    no longer a missed candidate (the job flags it again if the new day passes)."""
    dropped = BOOKING_FLAGS | ({MISSED_CANDIDATE} if moved else set())
    kept = [flag for flag in (current or []) if flag not in dropped]
    return kept + [flag for flag in engine_flags if flag not in kept]


def state(visit: Visit) -> dict:
    """The audited values of a visit."""
    return snapshot(visit, VISIT_FIELDS)


def raw_state(visit: Visit) -> tuple:
    """The audited values of a visit as they are (cheap); `state_of` makes them `state`'s dict.
    For snapshots of many rows of which few will change."""
    return tuple(getattr(visit, name) for name in VISIT_FIELDS)


def state_of(raw: tuple) -> dict:
    """`state` of the visit whose `raw_state` was `raw`."""
    return {name: jsonable(value) for name, value in zip(VISIT_FIELDS, raw)}
