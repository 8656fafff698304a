"""Progression, one source of truth per patient (PROTOCOL.md "Endpoints").

- A scan whose overall response is PD opens a ``confirm_progression`` alert: the
  investigator's task to confirm progression (the patient is otherwise left on treatment
  with doses booked).
- ``confirm_progression`` records the progression event, which ends treatment as any
  progression event does, unless the investigator chooses treatment beyond progression
  (sintilimab stays booked). Its ``source`` is "radiological" (a PD scan on or before the
  date) or "clinical" (none: flagged "clinical, not radiological").
Services: explicit actor and now, audited, flushed, never committed.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.common.audit import log_change, require_reason
from app.common.problems import Conflict, ValidationProblem
from app.extensions import db
from app.models import Alert, PatientEvent

CONFIRM_PROGRESSION = "confirm_progression"
SOURCES = ("radiological", "clinical")


def pd_scan_date(patient) -> date | None:
    """The first scan showing PD in the patient's current series, or None."""
    from app.assessments.services import evaluate_patient

    return evaluate_patient(patient).progression_date


def source_of(patient, when: date) -> str:
    """"radiological" when a PD scan is dated on or before ``when``, else "clinical"."""
    pd_date = pd_scan_date(patient)
    return "radiological" if pd_date is not None and pd_date <= when else "clinical"


def _progression_event(patient_id: int) -> PatientEvent | None:
    return db.session.scalar(select(PatientEvent).where(
        PatientEvent.patient_id == patient_id, PatientEvent.type == "progression",
        PatientEvent.retracted_at.is_(None)).order_by(PatientEvent.date).limit(1))


def progression_event_date(patient) -> date | None:
    """The date of the patient's (active) progression event, or None."""
    event = _progression_event(patient.id)
    return event.date if event is not None else None


def open_confirm_tasks(patient_id: int) -> list[Alert]:
    """The patient's open ``confirm_progression`` alerts."""
    return db.session.scalars(select(Alert).where(
        Alert.patient_id == patient_id, Alert.kind == CONFIRM_PROGRESSION, Alert.status == "open")).all()


def open_confirm_task_if_pd(actor, now, patient) -> Alert | None:
    """After a scan: open the investigator's task when the series shows PD and nothing is
    recorded yet (no progression event, no open task). Returns the new alert or None."""
    pd_date = pd_scan_date(patient)
    if pd_date is None or _progression_event(patient.id) is not None or open_confirm_tasks(patient.id):
        return None
    alert = Alert(patient_id=patient.id, site_id=patient.site_id, kind=CONFIRM_PROGRESSION, status="open",
                  reasons=["pd_scan"], opened_at=now, last_event_at=now,
                  detail=f"The scan of {pd_date.isoformat()} shows progressive disease (RECIST 1.1). "
                         "The investigator confirms progression (POST /patients/{id}/progression/confirm), "
                         "or decides on treatment beyond progression.")
    db.session.add(alert)
    db.session.flush()
    log_change(actor, now, "alert_opened", "alert", alert.id,
               after={"kind": CONFIRM_PROGRESSION, "patient_id": patient.id, "pd_scan_date": pd_date},
               site_id=patient.site_id)
    return alert


def close_confirm_tasks(actor, now, patient, note: str) -> list[Alert]:
    """Acknowledge the patient's open ``confirm_progression`` alerts (the task is done)."""
    closed = []
    for alert in open_confirm_tasks(patient.id):
        alert.status, alert.acknowledged_at, alert.acknowledged_by_id = "acknowledged", now, actor.id
        alert.acknowledgement_note = note
        log_change(actor, now, "alert_acknowledged", "alert", alert.id, after={"note": note},
                   site_id=patient.site_id)
        closed.append(alert)
    db.session.flush()
    return closed


def confirm_progression(actor, now, patient, *, date, source, treatment_beyond_progression=False,
                        reason=None) -> PatientEvent:
    """POST /patients/{id}/progression/confirm: record the patient's progression.

    ``source`` "radiological" needs a PD scan on or before ``date`` (422 otherwise);
    a second progression is a 409. Without treatment beyond progression the event ends
    treatment (cancels the treatment visits, starts follow-up) like any progression event.
    """
    from app.patients.services import record_event

    reason = require_reason(reason)
    if source not in SOURCES:
        raise ValidationProblem(f"source must be one of {', '.join(SOURCES)}.", errors={"source": ["Unknown."]})
    pd_date = pd_scan_date(patient)
    if source == "radiological" and (pd_date is None or pd_date > date):
        raise ValidationProblem("No scan showing PD is dated on or before this date: record the PD scan, or "
                                "confirm a clinical progression.", errors={"source": ["No PD scan."]},
                                slug="no-pd-scan")
    if _progression_event(patient.id) is not None:
        raise Conflict("A progression is already recorded for this patient; retract it to correct it.",
                       slug="invalid-transition")
    return record_event(actor, now, patient, type="progression", date=date, reason=reason, source=source,
                        treatment_beyond_progression=treatment_beyond_progression)
