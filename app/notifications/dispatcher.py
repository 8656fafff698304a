"""The outbox sweep: recover abandoned leases, claim due rows, decide, send, record.

Each step is its own transaction: the claim commits before any send, so a crash leaves
rows in "sending" for lease recovery rather than losing them; each result commits as soon
as the provider answers, so at most the sends in flight at a crash can go out twice.
Sends run in a thread pool (the gateway is thread-safe); the database work stays on the
calling thread, inside its app context.
"""
from __future__ import annotations

import logging
import random
import secrets
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, text

from app.common.clock import utcnow
from app.extensions import db
from app.models import Message, Patient
from app.notifications import outbox, patient_sms
from app.notifications.gateways.base import Gateway, SendResult
from app.notifications.gateways.registry import make_gateway
from app.notifications.quiet_hours import local_day_bounds
from app.notifications.retry import RetryPolicy, lease_for, next_attempt_at, should_retry
from app.notifications.send_policy import DEFAULT_DAILY_BUDGET, decide
from app.notifications.templates import RenderedSms

log = logging.getLogger(__name__)
ACTOR = "sms-dispatcher"
_BUDGET_LOOKBACK = timedelta(hours=40)  # covers any local day around now, in any zone
# An urgent reply or a nurse page that the provider throttled or failed is retried as fast as
# allowed (PROTOCOL.md: it must reach the provider within 60 s), not on the 30 s-doubling policy.
URGENT_PURPOSES = frozenset({"urgent_reply", "alert"})
URGENT_RETRY = RetryPolicy(base_delay=timedelta(seconds=2), max_delay=timedelta(seconds=15), max_attempts=12)


@dataclass
class SweepStats:
    recovered: int = 0
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    deferred: int = 0
    lost_lease: int = 0
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "errors"}


class Dispatcher:
    """Sends due outbox rows with `gateway`; one instance per process, `sweep()` per tick."""

    def __init__(self, gateway: Gateway, *, status_callback_base: str | None = None, batch_size: int = 50,
                 max_workers: int = 8, policy: RetryPolicy = RetryPolicy(), daily_budget: int = DEFAULT_DAILY_BUDGET,
                 rng=random.random):
        self.gateway = gateway
        self.status_callback_base = status_callback_base
        self.batch_size = batch_size
        self.policy = policy
        self.daily_budget = daily_budget
        self.rng = rng
        self.pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="sms-send")
        self.owner: int | None = None  # PostgreSQL: advisory-lock key held while alive
        self._owner_connection = None

    @classmethod
    def from_app(cls, app=None, gateway: Gateway | None = None, **kwargs) -> "Dispatcher":
        """The scheduler's dispatcher. The lease is sized to the send timeout and the batch
        (retry.lease_for: 2 rounds × 10 s + 10 s = 30 s by default, was 5 minutes), so a
        crashed sweep's messages go out again within about half a minute."""
        config = (app or current_app).config
        base = config.get("PUBLIC_BASE_URL")
        batch = int(config.get("SMS_DISPATCH_BATCH", 16))
        workers = int(config.get("SMS_DISPATCH_THREADS", 8))
        lease = lease_for(float(config.get("SMS_SEND_TIMEOUT_S", 10)), batch, workers)
        kwargs.setdefault("batch_size", batch)
        kwargs.setdefault("max_workers", workers)
        kwargs.setdefault("policy", RetryPolicy(sending_lease=lease))
        return cls(gateway or make_gateway(config), status_callback_base=base and base.rstrip("/") + "/sms/status",
                   daily_budget=int(config.get("SMS_DAILY_BUDGET", DEFAULT_DAILY_BUDGET)), **kwargs)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        if self._owner_connection is not None:
            self._owner_connection.invalidate()  # really closed: the session (and lock) ends
            self._owner_connection.close()
            self._owner_connection = None

    def _hold_owner_lock(self) -> int | None:
        """PostgreSQL: hold a session advisory lock for as long as this dispatcher lives, on a
        connection of its own; its claim tokens name it, so another dispatcher can requeue
        our rows at once if we die (outbox.recover_orphans). A lost connection takes a new
        key: rows claimed under the old one may already have been requeued."""
        if db.session.get_bind().dialect.name != "postgresql":
            return None
        if self._owner_connection is not None:
            try:
                self._owner_connection.execute(text("SELECT 1"))
                return self.owner
            except Exception:
                self._owner_connection.invalidate()
                self._owner_connection = None
        owner = secrets.randbits(31)
        connection = db.engine.connect()
        connection.execute(text("SELECT pg_advisory_lock(:ns, :owner)"),
                           {"ns": outbox.OWNER_LOCK_NAMESPACE, "owner": owner})
        connection.commit()
        self._owner_connection, self.owner = connection, owner
        return owner

    def sweep(self, max_batches: int | None = None) -> SweepStats:
        """Recover leases, then claim and process batches until nothing is due (or `max_batches`)."""
        stats = SweepStats()
        owner = self._hold_owner_lock()
        stats.recovered = outbox.recover_expired_leases(utcnow()) + outbox.recover_orphans(utcnow())
        db.session.commit()
        batches = 0
        while max_batches is None or batches < max_batches:
            token = outbox.new_claim_token(owner)
            ids = outbox.claim_due(utcnow(), self.batch_size, token, self.policy)
            db.session.commit()
            if not ids:
                break
            stats.claimed += len(ids)
            self._process(ids, token, stats)
            batches += 1
        return stats

    def _process(self, ids: list[int], token: str, stats: SweepStats) -> None:
        to_send = self._decide_batch(ids, token, stats)
        db.session.commit()
        # One task per recipient sends that recipient's messages one after another, in the
        # order they were written (ids); different recipients go in parallel.
        by_recipient: dict[str, list[tuple]] = {}
        for message_id, attempts, to, sms, purpose in to_send:
            by_recipient.setdefault(to, []).append((message_id, attempts, sms, purpose))
        futures = {self.pool.submit(self._send_in_order, to, _by_id(rows)): _by_id(rows)
                   for to, rows in by_recipient.items()}
        pending = set(futures)
        while pending:
            # Record every answer that has arrived in one transaction: one commit per
            # result when sends are slow, fewer commits when they pour in.
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            _relax_commit_durability()
            accepted = []  # the usual answer, recorded for all at once (outbox.mark_sent_many)
            for future in done:
                for (message_id, attempts, sms, purpose), result in zip(futures[future], future.result()):
                    if result.ok:
                        accepted.append((message_id, result.provider_sid, sms))
                    else:
                        self._record(message_id, token, attempts, sms, result, stats, purpose)
            self._record_sent(accepted, token, stats)
            db.session.commit()

    def _send_in_order(self, to: str, rows: list[tuple]) -> list[SendResult]:
        return [self._send(to, sms, message_id) for message_id, _attempts, sms, _purpose in rows]

    def _decide_batch(self, ids, token, stats) -> list[tuple]:
        now = utcnow()
        messages = outbox.claimed(ids)
        patients = _patients(messages)
        sent_times = _recent_sends(patients, now)
        to_send = []
        for message in messages:
            patient = patients.get(message.patient_id)
            sent_today = _sent_today(sent_times, patient, now)
            decision = decide(message, patient, now, sent_today, self.daily_budget)
            if decision.action == "send":
                to_send.append((message.id, message.attempts, message.to_number, decision.sms, message.purpose))
                if patient is not None:
                    sent_times.setdefault(patient.id, []).append(now)
            elif decision.action == "cancel":
                stats.cancelled += outbox.mark_cancelled(message.id, token, decision.reason)
            else:
                stats.deferred += outbox.mark_deferred(message.id, token, decision.until, decision.reason)
        return to_send

    def _send(self, to: str, sms: RenderedSms, message_id: int) -> SendResult:
        callback = self.status_callback_base and f"{self.status_callback_base}?m={message_id}"
        try:
            return self.gateway.send(to, sms.text, status_callback_url=callback, template=sms.template)
        except ValueError as error:  # a number or body no provider accepts: retrying cannot help
            return SendResult(None, "failed", None, str(error))
        except Exception as error:  # a gateway bug must not lose the message: retry later
            log.exception("gateway raised for message %s", message_id)
            return SendResult(None, "failed", None, f"{type(error).__name__}: {error}", retryable=True)

    def _record(self, message_id, token, attempts, sms, result: SendResult, stats: SweepStats,
                purpose: str | None = None) -> None:
        now = utcnow()
        policy = URGENT_RETRY if purpose in URGENT_PURPOSES else self.policy
        if result.ok:
            settled = outbox.mark_sent(message_id, token, now, result.provider_sid, sms)
            stats.sent += settled
        elif should_retry(attempts, result.retryable, policy):
            at = next_attempt_at(now, attempts, True, self.rng(), policy)
            settled = outbox.mark_retry(message_id, token, at, result.error_code, result.error_message)
            stats.retried += settled
        else:
            settled = outbox.mark_failed(message_id, token, result.error_code, result.error_message)
            stats.failed += settled
            if settled:
                self._patient_consequences(message_id, now, result)
        if not settled:
            stats.lost_lease += 1
            log.warning("message %s: lease lost before its result was recorded", message_id)

    def _record_sent(self, accepted: list[tuple], token: str, stats: SweepStats) -> None:
        settled = outbox.mark_sent_many(token, utcnow(), accepted)
        stats.sent += len(settled)
        for message_id, _sid, _sms in accepted:
            if message_id not in settled:
                stats.lost_lease += 1
                log.warning("message %s: lease lost before its result was recorded", message_id)

    def _patient_consequences(self, message_id: int, now: datetime, result: SendResult) -> None:
        message = db.session.get(Message, message_id)
        patient = message.patient_id and db.session.get(Patient, message.patient_id)
        if not patient:
            return
        if result.opted_out:
            patient_sms.opt_out(ACTOR, now, patient, f"provider error {result.error_code}")
        elif result.unreachable:
            patient_sms.mark_unreachable(ACTOR, now, patient, result.error_code, result.error_message or "")


def _relax_commit_durability() -> None:
    """PostgreSQL: do not wait for the WAL flush when recording send results.

    A dispatcher crash loses nothing (the server has the commit); only a database server
    crash can forget the last fraction of a second of results, and those messages are then
    sent again after their lease, like any crash between the provider's answer and the
    commit. Claims keep full durability. This turns ~50 fsync-bound commits/s into hundreds.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _patients(messages) -> dict[int, Patient]:
    ids = {m.patient_id for m in messages if m.patient_id is not None}
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Patient).where(Patient.id.in_(ids)))}


def _recent_sends(patients: dict, now: datetime) -> dict[int, list[datetime]]:
    if not patients:
        return {}
    rows = db.session.execute(select(Message.patient_id, Message.sent_at).where(
        Message.direction == "outbound", Message.patient_id.in_(patients), Message.sent_at >= now - _BUDGET_LOOKBACK))
    sent: dict[int, list[datetime]] = {}
    for patient_id, sent_at in rows:
        sent.setdefault(patient_id, []).append(sent_at)
    return sent


def _sent_today(sent_times: dict, patient: Patient | None, now: datetime) -> int:
    """How many messages the patient got this local day (budget counting, in their zone)."""
    if patient is None:
        return 0
    day_start, day_end = local_day_bounds(now, patient.site.timezone)
    return sum(1 for sent in sent_times.get(patient.id, []) if day_start <= sent < day_end)


def _by_id(rows: list[tuple]) -> list[tuple]:
    """A recipient's messages in the order they were written (rows start with the message id)."""
    return sorted(rows, key=lambda row: row[0])
