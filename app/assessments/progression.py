"""Progression, one source of truth per patient (PROTOCOL.md "Endpoints").

- A scan whose overall response is PD opens a ``confirm_progression`` alert: the
  investigator's task to confirm progression (the patient is otherwise left on treatment
  with doses booked).
- ``confirm_progression`` (app/patients/progression.py) records the progression event, which ends treatment as any
  progression event does, unless the investigator chooses treatment beyond progression
  (sintilimab stays booked). Its ``source`` is "radiological" (a PD scan on or before the
  date) or "clinical" (none: flagged "clinical, not radiological").
Services: explicit actor and now, audited, flushed, never committed.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.common.alerts import resolve_alert
from app.common.audit import log_change
from app.extensions import db
from app.models import Alert, PatientEvent

CONFIRM_PROGRESSION = "confirm_progression"
SOURCES = ("radiological", "clinical")


def progression_source_of(pd_scan: date | None, progression_event: date | None) -> str | None:
    """"radiological" when a PD scan is dated on or before the progression event (or there is
    no event), "clinical" for a progression event without one, None when neither exists (pure)."""
    if pd_scan is not None and (progression_event is None or pd_scan <= progression_event):
        return "radiological"
    return "clinical" if progression_event is not None else None


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


def open_confirm_task_if_pd(actor, now, patient, pd_date: date | None) -> Alert | None:
    """After a scan: open the investigator's task when the series shows PD (first PD scan
    `pd_date`) and nothing is recorded yet (no progression event, no open task). Returns the
    new alert or None."""
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
    return [resolve_alert(actor, now, alert, note) for alert in open_confirm_tasks(patient.id)]
