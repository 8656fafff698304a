"""The outbox: outbound SMS rows written in the caller's transaction, claimed and settled
by the dispatcher with conditional UPDATEs.

A row moves queued → sending (claimed, with a lease and a claim token) → sent / failed /
cancelled, or back to queued (retry, deferral, recovered lease). Every settling UPDATE
names the claim token, so a sweep that lost its lease cannot overwrite another's result.
Services call `enqueue` and flush; only the dispatcher (its own transactions) claims.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, String, Text, bindparam, case, or_, select, update

from app.common.statuses import MessageStatus
from app.extensions import db
from app.models import Message
from app.notifications.gateways.base import TemplateRef
from app.notifications.retry import RetryPolicy, lease_expires_at
from app.notifications.templates import RenderedSms

UNSENT = (MessageStatus.QUEUED, MessageStatus.SENDING)


def enqueue(*, to_number: str, sms: RenderedSms, purpose: str, now: datetime, patient=None, site_id=None,
            user_id=None, visit_id=None, idempotency_key=None, send_at=None, expires_at=None) -> Message | None:
    """Add an outbound message to the caller's transaction (nothing is sent before it commits).

    `sms` comes from `app.notifications.templates.render`: the row keeps its text and which
    template (name and parameters) produced it. `send_at`/`expires_at` are UTC-aware instants.
    With an `idempotency_key` already used, nothing is added and None is returned.
    """
    if idempotency_key and _key_taken(idempotency_key):
        return None
    message = Message(direction="outbound", to_number=to_number, body=sms.text, purpose=purpose, status=MessageStatus.QUEUED,
                      template_name=sms.template.name if sms.template else None,
                      template_params=template_params(sms.template),
                      attempts=0, next_attempt_at=send_at or now, expires_at=expires_at,
                      idempotency_key=idempotency_key, visit_id=visit_id, user_id=user_id,
                      patient_id=getattr(patient, "id", None),
                      site_id=site_id if site_id is not None else getattr(patient, "site_id", None))
    db.session.add(message)
    db.session.flush()
    return message


def template_params(ref: TemplateRef | None) -> dict | None:
    """A TemplateRef as stored in `messages.template_params`:
    {"language": "zh", "params": [[variable, value], ...]} with the variables in declared order."""
    if ref is None:
        return None
    return {"language": ref.language, "params": [[name, value] for name, value in ref.params]}


def template_ref(message: Message) -> TemplateRef | None:
    """The TemplateRef a stored row was rendered from (None for rows written before templates)."""
    if not message.template_name:
        return None
    stored = message.template_params or {}
    return TemplateRef(message.template_name, stored.get("language", "zh"),
                       tuple((name, value) for name, value in stored.get("params", [])))


def stored_sms(message: Message) -> RenderedSms:
    """The queued row's text and template, as it was rendered when queued."""
    return RenderedSms(message.body, template_ref(message))


def _key_taken(key: str) -> bool:
    return db.session.scalar(select(Message.id).where(Message.idempotency_key == key)) is not None


def new_claim_token(owner: int | None = None) -> str:
    """A sweep's claim token; with `owner` (a live dispatcher's advisory-lock key) it starts
    with "o" + the owner in 8 hex digits, so a crash can be recognised (recover_orphans)."""
    if owner is None:
        return secrets.token_hex(16)
    return f"o{owner:08x}{secrets.token_hex(11)}"


# PostgreSQL advisory-lock namespace (pg_advisory_lock(int, int)) of live dispatchers.
OWNER_LOCK_NAMESPACE = 0x534D53  # "SMS"


def recover_orphans(now: datetime) -> int:
    """PostgreSQL: requeue "sending" rows whose dispatcher has died, without waiting for the
    lease. Each dispatcher holds a session advisory lock (OWNER_LOCK_NAMESPACE, owner) for its
    life; the server drops it when the process dies, so a row claimed under an owner whose
    lock is gone has no sender any more (issue 16, item 11). Returns how many."""
    if db.session.get_bind().dialect.name != "postgresql":
        return 0
    from sqlalchemy import text

    statement = text(
        "UPDATE messages SET status = 'queued', claim_token = NULL, lease_expires_at = NULL, next_attempt_at = :now "
        "WHERE status = 'sending' AND claim_token LIKE 'o%' AND NOT EXISTS ("
        " SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = CAST(:ns AS oid)"
        " AND objid = (('x' || substr(messages.claim_token, 2, 8))::bit(32)::bigint)::oid AND objsubid = 2)")
    return db.session.execute(statement, {"now": now, "ns": OWNER_LOCK_NAMESPACE}).rowcount


def claim_due(now: datetime, limit: int, token: str, policy: RetryPolicy = RetryPolicy()) -> list[int]:
    """Move up to `limit` due queued rows to "sending" under `token`; return their ids.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED locks exactly the rows returned, so
    concurrent sweeps take disjoint rows without waiting. SQLite ignores FOR UPDATE but runs
    one writer at a time; the UPDATE's own `status = 'queued'` re-check (with RETURNING)
    keeps a row another sweep took in between from being taken twice, on both databases.
    """
    due = db.session.scalars(
        select(Message.id)
        .where(Message.direction == "outbound", Message.status == MessageStatus.QUEUED, Message.next_attempt_at <= now)
        .order_by(Message.next_attempt_at, Message.id)
        .limit(limit)
        .with_for_update(skip_locked=True)).all()
    if not due:
        return []
    statement = (update(Message)
                 .where(Message.id.in_(due), Message.status == MessageStatus.QUEUED)
                 .values(status=MessageStatus.SENDING, claim_token=token, attempts=Message.attempts + 1,
                         lease_expires_at=lease_expires_at(now, policy))
                 .returning(Message.id)
                 .execution_options(synchronize_session=False))
    return sorted(db.session.execute(statement).scalars().all())


def recover_expired_leases(now: datetime) -> int:
    """Requeue rows whose sender died holding the lease; returns how many.

    A sender may have died after the provider accepted the message and before it recorded
    that: such a message is sent again. The lease (longer than any HTTP timeout) makes this
    the only way a message can go out twice.
    """
    statement = (update(Message)
                 .where(Message.status == MessageStatus.SENDING, Message.lease_expires_at <= now)
                 .values(status=MessageStatus.QUEUED, claim_token=None, lease_expires_at=None, next_attempt_at=now)
                 .execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount


def claimed(ids: list[int]) -> list[Message]:
    """The claimed rows, loaded for the send decision."""
    return db.session.scalars(select(Message).where(Message.id.in_(ids)).order_by(Message.id)).all()


def _settle(message_id: int, token: str, **values) -> bool:
    statement = (update(Message)
                 .where(Message.id == message_id, Message.claim_token == token)
                 .values(claim_token=None, lease_expires_at=None, **values)
                 .execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount == 1


def mark_sent(message_id: int, token: str, now: datetime, provider_sid: str | None, sms: RenderedSms) -> bool:
    """Record the provider's acceptance of `sms` (the text as sent: a reminder is rendered
    again at send time). A status callback may already have moved the row further
    (delivered), so the status only moves forward from "sending"."""
    forward = case((Message.status.in_(UNSENT), MessageStatus.SENT), else_=Message.status)
    return _settle(message_id, token, status=forward, provider_sid=provider_sid, sent_at=now, body=sms.text,
                   template_name=sms.template and sms.template.name,
                   template_params=template_params(sms.template), error_code=None, error_message=None)


def mark_sent_many(token: str, now: datetime, sent: list[tuple[int, str | None, RenderedSms]]) -> set[int]:
    """``mark_sent`` for several (message id, provider sid, sms) of one sweep, in two statements
    instead of one per message; returns the ids recorded (the others lost their lease).

    The rows still held under ``token`` are locked first (PostgreSQL: FOR UPDATE, so no lease
    recovery can take them before the commit), then settled by one executemany; the UPDATE
    re-checks the token, as ``_settle`` does.
    """
    if not sent:
        return set()
    held = set(db.session.scalars(select(Message.id).where(
        Message.id.in_([message_id for message_id, _, _ in sent]), Message.claim_token == token)
        .with_for_update()))
    rows = [{"message_id": message_id, "sid": sid, "text": sms.text,
             "template": sms.template and sms.template.name, "params": template_params(sms.template)}
            for message_id, sid, sms in sent if message_id in held]
    if rows:
        table = Message.__table__
        # (no IN list: executemany takes no expanding parameter)
        unsent = or_(*(table.c.status == status for status in UNSENT))
        forward = case((unsent, MessageStatus.SENT), else_=table.c.status)
        db.session.connection().execute(
            update(table).where(table.c.id == bindparam("message_id"), table.c.claim_token == token).values(
                status=forward, provider_sid=bindparam("sid", type_=String()), sent_at=now,
                body=bindparam("text", type_=Text()), template_name=bindparam("template", type_=String()),
                template_params=bindparam("params", type_=JSON()), claim_token=None, lease_expires_at=None,
                error_code=None, error_message=None),
            rows)
    return held


def mark_retry(message_id: int, token: str, at: datetime, error_code, error_message) -> bool:
    """Put the row back in the queue for another attempt at `at`."""
    return _settle(message_id, token, status=MessageStatus.QUEUED, next_attempt_at=at,
                   error_code=_code(error_code), error_message=error_message)


def mark_failed(message_id: int, token: str, error_code, error_message) -> bool:
    """A terminal failure: the provider refused, or no attempts are left."""
    return _settle(message_id, token, status=MessageStatus.FAILED, next_attempt_at=None,
                   error_code=_code(error_code), error_message=error_message)


def mark_cancelled(message_id: int, token: str, reason: str) -> bool:
    """Never to be sent (opted out, visit moved, moment passed…); the reason is kept."""
    return _settle(message_id, token, status=MessageStatus.CANCELLED, next_attempt_at=None, error_message=reason)


def mark_deferred(message_id: int, token: str, until: datetime, reason: str) -> bool:
    """Not now (quiet hours, daily budget): back to the queue without spending an attempt."""
    return _settle(message_id, token, status=MessageStatus.QUEUED, next_attempt_at=until, attempts=Message.attempts - 1,
                   error_message=reason)


def _code(error_code) -> str | None:
    return None if error_code is None else str(error_code)
