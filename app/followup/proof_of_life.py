"""Every dated proof that a patient was alive, gathered in a few set-based queries.

Sources (PROTOCOL.md: any contact proves life): completed visits, inbound SMS (dated in
the site's zone), `contact` events that are not retracted, scans, and the patient's
`last_contact_date`. Callers pass a selectable of patient ids, so one query per source
serves one patient or ten thousand.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

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

    The maximum of ``proof_of_life_dates`` up to ``until``, aggregated by the database:
    the efficacy report needs only this one date per patient, not every contact.
    """
    latest: dict[int, date] = {}
    for statement in _dated_statements(patient_ids):
        source = statement.subquery()
        patient_id, when = source.c
        for found_id, found in db.session.execute(
                select(patient_id, func.max(when)).where(when <= until).group_by(patient_id)):
            latest[found_id] = max(found, latest.get(found_id, found))
    for patient_id, received_at, zone in db.session.execute(_inbound_sms(patient_ids)):
        day = received_at.astimezone(ZoneInfo(zone)).date()
        if day <= until:
            latest[patient_id] = max(day, latest.get(patient_id, day))
    return latest


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


def _inbound_sms(patient_ids):
    return (select(Message.patient_id, Message.received_at, Site.timezone)
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
