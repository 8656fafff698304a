"""Inbound SMS: store every message once, act on keywords, hand free text to the symptom pipeline.

Replies do not go back in the webhook's TwiML: they are outbox rows like every other SMS,
so they get delivery tracking (status callbacks), retries, the daily budget and a place in
the patient's message list; the webhook answers an empty TwiML <Response/>. They go out on
the next dispatcher sweep (every 30 s).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Message, Patient, Site
from app.notifications import inbound_handlers, patient_sms
from app.notifications.keywords import Keyword, classify_keyword
from app.notifications.outbox import enqueue
from app.notifications.send_policy import KEYWORD_PURPOSE
from app.notifications.templates import RenderedSms, render_reply
from app.common.clock import site_today
from app.common.proof_of_life import touch_contact
from app.common.statuses import MessageStatus

ACTOR = "sms-inbound"
REPLY_PURPOSE = "reply"  # answers from the symptom pipeline
UNKNOWN_SENDER_PURPOSE = "unknown_sender"
UNKNOWN_REPLY_EVERY = timedelta(days=1)  # one neutral reply a day: no loops with auto-responders
_KEYWORD_REPLIES = {Keyword.OPT_OUT: "opt_out", Keyword.OPT_IN: "opt_in", Keyword.HELP: "help"}


def receive(now: datetime, *, sid: str, from_number: str, to_number: str, body: str) -> Message | None:
    """Store and process one inbound SMS; None when this MessageSid was already processed."""
    if db.session.scalar(select(Message.id).where(Message.provider_sid == sid)) is not None:
        return None
    patient = db.session.scalar(select(Patient).where(Patient.phone == from_number))
    message = _store(now, sid, from_number, to_number, body, patient)
    if message is None:
        return None
    if patient is None:
        _reply_to_stranger(now, message)
    else:
        _from_patient(now, patient, message)
    return message


def _store(now, sid, from_number, to_number, body, patient) -> Message | None:
    message = Message(direction="inbound", patient_id=getattr(patient, "id", None),
                      site_id=getattr(patient, "site_id", None), to_number=to_number or "",
                      from_number=from_number, body=body, status=MessageStatus.RECEIVED, received_at=now, provider_sid=sid,
                      purpose="patient" if patient else UNKNOWN_SENDER_PURPOSE)
    try:
        with db.session.begin_nested():  # the same webhook delivered twice at once: one wins
            db.session.add(message)
    except IntegrityError:
        return None
    return message


def _from_patient(now: datetime, patient: Patient, message: Message) -> None:
    if patient.status != "deceased":  # a relative using the phone is not proof of life
        touch_contact(patient, site_today(patient.site, now))
    keyword = classify_keyword(message.body)
    if keyword is Keyword.OPT_OUT:
        patient_sms.opt_out(ACTOR, now, patient, f"patient replied {message.body.strip()!r}")
    elif keyword is Keyword.OPT_IN:
        patient_sms.opt_in(ACTOR, now, patient, f"patient replied {message.body.strip()!r}")
    if keyword is not None:
        _reply(now, patient, message, 0, KEYWORD_PURPOSE, _keyword_text(patient, keyword))
        return
    if patient.status in patient_sms.NO_SMS_STATUSES:
        return  # kept for the nurse, not graded or answered
    texts = handle_patient_text(ACTOR, now, patient, message)
    if not patient.sms_opted_out:
        for index, text in enumerate(texts):
            _reply(now, patient, message, index, REPLY_PURPOSE, text)


def handle_patient_text(actor, now: datetime, patient: Patient, message: Message) -> list[RenderedSms]:
    """Free text from a patient goes to the handler a domain registered (symptoms grades it
    and returns the replies). With none registered the message is only stored (the nurse
    sees it in the patient's message list) and nothing is answered."""
    text_handler = inbound_handlers.handler()
    return list(text_handler(actor, now, patient, message) or []) if text_handler else []


def _keyword_text(patient: Patient, keyword: Keyword) -> RenderedSms:
    site = patient.site
    return render_reply(_KEYWORD_REPLIES[keyword], patient.language, site.sms_label(patient.language), site.phone)


def _reply(now, patient, message, index, purpose, text) -> None:
    enqueue(to_number=patient.phone, sms=text, purpose=purpose, now=now, patient=patient,
            idempotency_key=f"reply:{message.provider_sid}:{index}")


def _reply_to_stranger(now: datetime, message: Message) -> None:
    recent = db.session.scalar(select(Message.id).where(
        Message.direction == "outbound", Message.purpose == UNKNOWN_SENDER_PURPOSE,
        Message.to_number == message.from_number, Message.created_at >= now - UNKNOWN_REPLY_EVERY).limit(1))
    site = db.session.scalar(select(Site).order_by(Site.id).limit(1))  # the lead site answers strangers
    if recent is not None or site is None or not message.from_number.startswith("+"):
        return
    language = "zh" if message.from_number.startswith("+86") else "en"
    enqueue(to_number=message.from_number, sms=render_reply("unknown_sender", language, site.sms_label(language), site.phone),
            purpose=UNKNOWN_SENDER_PURPOSE, now=now, idempotency_key=f"reply:{message.provider_sid}:0")
