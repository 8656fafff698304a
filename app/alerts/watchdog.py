"""Urgent replies that did not go out in time: the nurse must call (PROTOCOL.md: an urgent
reply reaches the provider within 60 s of the patient's text; one not out within 2 minutes
alerts the nurse). Run by a job; `now` is injected."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.alerts.services import page_on_call
from app.extensions import db
from app.models import Alert, Message, Patient
from app.notifications.inbound import URGENT_REPLY_PURPOSE, open_alert

LATE_ALERT = "urgent_reply_late"
DEFAULT_MAX_WAIT = timedelta(minutes=2)
_LOOKBACK = timedelta(days=2)  # older ones have long been alerted


def alert_late_urgent_replies(now: datetime, max_wait: timedelta = DEFAULT_MAX_WAIT) -> list[Alert]:
    """Open one `urgent_reply_late` alert (and page on call) per urgent reply queued more than
    `max_wait` ago and still not accepted by the provider; returns the alerts opened."""
    late = db.session.scalars(select(Message).where(
        Message.direction == "outbound", Message.purpose == URGENT_REPLY_PURPOSE, Message.sent_at.is_(None),
        Message.created_at <= now - max_wait, Message.created_at >= now - _LOOKBACK).order_by(Message.id)).all()
    opened = []
    for message in late:
        if db.session.scalar(select(Alert.id).where(Alert.kind == LATE_ALERT, Alert.message_id == message.id)):
            continue
        patient = db.session.get(Patient, message.patient_id) if message.patient_id else None
        waited = int((now - message.created_at).total_seconds())
        alert = open_alert(now, LATE_ALERT, message.site_id, message.patient_id,
                           f"The urgent reply to patient {getattr(patient, 'study_id', '?')} (message {message.id}) "
                           f"has not gone "
                           f"out after {waited} s (status {message.status}"
                           f"{', ' + message.error_message if message.error_message else ''}). Call the patient now.",
                           reasons=["red_flag:urgent_reply_late"], message_id=message.id)
        if patient is not None:
            page_on_call(now, patient, alert, urgent=True)
        opened.append(alert)
    return opened
