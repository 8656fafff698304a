"""Read models: the nurse's day/week view and a patient's timeline.

The day view is one SQL query whatever the number of visits: patient study id, initials
and site code come inline from a join, never from lazy loads.
"""
from flask import current_app
from sqlalchemy import case, select

from app.common.access import scope_to_site
from app.common.clock import local_date
from app.common.pagination import decode_cursor, encode_cursor
from app.extensions import db
from app.visits.readiness_queries import VisitKey, annotate_visits, readiness_map, session_day
from app.visits.readiness import NOT_APPLICABLE_STATE
from app.models import Patient, Site, Visit
from app.common.clock import site_today
from app.common.statuses import VisitStatus
from app.schedules.planned_visit import KINDS, timing

# Same-day order: labs first (drawn before the dose), then imaging, then treatment, then
# follow-up: the order a nurse works through the day.
KIND_RANK = case({kind: rank for rank, kind in enumerate(KINDS)}, value=Visit.kind,
                 else_=len(KINDS))


def view_days(actor, site, now, first, last):
    """The requested days, defaulting to today at the site (the trial's zone for all sites)."""
    if site is None and actor.site is not None and not actor.is_admin:
        site = actor.site
    today = site_today(site, now) if site is not None else local_date(now, current_app.config["SITE_TIMEZONE"])
    first = first or last or today
    return first, last or first


# The columns of a visit item (VisitSchema's), and of a day-view item: those and who the patient is.
VISIT_COLUMNS = (Visit.id, Visit.patient_id, Visit.code, Visit.kind, Visit.cycle, Visit.target_date,
                 Visit.window_start, Visit.window_end, Visit.scheduled_date, Visit.status,
                 Visit.actual_date, Visit.flags, Visit.protocol_version, Visit.version, Visit.anchor,
                 Visit.panels, Visit.planned_dose_mg, Visit.dose_mg, Visit.notes, Visit.status_reason)
DAY_COLUMNS = (*VISIT_COLUMNS, Patient.study_id, Patient.initials, Site.code.label("site"))

_DAY_KEYS = tuple(column.key for column in DAY_COLUMNS)
_DATE_INDEXES = tuple(index for index, column in enumerate(DAY_COLUMNS)
                      if column.key in ("target_date", "window_start", "window_end",
                                        "scheduled_date", "actual_date"))


def day_view(actor, site, first, last, *, kind=None, status=None, cursor=None, limit=500,
             include_cancelled=False, updated_since=None) -> dict:
    """Visits booked on [first, last] at `site` (the actor's own sites when None), sorted by
    day, then kind, then study id; `cursor` continues a long week. Items are JSON-ready dicts
    shaped like `DayViewVisitSchema` (built directly: a week is hundreds of rows)."""
    offset = decode_cursor(cursor) or 0
    statement = (select(*DAY_COLUMNS)
                 .join(Patient, Visit.patient_id == Patient.id)
                 .join(Site, Visit.site_id == Site.id)
                 .where(Visit.scheduled_date.between(first, last)))
    statement = scope_to_site(statement, actor, Visit.site_id)
    if site is not None:
        statement = statement.where(Visit.site_id == site.id)
    if kind:
        statement = statement.where(Visit.kind == kind)
    if status:
        statement = statement.where(Visit.status == status)
    elif not include_cancelled:  # a cancelled visit is not on the nurse's day
        statement = statement.where(Visit.status != "cancelled")
    if updated_since is not None:
        statement = statement.where(Visit.updated_at > updated_since)
    statement = (statement.order_by(Visit.scheduled_date, KIND_RANK, Patient.study_id, Visit.id)
                 .offset(offset).limit(limit + 1))
    rows = db.session.execute(statement).all()
    states = readiness_map([VisitKey(row.id, row.kind, row.patient_id, row.protocol_version,
                                     session_day(row.status, row.scheduled_date, row.actual_date))
                            for row in rows[:limit] if row.kind == "haic"], always_query=True)
    return {"items": [day_item(row, states.get(row.id, NOT_APPLICABLE_STATE)) for row in rows[:limit]],
            "next_cursor": encode_cursor(offset + limit) if len(rows) > limit else None}


def day_item(row, readiness) -> dict:
    """One day-view (or visit) row as JSON values (dates as ISO strings, timing derived), with
    the HAIC go/no-go `readiness` computed for the whole page at once
    (`app.visits.readiness_queries.readiness_map`). Rows of VISIT_COLUMNS give VisitSchema's
    keys, rows of DAY_COLUMNS DayViewVisitSchema's."""
    values = list(row)
    for index in _DATE_INDEXES:
        if values[index] is not None:
            values[index] = values[index].isoformat()
    item = dict(zip(_DAY_KEYS, values))  # zip stops at the row's last column
    item["timing"] = _timing(row)
    item["readiness"] = readiness
    item["timing_label"] = _timing_label(row)
    return item


def _timing_label(row):
    from app.visits.timing_labels import timing_label

    day = row.actual_date if row.status == "completed" else (
        row.scheduled_date if row.status == "scheduled" else None)
    return timing_label(day, row.target_date, row.window_start, row.window_end)


def _timing(row):
    if row.status != VisitStatus.COMPLETED or row.actual_date is None:
        return None
    return timing(row.actual_date, row.target_date, row.window_start, row.window_end)


def timeline_items(patient_id, *, updated_since=None) -> list[dict]:
    """A patient's visits as JSON-ready dicts shaped like `VisitSchema` (one query for the
    visits, one for readiness; no ORM objects: the timeline is ~91 visits a patient)."""
    statement = select(*VISIT_COLUMNS).where(Visit.patient_id == patient_id)
    if updated_since is not None:
        statement = statement.where(Visit.updated_at > updated_since)
    rows = db.session.execute(statement.order_by(Visit.scheduled_date, KIND_RANK, Visit.id)).all()
    states = readiness_map([VisitKey(row.id, row.kind, row.patient_id, row.protocol_version,
                                     session_day(row.status, row.scheduled_date, row.actual_date))
                            for row in rows], always_query=True)
    return [day_item(row, states[row.id]) for row in rows]


def timeline(patient_id, *, kind=None, status=None, updated_since=None) -> list[Visit]:
    """A patient's visits in the order they happen (booked day, then kind); with
    `updated_since`, only those changed after it (tablet delta sync)."""
    statement = select(Visit).where(Visit.patient_id == patient_id)
    if updated_since is not None:
        statement = statement.where(Visit.updated_at > updated_since)
    if kind:
        statement = statement.where(Visit.kind == kind)
    if status:
        statement = statement.where(Visit.status == status)
    visits = list(db.session.scalars(statement.order_by(Visit.scheduled_date, KIND_RANK, Visit.id)))
    return annotate_visits(visits)

