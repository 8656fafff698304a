"""Use cases for patients: enroll, update contact details, record and retract events."""

from flask import current_app
from sqlalchemy import select, update

from app.assessments.progression import close_confirm_tasks
from app.assessments.services import source_of
from app.common.audit import log_change, require_reason, snapshot
from app.common.access import load_visible
from app.common.clock import site_today
from app.common.permissions import Capability, has_capability, roles_with
from app.common.problems import Conflict, Forbidden, ValidationProblem
from app.common.proof_of_life import touch_contact
from app.extensions import db
from app.models import Patient, PatientEvent, Screening, Site
from app.patients import lifecycle
from app.patients.phones import InvalidPhone, to_e164
from app.visits.services import apply_patient_event, create_schedule, replan_on_c1d1, undo_patient_event

PATIENT_AUDITED = ("study_id", "status", "treatment_start", "language", "phone", "weight_kg", "quiet_start",
                   "quiet_end", "sms_opted_out", "protocol_version", "last_contact_date", "checkin_channel")
CLINICAL_FIELDS = ("weight_kg",)  # changing these needs a reason


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
    """Enroll the screened candidate `screening_id` and create the whole visit schedule; audited, flushed.

    Promises: one study number per site (`{site code}-{NNN}`), never beyond ENROLLMENT_TARGET;
    `phone` stored in E.164; `treatment_start` is the planned C1D1 (a date). Raises NotFound (404)
    for a screening the actor cannot see, ValidationProblem (422) for a bad phone or a start before
    screening, Conflict (409) when not eligible, already enrolled, the phone is in use
    ("phone-in-use") or the target is reached."""
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
    create_schedule(actor, now, patient)
    return patient


def _quiet(quiet_hours):
    if not quiet_hours:
        return {"quiet_start": None, "quiet_end": None}
    return {"quiet_start": quiet_hours["start"], "quiet_end": quiet_hours["end"]}


def update_patient(actor, now, patient, changes):
    """Apply validated `changes` to `patient`; clinical fields need a `reason` (422 without); a new
    phone must be free (409 "phone-in-use"). Audited with before/after; flushed."""
    if "treatment_start" in changes:
        return correct_treatment_start(actor, now, patient, changes.pop("treatment_start"), changes.pop("reason", None),
                                       others=changes)
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


def correct_treatment_start(actor, now, patient, treatment_start, reason, others=None):
    """Correct the planned C1D1 before any dose is given, with a reason; the schedule follows.

    PROTOCOL.md "Endpoints": C1D1 is the first dose given, so once a dose is recorded the
    planned date no longer matters (409). Needs CORRECT_TREATMENT_START (403 otherwise).
    Other fields in the same PATCH are applied first by ``update_patient``.
    """
    if not has_capability(actor.role, Capability.CORRECT_TREATMENT_START):
        raise Forbidden("Correcting treatment_start needs one of the roles: "
                        f"{', '.join(roles_with(Capability.CORRECT_TREATMENT_START))}.")
    reason = require_reason(reason)
    if patient.c1d1 is not None:
        raise Conflict(f"The first dose was given on {patient.c1d1}: C1D1 is that date and treatment_start "
                       "can no longer be corrected.", slug="already-dosed")
    if treatment_start < patient.screening.screened_on:
        raise ValidationProblem("Treatment cannot start before screening.",
                                errors={"treatment_start": ["Must be on or after the screening date."]})
    if others:
        update_patient(actor, now, patient, dict(others, reason=reason))
    if treatment_start == patient.treatment_start:
        return patient
    before = snapshot(patient, PATIENT_AUDITED)
    patient.treatment_start = treatment_start
    db.session.flush()
    log_change(actor, now, "correct_treatment_start", "patient", patient.id, before=before,
               after=snapshot(patient, PATIENT_AUDITED), reason=reason, site_id=patient.site_id)
    replan_on_c1d1(actor, now, patient, treatment_start, f"treatment_start corrected: {reason}")
    return patient


def active_events(patient_id):
    """The patient's unretracted events, oldest first (by date, then id)."""
    return db.session.scalars(select(PatientEvent).where(
        PatientEvent.patient_id == patient_id, PatientEvent.retracted_at.is_(None))
        .order_by(PatientEvent.date, PatientEvent.id)).all()


def fold_type(event) -> str:
    """The event as the status fold sees it (treatment beyond progression keeps treatment on)."""
    if event.type == "progression" and event.treatment_beyond_progression:
        return lifecycle.PROGRESSION_BEYOND
    return event.type


def _fold(events):
    try:
        return lifecycle.fold(fold_type(e) for e in sorted(events, key=lambda e: (e.date, e.id or 10**12)))
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


def record_event(actor, now, patient, *, type, date, reason=None, details=None, source=None,
                 treatment_beyond_progression=False):
    """Record a patient event (progression, death, end of treatment, withdrawal, lost to follow-up,
    contact) dated `date` (site-local): updates the status, ends or starts visits as it implies,
    touches proof of life for contacts; audited, flushed. Raises ValidationProblem (422) for a
    date in the future, before screening, or (death) before the last known contact, and Conflict
    (409) for an impossible transition.

    A progression carries its ``source``: "radiological" when a PD scan is dated on or
    before it, else "clinical" (PROTOCOL.md: one source of truth for progression), and
    closes the open ``confirm_progression`` tasks of the patient.
    """
    _check_event_date(patient, type, date, now)
    if type == "progression":
        source = source or source_of(patient, date)
    event = PatientEvent(patient_id=patient.id, type=type, date=date, reason=reason, details=details,
                         recorded_by_id=actor.id, source=source if type == "progression" else None,
                         treatment_beyond_progression=bool(treatment_beyond_progression and type == "progression"))
    state = _fold(active_events(patient.id) + [event])
    before = snapshot(patient, PATIENT_AUDITED)
    patient.status = state.status
    if type == "contact":
        touch_contact(patient, date)
    db.session.add(event)
    db.session.flush()
    log_change(actor, now, f"event:{type}", "patient", patient.id, before=before,
           after=snapshot(patient, PATIENT_AUDITED) | {"event_id": event.id, "event_date": date,
                                                       "source": event.source,
                                                       "treatment_beyond_progression":
                                                           event.treatment_beyond_progression},
           reason=reason, site_id=patient.site_id)
    if type == "progression":
        close_confirm_tasks(actor, now, patient, f"progression recorded on {date} ({event.source})")
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
    undo_patient_event(actor, now, patient, event, remaining)
    return event
