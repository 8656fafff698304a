"""Every dated proof that a patient was alive, gathered in a few set-based queries.

Sources (PROTOCOL.md: any contact proves life): completed visits, inbound SMS (dated in
the site's zone), `contact` events that are not retracted, scans, and the patient's
`last_contact_date`. Callers pass a selectable of patient ids, so one query per source
serves one patient or ten thousand.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, union_all

from app.common.sql_dates import local_date
from app.common.statuses import VisitStatus
from app.extensions import db
from app.models import Message, Patient, PatientEvent, Site, TumorAssessment, Visit


def proof_of_life_dates(patient_ids) -> dict[int, list[date]]:
    """patient id -> unsorted dates on which the patient was known alive."""
    found: dict[int, list[date]] = defaultdict(list)
    for patient_id, when in _dated_rows(patient_ids):
        found[patient_id].append(when)
    for patient_id, received_at, zone in db.session.execute(_inbound_sms(patient_ids)):
        found[patient_id].append(received_at.astimezone(ZoneInfo(zone)).date())
    return found


def latest_proof_of_life(patient_ids, until: date) -> dict[int, date]:
    """patient id -> latest date on or before ``until`` on which the patient was known alive.

    The maximum of ``proof_of_life_dates`` up to ``until``, in one aggregate query (the
    latest date of each source per patient, then the latest of those): the efficacy
    report needs only this one date per patient, not every contact.

    An SMS counts on its date in the site's zone (``local_date``). Every zone is less than
    a day from UTC, so an SMS received before ``until - 1`` (UTC) arrived on or before
    ``until`` at its site and one received from ``until + 2`` on arrived after it; and in
    one zone a later SMS never has an earlier date. So before that band only each
    patient's latest SMS is dated; inside it each SMS is, and checked against ``until``.
    """
    surely_before = datetime.combine(until - timedelta(days=1), time(0), tzinfo=timezone.utc)
    surely_after = datetime.combine(until + timedelta(days=2), time(0), tzinfo=timezone.utc)
    day = local_date(Message.received_at, Site.timezone)
    sms_before = (_inbound_sms(patient_ids, Message.patient_id, local_date(func.max(Message.received_at), Site.timezone))
                  .where(Message.received_at < surely_before).group_by(Message.patient_id, Site.timezone))
    sms_near = _inbound_sms(patient_ids, Message.patient_id, day).where(
        Message.received_at >= surely_before, Message.received_at < surely_after, day <= until)
    latest = [_latest(statement, until) for statement in _dated_statements(patient_ids)]
    patient_id, when = union_all(*latest, sms_before, sms_near).subquery().c
    return dict(db.session.execute(select(patient_id, func.max(when)).group_by(patient_id)).all())


def _latest(statement, until: date):
    """(patient id, date) rows -> (patient id, latest date on or before ``until``)."""
    patient_id, when = statement.selected_columns
    return statement.with_only_columns(patient_id, func.max(when)).where(when <= until).group_by(patient_id)


def _dated_rows(patient_ids):
    for statement in _dated_statements(patient_ids):
        yield from db.session.execute(statement)


def _dated_statements(patient_ids):
    return (
        select(Visit.patient_id, Visit.actual_date).where(
            Visit.patient_id.in_(patient_ids), Visit.status == VisitStatus.COMPLETED, Visit.actual_date.is_not(None)),
        select(PatientEvent.patient_id, PatientEvent.date).where(
            PatientEvent.patient_id.in_(patient_ids), PatientEvent.type == "contact",
            PatientEvent.retracted_at.is_(None)),
        select(TumorAssessment.patient_id, TumorAssessment.date).where(
            TumorAssessment.patient_id.in_(patient_ids), TumorAssessment.retracted_at.is_(None)),
        select(Patient.id, Patient.last_contact_date).where(
            Patient.id.in_(patient_ids), Patient.last_contact_date.is_not(None)),
    )


def _inbound_sms(patient_ids, *columns):
    columns = columns or (Message.patient_id, Message.received_at, Site.timezone)
    return (select(*columns)
            .join(Patient, Patient.id == Message.patient_id).join(Site, Site.id == Patient.site_id)
            .where(Message.patient_id.in_(patient_ids), Message.direction == "inbound",
                   Message.received_at.is_not(None)))


def active_events_by_patient(patient_ids) -> dict[int, list]:
    """patient id -> (type, date) rows of events that are not retracted, in date order.

    Plain rows, not ORM objects: a report over thousands of patients reads tens of
    thousands of events, and identity-mapped instances would cost most of its time.
    """
    rows = db.session.execute(select(PatientEvent.patient_id, PatientEvent.type, PatientEvent.date).where(
        PatientEvent.patient_id.in_(patient_ids), PatientEvent.retracted_at.is_(None))
        .order_by(PatientEvent.date, PatientEvent.id))
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.patient_id].append(row)
    return grouped


def first_event_date(events, types) -> date | None:
    """The earliest date among ``events`` of the given types."""
    return min((e.date for e in events if e.type in types), default=None)
