"""Use cases for patients: enroll, update contact details, record and retract events."""
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from app.common.audit import log_change, require_reason, snapshot
from app.common.access import load_visible
from app.common.clock import local_date
from app.common.problems import Conflict, ValidationProblem
from app.extensions import db
from app.models import Patient, PatientEvent, Screening, Site
from app.patients import lifecycle
from app.patients.phones import InvalidPhone, to_e164

PATIENT_AUDITED = ("study_id", "status", "treatment_start", "language", "phone", "weight_kg", "quiet_start",
                   "quiet_end", "sms_opted_out", "protocol_version", "last_contact_date", "checkin_channel")
CLINICAL_FIELDS = ("weight_kg",)  # changing these needs a reason


def site_today(site, now: datetime):
    """The calendar date at the site: clinical dates are site dates, not UTC dates."""
    return local_date(now, site.timezone)


def _phone(raw):
    try:
        return to_e164(raw)
    except InvalidPhone as exc:
        raise ValidationProblem(str(exc), errors={"phone": [str(exc)]})


def _check_enrollable(screening, treatment_start, phone):
    if screening.eligible is not True:
        why = "; ".join(screening.reasons_ineligible) or "facts missing: " + ", ".join(screening.missing)
        raise Conflict(f"This candidate is not eligible ({why}).", slug="not-eligible")
    if screening.patient is not None:
        raise Conflict(f"This candidate is already enrolled as {screening.patient.study_id}.")
    if treatment_start < screening.screened_on:
        raise ValidationProblem("Treatment cannot start before screening.",
                                errors={"treatment_start": ["Must be on or after the screening date."]})
    _check_phone_free(phone)


def _check_phone_free(phone, patient_id=None):
    other = db.session.scalar(select(Patient).where(Patient.phone == phone, Patient.id != (patient_id or 0)))
    if other is not None:
        # Inbound SMS are matched by number: two patients on one phone would be indistinguishable.
        raise Conflict("Another patient is registered with this phone number.", slug="phone-in-use")


def claim_place(site, target: int) -> int:
    """Take one enrollment place atomically; return the site's next study number or raise 409.

    One conditional UPDATE: concurrent enrollments for the last place serialise on the
    row (PostgreSQL row lock, SQLite writer lock) and exactly one sees `enrolled_count < target`.
    """
    statement = (update(Site).where(Site.id == site.id, Site.enrolled_count < target)
                 .values(enrolled_count=Site.enrolled_count + 1, last_study_number=Site.last_study_number + 1)
                 .returning(Site.last_study_number)
                 .execution_options(synchronize_session=False))
    number = db.session.execute(statement).scalar()
    if number is None:
        raise Conflict(f"Enrollment at {site.code} has reached its target of {target}.", slug="enrollment-full")
    db.session.expire(site, ["enrolled_count", "last_study_number", "version"])
    return number


def enroll_patient(actor, now, *, screening_id, phone, language, treatment_start, weight_kg=None,
                   quiet_hours=None):
    screening = load_visible(Screening, screening_id, actor, what="screening")
    phone = _phone(phone)
    _check_enrollable(screening, treatment_start, phone)
    number = claim_place(screening.site, current_app.config["ENROLLMENT_TARGET"])
    patient = Patient(site_id=screening.site_id, screening_id=screening.id, initials=screening.initials,
                      study_id=f"{screening.site.code}-{number:03d}", status=lifecycle.STATUS_ON_TREATMENT,
                      treatment_start=treatment_start, protocol_version=current_app.config["PROTOCOL_VERSION"],
                      language=language, phone=phone, weight_kg=weight_kg, enrolled_at=now,
                      enrolled_by_id=actor.id, **_quiet(quiet_hours))
    patient.site = screening.site
    db.session.add(patient)
    db.session.flush()
    log_change(actor, now, "enroll", "patient", patient.id, after=snapshot(patient, PATIENT_AUDITED),
           site_id=patient.site_id)
    from app.visits.services import create_schedule

    create_schedule(actor, now, patient)
    return patient


def _quiet(quiet_hours):
    if not quiet_hours:
        return {"quiet_start": None, "quiet_end": None}
    return {"quiet_start": quiet_hours["start"], "quiet_end": quiet_hours["end"]}


def update_patient(actor, now, patient, changes):
    reason = changes.pop("reason", None)
    if any(field in changes for field in CLINICAL_FIELDS):
        reason = require_reason(reason)
    if "phone" in changes:
        changes["phone"] = _phone(changes["phone"])
        _check_phone_free(changes["phone"], patient.id)
    if "quiet_hours" in changes:
        changes.update(_quiet(changes.pop("quiet_hours")))
    before = snapshot(patient, PATIENT_AUDITED)
    for field, value in changes.items():
        setattr(patient, field, value)
    if changes.get("sms_opted_out") is True and patient.sms_opted_out_at is None:
        patient.sms_opted_out_at = now
    db.session.flush()
    log_change(actor, now, "update", "patient", patient.id, before=before, after=snapshot(patient, PATIENT_AUDITED),
           reason=reason, site_id=patient.site_id)
    return patient


def active_events(patient_id):
    return db.session.scalars(select(PatientEvent).where(
        PatientEvent.patient_id == patient_id, PatientEvent.retracted_at.is_(None))
        .order_by(PatientEvent.date, PatientEvent.id)).all()


def _fold(events):
    try:
        return lifecycle.fold(e.type for e in sorted(events, key=lambda e: (e.date, e.id or 10**12)))
    except lifecycle.InvalidTransition as exc:
        raise Conflict(str(exc), slug="invalid-transition")


def _check_event_date(patient, event_type, when, now):
    if when > site_today(patient.site, now):
        raise ValidationProblem("An event cannot be dated in the future.", errors={"date": ["In the future."]})
    if when < patient.screening.screened_on:
        raise ValidationProblem("An event cannot precede screening.", errors={"date": ["Before screening."]})
    if event_type == "death" and patient.last_contact_date and when < patient.last_contact_date:
        raise ValidationProblem(
            f"The patient was known alive on {patient.last_contact_date}; death cannot be dated earlier.",
            errors={"date": ["Before the last known contact."]})


def touch_contact(patient, when) -> None:
    """Remember the latest proof of life (visits, SMS, calls all count)."""
    if patient.last_contact_date is None or when > patient.last_contact_date:
        patient.last_contact_date = when


def record_event(actor, now, patient, *, type, date, reason=None, details=None):
    _check_event_date(patient, type, date, now)
    event = PatientEvent(patient_id=patient.id, type=type, date=date, reason=reason, details=details,
                         recorded_by_id=actor.id)
    state = _fold(active_events(patient.id) + [event])
    before = snapshot(patient, PATIENT_AUDITED)
    patient.status = state.status
    if type == "contact":
        touch_contact(patient, date)
    db.session.add(event)
    db.session.flush()
    log_change(actor, now, f"event:{type}", "patient", patient.id, before=before,
           after=snapshot(patient, PATIENT_AUDITED) | {"event_id": event.id, "event_date": date},
           reason=reason, site_id=patient.site_id)
    from app.visits.services import apply_patient_event

    apply_patient_event(actor, now, patient, event)
    return event


def retract_event(actor, now, patient, event, reason):
    """Correct a wrong event: it stays on record, marked retracted, and the status is refolded."""
    reason = require_reason(reason)
    if event.retracted_at is not None:
        raise Conflict("This event is already retracted.")
    remaining = [e for e in active_events(patient.id) if e.id != event.id]
    state = _fold(remaining)
    before = snapshot(patient, PATIENT_AUDITED)
    event.retracted_at, event.retracted_reason = now, reason
    patient.status = state.status
    db.session.flush()
    log_change(actor, now, f"retract:{event.type}", "patient", patient.id, before=before,
           after=snapshot(patient, PATIENT_AUDITED) | {"event_id": event.id}, reason=reason,
           site_id=patient.site_id)
    from app.visits.services import undo_patient_event

    undo_patient_event(actor, now, patient, event, remaining)
    return event
