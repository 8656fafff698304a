"""Open, merge and acknowledge alerts; page the site's on-call staff by SMS through the outbox.

A symptom alert is per patient and CTCAE term: the same term again within 24 h of the
alert's last event updates the open alert (occurrences, last_event_at, grade = max) rather
than opening another. Pages name the patient's study id and the alert number only:
no symptom, diagnosis or drug goes into an SMS.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.common.alerts import ALERT_AUDITED, resolve_alert
from app.common.audit import log_change, snapshot
from app.common.problems import Conflict
from app.common.statuses import AlertStatus
from app.extensions import db
from app.models import Alert, Patient, SymptomReport, User
from app.notifications.outbox import enqueue
from app.notifications.templates import render

log = logging.getLogger(__name__)
SYMPTOM_KIND = "symptom"
UNCLEAR_KIND = "symptom_unclear"  # a message we could not understand, for the nurse to read
MERGE_WINDOW = timedelta(hours=24)
PAGE_PURPOSE = "alert"
AUDITED = ALERT_AUDITED
PAGE_TEMPLATE = {True: "nurse_page_urgent", False: "nurse_page_review"}  # in sms_templates.yaml
STAFF_LANGUAGE = "zh"  # the trial's nurses; zh page texts are short enough for the domestic providers


def _open_same_term(patient_id: int, term: str, now: datetime) -> Alert | None:
    return db.session.scalar(
        select(Alert).where(Alert.patient_id == patient_id, Alert.kind == SYMPTOM_KIND, Alert.status == AlertStatus.OPEN,
                            Alert.ctcae_term == term, Alert.last_event_at >= now - MERGE_WINDOW)
        .order_by(Alert.id.desc()).limit(1))


def raise_symptom_alert(actor, now: datetime, patient: Patient, report: SymptomReport, *, term: str,
                        grade: int | None, reasons: tuple[str, ...], urgent: bool, detail: str) -> Alert:
    """Open an alert for `term`, or fold this event into the open one of the last 24 h."""
    alert = _open_same_term(patient.id, term, now)
    if alert is None:
        return _open(actor, now, patient, report, term, grade, reasons, urgent, detail)
    before = snapshot(alert, AUDITED)
    worse = _max(alert.grade, grade) != alert.grade or not set(reasons) <= set(alert.reasons)
    alert.occurrences += 1
    alert.last_event_at, alert.symptom_report_id = now, report.id
    alert.grade = _max(alert.grade, grade)
    alert.reasons = sorted(set(alert.reasons) | set(reasons))
    alert.detail = detail
    db.session.flush()
    log_change(actor, now, "alert_updated", "alert", alert.id, before=before, after=snapshot(alert, AUDITED),
           site_id=alert.site_id)
    if worse:  # the same news twice is not paged twice; a higher grade or a new red flag is
        page_on_call(now, patient, alert, urgent)
    return alert


def _max(a: int | None, b: int | None) -> int | None:
    return max(v for v in (a, b) if v is not None) if a is not None or b is not None else None


def _open(actor, now, patient, report, term, grade, reasons, urgent, detail) -> Alert:
    alert = Alert(patient_id=patient.id, site_id=patient.site_id, kind=SYMPTOM_KIND, status=AlertStatus.OPEN,
                  ctcae_term=term, grade=grade, reasons=sorted(reasons), detail=detail, symptom_report_id=report.id,
                  opened_at=now, last_event_at=now, occurrences=1)
    db.session.add(alert)
    db.session.flush()
    log_change(actor, now, "alert_opened", "alert", alert.id, after=snapshot(alert, AUDITED), site_id=alert.site_id)
    page_on_call(now, patient, alert, urgent)
    return alert


def alert_unclear_message(actor, now: datetime, patient: Patient, report: SymptomReport) -> Alert:
    """The patient's words we could not grade go to the nurse as free text (no SMS page)."""
    alert = Alert(patient_id=patient.id, site_id=patient.site_id, kind=UNCLEAR_KIND, status=AlertStatus.OPEN,
                  reasons=["not_understood"], detail=report.text, symptom_report_id=report.id,
                  opened_at=now, last_event_at=now, occurrences=1)
    db.session.add(alert)
    db.session.flush()
    log_change(actor, now, "alert_opened", "alert", alert.id, after=snapshot(alert, AUDITED), site_id=alert.site_id)
    return alert


def on_call_staff(site_id: int, now: datetime | None = None) -> list[User]:
    """Who is paged at the site now: the rota's shift, else the users flagged always on call
    (app/sites/on_call.py)."""
    from app.sites.on_call import pageable_users

    return pageable_users(site_id, now or datetime.now(timezone.utc))


def page_on_call(now: datetime, patient: Patient, alert: Alert, urgent: bool) -> int:
    """Queue one SMS per on-call user (sent after commit); returns how many were queued."""
    staff = on_call_staff(patient.site_id, now)
    if not staff:
        log.warning("alert %s at site %s: nobody on call with a phone; the alert waits in the list",
                    alert.id, patient.site_id)
    sms = render(PAGE_TEMPLATE[urgent], STAFF_LANGUAGE, alert_id=alert.id, study_id=patient.study_id)
    for user in staff:
        enqueue(to_number=user.phone, sms=sms, purpose=PAGE_PURPOSE, now=now, site_id=patient.site_id,
                user_id=user.id, idempotency_key=f"page:{alert.id}:{alert.occurrences}:{user.id}")
    return len(staff)


def acknowledge(actor, now: datetime, alert: Alert, note: str | None) -> Alert:
    """Record who acknowledged the alert, when, and their note; an alert is acknowledged once."""
    if alert.status != AlertStatus.OPEN:
        raise Conflict(f"Alert {alert.id} was already acknowledged.", slug="already-acknowledged")
    return resolve_alert(actor, now, alert, (note or "").strip() or None)


def add_note(actor, now: datetime, alert: Alert, note: str) -> Alert:
    """Add a note to `alert`, open or acknowledged (API.md: notes any time). Notes are never
    edited: a later note corrects an earlier one. Raises ValidationProblem (422) for a blank note."""
    from app.common.problems import ValidationProblem
    from app.models import AlertNote

    note = (note or "").strip()
    if not note:
        raise ValidationProblem("The note is empty.", errors={"note": ["Write something."]})
    row = AlertNote(alert=alert, author_id=getattr(actor, "id", None), at=now, note=note)
    db.session.add(row)
    alert.last_event_at = max(alert.last_event_at, now)  # bumps version and updated_at (tablet sync)
    db.session.flush()
    log_change(actor, now, "alert_note", "alert", alert.id, after={"note": note, "note_id": row.id},
               site_id=alert.site_id)
    return alert

