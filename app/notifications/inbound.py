"""Processing a stored inbound SMS (from the inbox): keywords, then the registered text handler.

Called by `app.notifications.inbox` inside the transaction that marks the inbox row done, so
everything here happens exactly once per text; nothing here commits. Provider-specific
parsing lives in app/notifications/webhooks/.

Replies do not go back in the webhook's answer: they are outbox rows like every other SMS
(delivery tracking, retries, a place in the patient's message list). Replies to the
patient's own message are never held by the daily budget or quiet hours (send_policy).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.common.alerts import open_alert as common_open_alert, resolve_alert
from app.common.audit import log_change
from app.extensions import db
from app.models import Alert, InboxEntry, Message, Patient, Site
from app.notifications import inbound_handlers, patient_sms
from app.notifications.inbound_handlers import Reply
from app.notifications.keywords import Keyword, classify_keyword
from app.notifications.outbox import enqueue
from app.notifications.send_policy import KEYWORD_PURPOSE
from app.common.clock import site_today
from app.common.proof_of_life import touch_contact
from app.common.statuses import MessageStatus
from app.notifications.templates import RenderedSms, render_reply

ACTOR = "sms-inbound"
REPLY_PURPOSE = inbound_handlers.REPLY  # answers from the symptom pipeline
URGENT_REPLY_PURPOSE = inbound_handlers.URGENT_REPLY
UNKNOWN_SENDER_PURPOSE = "unknown_sender"
UNMATCHED_ALERT = "unmatched_message"
OPTED_OUT_ALERT = "opted_out"
UNKNOWN_REPLY_EVERY = timedelta(days=1)  # one reply a day: no loops with auto-responders
_KEYWORD_REPLIES = {Keyword.OPT_OUT: "opt_out", Keyword.OPT_IN: "opt_in", Keyword.HELP: "help"}


def patient_for_number(number: str | None) -> Patient | None:
    """The patient whose phone is `number` (the most recently enrolled when shared)."""
    if not number:
        return None
    return db.session.scalar(select(Patient).where(Patient.phone == number).order_by(Patient.id.desc()).limit(1))


def site_for_number(number: str | None) -> Site | None:
    """The site that owns the number a text was sent to (its `phone`), or None when unknown."""
    if not number:
        return None
    return db.session.scalar(select(Site).where(Site.phone == number).order_by(Site.id).limit(1))


def store_message(entry: InboxEntry, patient: Patient | None = None) -> Message:
    """The patient-visible Message row for an inbox text (created once, then reused)."""
    if entry.message_id is not None:
        return db.session.get(Message, entry.message_id)
    existing = db.session.scalar(select(Message).where(Message.provider_sid == entry.provider_ref,
                                                       Message.direction == "inbound"))
    if existing is not None:
        return existing
    patient = patient or patient_for_number(entry.from_number)
    message = Message(direction="inbound", patient_id=getattr(patient, "id", None),
                      site_id=getattr(patient, "site_id", None), to_number=entry.to_number or "",
                      from_number=entry.from_number, body=entry.body or "", status=MessageStatus.RECEIVED,
                      received_at=entry.received_at, provider_sid=entry.provider_ref,
                      purpose="patient" if patient else UNKNOWN_SENDER_PURPOSE)
    db.session.add(message)
    db.session.flush()
    entry.message_id = message.id
    return message


def process_text(now: datetime, entry: InboxEntry) -> Message:
    """Handle one stored text: the sender's patient, keywords, symptoms, replies."""
    patient = patient_for_number(entry.from_number)
    if patient is not None:
        patient = _lock(patient)
    message = store_message(entry, patient)
    if message.patient_id is None:
        handle_unmatched(now, message)
    else:
        handle_patient_message(now, db.session.get(Patient, message.patient_id), message)
    return message


def _lock(patient: Patient) -> Patient:
    """Serialise the processing of one patient's texts (PostgreSQL row lock; SQLite has one writer)."""
    return db.session.scalar(select(Patient).where(Patient.id == patient.id).with_for_update(of=Patient)
                             .execution_options(populate_existing=True))


def process_receipt(now: datetime, entry: InboxEntry) -> None:
    """Apply a stored delivery receipt to its outbox row."""
    from app.notifications import status

    hint = (entry.raw or {}).get("message_id")
    status.apply_status_callback(now, sid=entry.provider_sid, provider_status=entry.provider_status,
                                 error_code=_int_or_none(entry.error_code), message_id=hint,
                                 channel=entry.channel)  # each provider's error codes mean their own


def _int_or_none(value):
    try:
        return None if value is None else int(value)
    except ValueError:
        return value


def handle_patient_message(now: datetime, patient: Patient, message: Message) -> None:
    """A text from a known patient (also an unmatched one assigned by staff)."""
    if patient.status != "deceased":  # a relative using the phone is not proof of life
        touch_contact(patient, site_today(patient.site, now))
    keyword = classify_keyword(message.body)
    if keyword is Keyword.OPT_OUT:
        if patient_sms.opt_out(ACTOR, now, patient, f"patient replied {message.body.strip()!r}"):
            _opted_out_alert(now, patient, message)
    elif keyword is Keyword.OPT_IN:
        patient_sms.opt_in(ACTOR, now, patient, f"patient replied {message.body.strip()!r}")
    if keyword is not None:
        _reply(now, patient, message, 0, KEYWORD_PURPOSE, _keyword_text(patient, keyword, message))
        return
    if patient.status in patient_sms.NO_SMS_STATUSES:
        return  # kept for the nurse, not graded or answered
    replies = handle_patient_text(ACTOR, now, patient, message)
    for index, reply in enumerate(_without_repeats(patient, replies)):
        _reply(now, patient, message, index, reply.purpose, reply.sms)


def handle_patient_text(actor, now: datetime, patient: Patient, message: Message) -> list[Reply]:
    """Free text from a patient: the registered handler (the symptom pipeline) answers it."""
    return inbound_handlers.handle_text(actor, now, patient, message)


def _without_repeats(patient: Patient, replies: list[Reply]) -> list[Reply]:
    """The same text never goes to one patient twice in a row (this turn's or the last one sent)."""
    last = db.session.scalar(select(Message.body).where(
        Message.direction == "outbound", Message.patient_id == patient.id,
        Message.purpose.in_((REPLY_PURPOSE, URGENT_REPLY_PURPOSE, inbound_handlers.ACKNOWLEDGEMENT)),
        Message.status != MessageStatus.CANCELLED)
        .order_by(Message.id.desc()).limit(1))
    kept = []
    for reply in replies:
        if reply.text != last:
            kept.append(reply)
            last = reply.text
    return kept


def _keyword_text(patient: Patient, keyword: Keyword, message: Message) -> RenderedSms:
    from app.notifications.keywords import language_of

    # A keyword is the language of the patient who texted it, unless it is itself Chinese
    # ("退订" from a patient enrolled in English): "TD", "STOP" say nothing about the language.
    site = patient.site
    language = "zh" if language_of(message.body) == "zh" else patient.language
    return render_reply(_KEYWORD_REPLIES[keyword], language, site.sms_label(language), site.phone or "")


def _reply(now, patient, message, index, purpose, sms: RenderedSms) -> None:
    enqueue(to_number=patient.phone, sms=sms, purpose=purpose, now=now, patient=patient,
            idempotency_key=f"reply:{message.provider_sid}:{index}")


def _opted_out_alert(now: datetime, patient: Patient, message: Message) -> Alert:
    return open_alert(now, OPTED_OUT_ALERT, patient.site_id, patient.id,
                      f"Patient {patient.study_id} opted out of SMS by texting {message.body.strip()!r}: no "
                      f"reminders, check-ins or questions reach them now. Call them to agree how to keep in touch.")


def open_alert(now: datetime, kind: str, site_id: int | None, patient_id: int | None, detail: str,
               reasons: list[str] | None = None, message_id: int | None = None) -> Alert:
    """Open a non-symptom alert as the inbound processor (see app.common.alerts.open_alert)."""
    return common_open_alert(now, kind, site_id, patient_id, detail, reasons, actor=ACTOR, message_id=message_id)


# --- texts from numbers that belong to no patient ----------------------------------------------

def handle_unmatched(now: datetime, message: Message) -> None:
    """Keep it for staff (unmatched list + an alert for the owning site) and answer truthfully."""
    site = site_for_number(message.to_number) or _site_that_texted(message.from_number)
    if site is not None and message.site_id is None:
        message.site_id = site.id
    open_alert(now, UNMATCHED_ALERT, getattr(site, "id", None), None,
               f"A text from {message.from_number}, a number that belongs to no patient, was received "
               f"(message {message.id}): {message.body!r}. Assign it to a patient or answer the sender.",
               message_id=message.id)
    _reply_to_stranger(now, message, site)


def _site_that_texted(number: str | None) -> Site | None:
    """The site whose outbox last texted this number (e.g. a relative's phone), if any."""
    site_id = db.session.scalar(select(Message.site_id).where(
        Message.direction == "outbound", Message.to_number == number, Message.site_id.is_not(None))
        .order_by(Message.id.desc()).limit(1))
    return db.session.get(Site, site_id) if site_id else None


def _reply_to_stranger(now: datetime, message: Message, site: Site | None) -> None:
    recent = db.session.scalar(select(Message.id).where(
        Message.direction == "outbound", Message.purpose == UNKNOWN_SENDER_PURPOSE,
        Message.to_number == message.from_number, Message.created_at >= now - UNKNOWN_REPLY_EVERY).limit(1))
    site = site or db.session.scalar(select(Site).order_by(Site.id).limit(1))
    if recent is not None or site is None or not (message.from_number or "").startswith("+"):
        return
    from app.notifications.keywords import language_of

    language = language_of(message.body) or ("zh" if message.from_number.startswith("+86") else "en")
    enqueue(to_number=message.from_number, site_id=site.id,
            sms=render_reply("unknown_sender", language, site.sms_label(language), site.phone or ""),
            purpose=UNKNOWN_SENDER_PURPOSE, now=now, idempotency_key=f"reply:{message.provider_sid}:0")


def assign(actor, now: datetime, message: Message, patient: Patient) -> Message:
    """Staff say whose an unmatched text is: it becomes that patient's, and is processed as theirs.

    Raises ValueError when the message is not an unmatched inbound text.
    """
    if message.direction != "inbound" or message.patient_id is not None:
        raise ValueError("only an unmatched inbound message can be assigned")
    message.patient_id, message.site_id, message.purpose = patient.id, patient.site_id, "patient"
    db.session.flush()
    log_change(actor, now, "message_assigned", "message", message.id, before={"patient_id": None},
               after={"patient_id": patient.id}, site_id=patient.site_id)
    handle_patient_message(now, _lock(patient), message)
    for alert in db.session.scalars(select(Alert).where(Alert.kind == UNMATCHED_ALERT, Alert.status == "open",
                                                        Alert.message_id == message.id)):
        resolve_alert(actor, now, alert, f"assigned to patient {patient.study_id}")
    return message


def receive(now: datetime, *, sid: str, from_number: str, to_number: str, body: str,
            channel: str = "twilio") -> Message | None:
    """Store and process one text in the caller's transaction (CLI, tests, the demo).

    Webhooks use `inbox.accept_inbound` + `inbox.process_inbox` instead. None for a duplicate.
    """
    taken = db.session.scalar(select(InboxEntry.id).where(InboxEntry.channel == channel, InboxEntry.kind == "text",
                                                          InboxEntry.provider_ref == sid))
    if taken is not None:
        return None
    entry = InboxEntry(kind="text", channel=channel, provider_ref=sid, from_number=from_number, to_number=to_number,
                       body=body, received_at=now, state="done", attempts=1, processed_at=now)
    db.session.add(entry)
    db.session.flush()
    return process_text(now, entry)
