"""Twilio status callbacks: move an outbox row forward, and act on what its error means."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.common.statuses import MessageStatus
from app.extensions import db
from app.models import Message, Patient
from app.notifications import patient_sms
from app.notifications.gateways.base import classify_delivery_error
from app.notifications.gateways.domestic import classify_receipt_error

DOMESTIC_CHANNELS = ("aliyun", "tencent")  # their carriers' receipt codes, not Twilio's
from app.notifications.retry import STATUS_RANK, may_transition, normalise_provider_status

ACTOR = "sms-status"


def apply_status_callback(now: datetime, *, sid: str, provider_status: str, error_code: int | str | None,
                          message_id: int | None = None, channel: str = "twilio") -> Message | None:
    """Apply one callback; None when the message is unknown or the status is one we do not track.

    `message_id` comes from the callback URL we gave Twilio: it finds the row even when the
    callback overtakes the dispatcher's own record of the SID. `channel` names whose error
    codes these are ("twilio", "aliyun", "tencent").
    """
    status = normalise_provider_status(provider_status)
    message = _find(sid, message_id)
    if status is None or message is None or message.status not in STATUS_RANK:
        return None
    if message.provider_sid is None:
        message.provider_sid = sid
    if not may_transition(message.status, status):
        return message  # duplicate or out of order: never move backwards
    message.status = status
    if status == MessageStatus.DELIVERED:
        message.delivered_at = now
    if error_code is not None:
        message.error_code = str(error_code)
    _patient_consequences(now, message, status, error_code, channel)
    return message


def _find(sid: str, message_id: int | None) -> Message | None:
    message = db.session.scalar(select(Message).where(Message.provider_sid == sid, Message.direction == "outbound"))
    if message is None and message_id is not None:
        candidate = db.session.get(Message, message_id)
        if candidate is not None and candidate.direction == "outbound" and candidate.provider_sid in (None, sid):
            message = candidate
    return message


def _patient_consequences(now, message: Message, status: str, error_code, channel: str = "twilio") -> None:
    patient = message.patient_id and db.session.get(Patient, message.patient_id)
    if not patient:
        return
    if status == MessageStatus.DELIVERED:
        patient_sms.mark_reachable(ACTOR, now, patient)
        return
    flags = (classify_receipt_error(None if error_code is None else str(error_code))
             if channel in DOMESTIC_CHANNELS else classify_delivery_error(error_code))
    if flags["opted_out"]:
        patient_sms.opt_out(ACTOR, now, patient, f"{channel} receipt {error_code}: carrier unsubscribe")
    elif flags["unreachable"]:
        patient_sms.mark_unreachable(ACTOR, now, patient, error_code, f"message {message.id} {status}")
