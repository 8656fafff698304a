"""Use cases for follow-up: the coordinators' contact worklist and the contact log."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import func, select

from app.common.alerts import open_alert
from app.common.audit import log_change
from app.common.access import scope_to_site
from app.common.problems import ValidationProblem
from app.extensions import db
from app.followup.proof_of_life import active_events_by_patient, first_event_date, proof_of_life_dates
from app.followup.rules import ContactPlan, DueContact, follow_up_status, next_survival_contact
from app.models import ContactAttempt, Patient, Visit
from app.models.contact import ALIVE_OUTCOMES
from app.common.clock import site_today
from app.common.statuses import VisitStatus
from app.patients.services import record_event
from app.schedules.planning import horizon_end
from app.schedules.protocol import load_protocol

# Patients whose survival status the site still has to establish.
TRACKED_STATUSES = ("on_treatment", "follow_up", "withdrawn", "lost_to_follow_up")
# Any of these ends treatment and starts the survival follow-up grid.
TREATMENT_ENDING = ("end_of_treatment", "progression", "withdrawal", "lost_to_follow_up")
REPORTED_DECEASED = "reported_deceased"
RECORD_DEATH_ALERT = "record_death"
CONTACT_AUDITED = ("contacted_at", "contact_date", "channel", "outcome", "notes", "event_id")


@lru_cache(maxsize=8)
def _protocol(version: str):
    return load_protocol(version)


def contact_plan(protocol) -> ContactPlan:
    """The survival follow-up grid of a protocol version."""
    survival = protocol.survival
    return ContactPlan(survival.every_weeks * 7, survival.window.before, survival.window.after)


def follow_up_worklist(actor, now, site=None) -> list[dict]:
    """One row per tracked patient: last known alive, next contact due, overdue, lost candidate."""
    statement = scope_to_site(select(Patient).where(Patient.status.in_(TRACKED_STATUSES)), actor, Patient.site_id)
    if site is not None:
        statement = statement.where(Patient.site_id == site.id)
    patients = db.session.scalars(statement.order_by(Patient.id)).all()
    ids = statement.with_only_columns(Patient.id).order_by(None).scalar_subquery()
    alive, events = proof_of_life_dates(ids), active_events_by_patient(ids)
    visits, attempts = _next_visits(ids), _last_attempts(ids)
    rows = [_row(p, now, alive.get(p.id, []), events.get(p.id, []), visits.get(p.id), attempts.get(p.id))
            for p in patients]
    return sorted(rows, key=_urgency)


def _urgency(row: dict):
    return (not row["overdue"], row["next_contact_due"] or date.max, row["study_id"])


def _row(patient, now, alive_dates, events, next_visit, last_attempt) -> dict:
    today = site_today(patient.site, now)
    protocol = _protocol(patient.protocol_version)
    plan = contact_plan(protocol)
    last_alive = _last_known_alive(patient, today, alive_dates)
    ended = first_event_date(events, TREATMENT_ENDING)
    if ended is None:
        due = _first_after(next_visit, last_alive) or _next_cycle(patient, protocol, last_alive)
    else:
        due = next_survival_contact(ended, last_alive, plan, horizon_end(protocol, patient.c1d1 or patient.treatment_start))
    status = follow_up_status(today, last_alive, due, plan)
    return {
        "patient_id": patient.id, "study_id": patient.study_id, "site": patient.site.code,
        "status": patient.status, "phase": "treatment" if ended is None else "survival",
        "last_known_alive": status.last_known_alive, "days_since_contact": status.days_since_contact,
        "next_contact_due": due.due if due else None, "window_end": due.window_end if due else None,
        "overdue": status.overdue, "lost_to_follow_up_candidate": status.lost_to_follow_up_candidate,
        "last_attempt": last_attempt,
    }


def _last_known_alive(patient, today: date, alive_dates) -> date | None:
    # C1D1 (the first dose given) is a dosing day: the patient was there (as the OS
    # derivation counts it). The planned date proves nothing before a dose is given.
    seen = [*alive_dates, *([patient.c1d1] if patient.c1d1 else [])]
    past = [d for d in seen if d <= today]
    return max(past, default=None)


def _next_cycle(patient, protocol, last_alive) -> DueContact:
    # On treatment without booked visits: the patient is due at the next cycle's D1.
    anchor = max(filter(None, (last_alive, patient.treatment_start)))
    due = anchor + timedelta(days=protocol.treatment.cycle_length_days)
    return DueContact(due, due + timedelta(days=protocol.treatment.d1_window.after))


def _first_after(scheduled: list[DueContact] | None, last_alive: date | None) -> DueContact | None:
    """The first still-scheduled visit after the last proof of life: the next time the patient
    is due to be seen. A visit left open before that day is a visit-list matter (the overdue
    visits job flags it), not a lost contact."""
    return next((v for v in scheduled or () if last_alive is None or v.due > last_alive), None)


def _next_visits(ids) -> dict[int, list[DueContact]]:
    """Each patient's still-scheduled visits in date order (a patient on treatment is seen there)."""
    rows = db.session.execute(select(Visit.patient_id, Visit.scheduled_date, Visit.window_end)
                              .where(Visit.patient_id.in_(ids), Visit.status == VisitStatus.SCHEDULED)
                              .order_by(Visit.patient_id, Visit.scheduled_date))
    found: dict[int, list[DueContact]] = {}
    for patient_id, scheduled, window_end in rows:
        found.setdefault(patient_id, []).append(DueContact(scheduled, max(scheduled, window_end)))
    return found


def _last_attempts(ids) -> dict[int, dict]:
    latest = (select(ContactAttempt.patient_id, func.max(ContactAttempt.id).label("id"))
              .where(ContactAttempt.patient_id.in_(ids)).group_by(ContactAttempt.patient_id).subquery())
    rows = db.session.scalars(select(ContactAttempt).join(latest, latest.c.id == ContactAttempt.id))
    return {row.patient_id: {"contacted_at": row.contacted_at, "outcome": row.outcome,
                             "channel": row.channel} for row in rows}


def record_contact(actor, now, patient, *, channel, outcome, contacted_at=None, notes=None) -> ContactAttempt:
    """Log one attempt to reach the patient; a proof of life also records a `contact` event."""
    contacted_at = contacted_at or now
    if contacted_at > now:
        raise ValidationProblem("A contact cannot be in the future.",
                                errors={"contacted_at": ["In the future."]})
    when = site_today(patient.site, contacted_at)
    event = None
    if outcome in ALIVE_OUTCOMES:
        event = record_event(actor, now, patient, type="contact", date=when, details=f"{channel}: {outcome}")
    attempt = ContactAttempt(patient_id=patient.id, site_id=patient.site_id, contacted_at=contacted_at,
                             contact_date=when, channel=channel, outcome=outcome, notes=notes,
                             recorded_by_id=actor.id, event_id=event.id if event else None)
    db.session.add(attempt)
    db.session.flush()
    log_change(actor, now, "contact", "contact_attempt", attempt.id,
           after={name: getattr(attempt, name) for name in CONTACT_AUDITED}, site_id=patient.site_id)
    if outcome == REPORTED_DECEASED:
        _reported_deceased(actor, now, patient, attempt)
    elif outcome in ALIVE_OUTCOMES and patient.sms_paused_reason:
        _set_pause(actor, now, patient, None, "proof of life after a report of death")
    return attempt


def _reported_deceased(actor, now, patient, attempt) -> None:
    """Someone said the patient died: a task to record the death (date, source) and no more
    texts to that phone until it is recorded or disproved (issue 11 item 11)."""
    if patient.status != "deceased":
        open_alert(now, RECORD_DEATH_ALERT, patient.site_id, patient.id,
                   f"Patient {patient.study_id} was reported deceased ({attempt.channel} contact on "
                   f"{attempt.contact_date.isoformat()}{': ' + attempt.notes if attempt.notes else ''}). "
                   f"Confirm and record the death (POST /api/v1/patients/{patient.id}/events, type death).",
                   reasons=[RECORD_DEATH_ALERT])
    _set_pause(actor, now, patient, f"reported deceased on {attempt.contact_date.isoformat()}", "reported deceased")


def _set_pause(actor, now, patient, reason, why) -> None:
    before = patient.sms_paused_reason
    patient.sms_paused_reason = reason
    log_change(actor, now, "sms:pause" if reason else "sms:resume", "patient", patient.id,
               before={"sms_paused_reason": before}, after={"sms_paused_reason": reason}, reason=why,
               site_id=patient.site_id)


def changed_patient_ids(patient_ids, since) -> set[int]:
    """Those of `patient_ids` whose record, visits or contact log changed after `since`
    (what moves a follow-up row; tablet delta sync)."""
    if not patient_ids:
        return set()
    ids = set(db.session.scalars(select(Patient.id).where(Patient.id.in_(patient_ids), Patient.updated_at > since)))
    ids |= set(db.session.scalars(select(Visit.patient_id).where(Visit.patient_id.in_(patient_ids),
                                                                 Visit.updated_at > since)))
    ids |= set(db.session.scalars(select(ContactAttempt.patient_id).where(
        ContactAttempt.patient_id.in_(patient_ids), ContactAttempt.updated_at > since)))
    return ids
