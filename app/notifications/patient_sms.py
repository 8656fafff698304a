"""What SMS events change on a patient: opt-out and opt-in, unreachable numbers.

Shared by the inbound webhook (STOP/START), the status callback and the dispatcher
(Twilio error 21610, unreachable handsets). Each change is audited; nothing commits here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.common.audit import log_change
from app.common.statuses import AlertStatus
from app.extensions import db
from app.models import Alert, Patient

UNREACHABLE_ALERT = "sms_unreachable"
# Statuses for which the study no longer texts a patient (reminders, questions, replies).
NO_SMS_STATUSES = ("deceased", "withdrawn", "completed")


def opt_out(actor, now: datetime, patient: Patient, source: str) -> bool:
    """Stop every message but keyword confirmations; True when it changed anything."""
    if patient.sms_opted_out:
        return False
    patient.sms_opted_out, patient.sms_opted_out_at = True, now
    _audit(actor, now, patient, "sms:opt_out", {"sms_opted_out": False}, {"sms_opted_out": True}, source)
    return True


def opt_in(actor, now: datetime, patient: Patient, source: str) -> bool:
    """Texts are welcome again; True when it changed anything."""
    if not patient.sms_opted_out:
        return False
    patient.sms_opted_out, patient.sms_opted_out_at = False, None
    _audit(actor, now, patient, "sms:opt_in", {"sms_opted_out": True}, {"sms_opted_out": False}, source)
    return True


def mark_unreachable(actor, now: datetime, patient: Patient, error_code, detail: str) -> Alert:
    """Flag the number and open (or bump) one alert for the nurse to call the patient."""
    if not patient.sms_unreachable:
        patient.sms_unreachable = True
        _audit(actor, now, patient, "sms:unreachable", {"sms_unreachable": False}, {"sms_unreachable": True},
               f"provider error {error_code}")
    return _open_alert(now, patient, f"SMS error {error_code}: {detail}")


def mark_reachable(actor, now: datetime, patient: Patient) -> None:
    """A delivered message proves the number works again (the alert stays for the nurse)."""
    if patient.sms_unreachable:
        patient.sms_unreachable = False
        _audit(actor, now, patient, "sms:reachable", {"sms_unreachable": True}, {"sms_unreachable": False},
               "message delivered")


def _open_alert(now: datetime, patient: Patient, detail: str) -> Alert:
    alert = db.session.scalar(select(Alert).where(Alert.patient_id == patient.id, Alert.kind == UNREACHABLE_ALERT,
                                                  Alert.status == AlertStatus.OPEN))
    if alert is not None:
        alert.occurrences += 1
        alert.last_event_at, alert.detail = now, detail
        return alert
    alert = Alert(patient_id=patient.id, site_id=patient.site_id, kind=UNREACHABLE_ALERT, status=AlertStatus.OPEN,
                  reasons=["sms_unreachable"], detail=detail, opened_at=now, last_event_at=now, occurrences=1)
    db.session.add(alert)
    db.session.flush()
    return alert


def _audit(actor, now, patient, action, before, after, reason):
    log_change(actor, now, action, "patient", patient.id, before=before, after=after, reason=reason,
           site_id=patient.site_id)
