"""The inbox: every inbound SMS and provider receipt is stored first, then processed (the
outbox's twin).

Accepting (`accept_inbound`, `accept_receipt`) is one INSERT … ON CONFLICT DO NOTHING in a
session and transaction of its own, committed before the webhook answers 2xx: nothing the
provider handed over depends on processing succeeding. A provider redelivering the same
message finds its (channel, provider_ref) taken and nothing happens twice.

When the database cannot take the row at all, the payload goes to a local durable spool (one
JSON file per message, written to a temporary name, fsynced and renamed, so a reader never
sees half a file) and is replayed into the inbox by `replay_spool` when the database is back;
the (channel, provider_ref) key makes a replay repeated after a crash harmless.

Processing (`process_inbox`) claims due rows with a lease, like the outbox, and handles each
in one transaction that also marks the row done: a crash before that commit leaves the row
to be retried, never half-applied, so each message is processed exactly once. A failure
rolls back, keeps the row (and the patient-visible Message row) and retries with backoff;
after INBOX_MAX_ATTEMPTS the row is "failed" and an `inbox_failure` alert opens.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.common.audit import log_change
from app.extensions import db
from app.models import Alert, InboxEntry
from app.models.base import record_now

log = logging.getLogger(__name__)
ACTOR = "sms-inbox"
TEXT, RECEIPT = "text", "receipt"
PENDING, PROCESSING, DONE, FAILED = "pending", "processing", "done", "failed"
FAILURE_ALERT = "inbox_failure"
DEFAULT_MAX_ATTEMPTS = 5
# Processing one text takes milliseconds; a processor that died (or lost the database) while
# holding rows gives them back after this long.
LEASE = timedelta(seconds=60)
_DATABASE_RETRY = timedelta(seconds=5)
_BACKOFF_BASE = timedelta(seconds=15)
_BACKOFF_MAX = timedelta(minutes=30)


@dataclass
class InboxStats:
    recovered: int = 0
    claimed: int = 0
    done: int = 0
    retried: int = 0
    failed: int = 0
    lost_lease: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


# --- accepting ---------------------------------------------------------------------------------

def accept_inbound(*, channel: str, from_number: str, to_number: str | None, body: str, received_at: datetime,
                   provider_ref: str, raw: dict | None = None) -> int | None:
    """Store one inbound text and commit it in a transaction of its own.

    Returns the inbox row's id, or None when (channel, provider_ref) was already stored (a
    provider's redelivery) or when the database was unavailable and the text was written to
    the local spool instead (`replay_spool` stores it later). Either way the caller answers
    2xx. Raises OSError only when neither the database nor the spool could take it.
    """
    values = dict(kind=TEXT, channel=channel, provider_ref=provider_ref, from_number=from_number,
                  to_number=to_number, body=body or "", received_at=received_at, raw=raw)
    return _accept(values)


def accept_receipt(*, channel: str, provider_sid: str, status: str, error_code: str | None, received_at: datetime,
                   raw: dict | None = None) -> int | None:
    """Store one delivery receipt (provider status callback) like `accept_inbound`.

    Receipts are deduplicated on (channel, provider_sid, status): "sent" then "delivered"
    for one message are two receipts, the same "delivered" twice is one. `raw` may carry
    {"message_id": <our id>} from the callback URL, to find a row whose SID is not known yet.
    """
    values = dict(kind=RECEIPT, channel=channel, provider_ref=f"{provider_sid}:{status}"[:120],
                  provider_sid=provider_sid, provider_status=status,
                  error_code=None if error_code is None else str(error_code), received_at=received_at, raw=raw)
    return _accept(values)


def _accept(values: dict) -> int | None:
    try:
        return insert_entry(values)
    except DBAPIError as error:  # connection refused, server gone, timeout: keep it locally
        log.warning("inbox: database unavailable (%s); spooling %s %s", type(error).__name__,
                    values["channel"], values["provider_ref"])
        write_spool(values)
        return None


def insert_entry(values: dict, engine=None) -> int | None:
    """INSERT the row unless its key exists; commits; returns the new id or None."""
    engine = engine or db.engine
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    row = {**values, "state": PENDING, "attempts": 0, "next_attempt_at": values["received_at"],
           "created_at": record_now()}
    statement = (dialect.insert(InboxEntry).values(**row)
                 .on_conflict_do_nothing(index_elements=["channel", "kind", "provider_ref"])
                 .returning(InboxEntry.id))
    with Session(engine) as session, session.begin():
        return session.execute(statement).scalar()


# --- the local spool ---------------------------------------------------------------------------

def spool_dir() -> Path:
    """INBOX_SPOOL_DIR, by default `<instance folder>/inbox-spool`."""
    configured = current_app.config.get("INBOX_SPOOL_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "inbox-spool"


def write_spool(values: dict, directory: Path | None = None) -> Path:
    """Write one payload durably: temp file, fsync, atomic rename, fsync of the directory."""
    directory = directory or spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    payload = {**values, "received_at": values["received_at"].isoformat()}
    # arrival order survives a frozen or coarse clock: time, then a nanosecond counter
    name = f"{values['received_at'].strftime('%Y%m%dT%H%M%S%f')}-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.json"
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, directory / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    return directory / name


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replay_spool(directory: Path | None = None) -> int:
    """Store spooled payloads in the inbox, oldest first; returns how many files were taken.

    A file is deleted only after its row is committed (or found already stored), so a crash
    in between replays it again, harmlessly; two replayers at once store each key once.
    Stops at the first database error.
    """
    directory = directory or spool_dir()
    if not directory.is_dir():
        return 0
    taken = 0
    for path in sorted(directory.glob("[!.]*.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:  # another replayer (worker, job) took it: its key is stored
            continue
        payload["received_at"] = datetime.fromisoformat(payload["received_at"])
        try:
            insert_entry(payload)
        except DBAPIError:
            log.warning("inbox: database still unavailable; %s stays in the spool", path.name)
            break
        path.unlink(missing_ok=True)
        taken += 1
    return taken


def spooled_count(directory: Path | None = None) -> int:
    directory = directory or spool_dir()
    return len(list(directory.glob("[!.]*.json"))) if directory.is_dir() else 0


# --- processing --------------------------------------------------------------------------------

def max_attempts() -> int:
    return int(current_app.config.get("INBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def process_inbox(now: datetime, limit: int = 100) -> InboxStats:
    """Process up to `limit` due inbox rows, each in its own transaction; commits.

    Texts go to `app.notifications.inbound.process_text` (keywords, then the registered text
    handler), receipts to the status-callback logic. Returns counts of what happened.
    """
    stats = InboxStats()
    stats.recovered = _recover_expired_leases(now)
    token = secrets.token_hex(16)
    ids = _claim_due(now, limit, token)
    db.session.commit()
    stats.claimed = len(ids)
    for entry_id in ids:
        _process_one(entry_id, token, now, stats)
    return stats


def _recover_expired_leases(now: datetime) -> int:
    statement = (update(InboxEntry).where(InboxEntry.state == PROCESSING, InboxEntry.lease_expires_at <= now)
                 .values(state=PENDING, claim_token=None, lease_expires_at=None, next_attempt_at=now)
                 .execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount


def _claim_due(now: datetime, limit: int, token: str) -> list[int]:
    """Same pattern as outbox.claim_due: SKIP LOCKED on PostgreSQL, a re-checked UPDATE on both."""
    due = db.session.scalars(
        select(InboxEntry.id).where(InboxEntry.state == PENDING, InboxEntry.next_attempt_at <= now)
        .order_by(InboxEntry.received_at, InboxEntry.id).limit(limit).with_for_update(skip_locked=True)).all()
    if not due:
        return []
    statement = (update(InboxEntry).where(InboxEntry.id.in_(due), InboxEntry.state == PENDING)
                 .values(state=PROCESSING, claim_token=token, attempts=InboxEntry.attempts + 1,
                         lease_expires_at=now + LEASE)
                 .returning(InboxEntry.id).execution_options(synchronize_session=False))
    claimed = set(db.session.execute(statement).scalars().all())
    return [entry_id for entry_id in due if entry_id in claimed]  # the order they arrived in


def _process_one(entry_id: int, token: str, now: datetime, stats: InboxStats) -> None:
    from app.notifications import inbound

    try:
        _relax_commit_durability()
        entry = db.session.get(InboxEntry, entry_id)
        if entry.kind == TEXT:
            message = inbound.process_text(now, entry)
            values = {"message_id": message.id} if message is not None else {}
        else:
            inbound.process_receipt(now, entry)
            values = {}
        if not _settle(entry_id, token, state=DONE, processed_at=now, last_error=None, next_attempt_at=None,
                       **values):
            db.session.rollback()  # another sweep took it over: its result counts, not ours
            stats.lost_lease += 1
            return
        db.session.commit()
        stats.done += 1
    except Exception as error:  # any failure: keep the row, retry later, tell staff in the end
        db.session.rollback()
        log.exception("inbox row %s failed", entry_id)
        _record_failure(entry_id, token, now, error, stats)


def _relax_commit_durability() -> None:
    """PostgreSQL: a processing commit need not wait for the WAL flush. The inbox row itself
    was committed durably; a server crash that forgets a processing commit forgets its
    effects with it and leaves the row claimed, so it is processed again after its lease:
    still exactly once in the database (a reply already sent could go out twice)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def _settle(entry_id: int, token: str, **values) -> bool:
    statement = (update(InboxEntry).where(InboxEntry.id == entry_id, InboxEntry.claim_token == token)
                 .values(claim_token=None, lease_expires_at=None, **values)
                 .execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount == 1


def _record_failure(entry_id: int, token: str, now: datetime, error: Exception, stats: InboxStats) -> None:
    from app.notifications import inbound

    try:
        entry = db.session.get(InboxEntry, entry_id)
        message_id = entry.message_id
        if entry.kind == TEXT and message_id is None:
            message_id = inbound.store_message(entry).id  # the nurse sees the text even if handling fails
        error_text = f"{type(error).__name__}: {error}"[:2000]
        if isinstance(error, OperationalError):  # the database hiccuped, not this message: no attempt spent
            settled = _settle(entry_id, token, state=PENDING, last_error=error_text, message_id=message_id,
                              attempts=InboxEntry.attempts - 1, next_attempt_at=now + _DATABASE_RETRY)
            stats.retried += settled
        elif entry.attempts >= max_attempts():
            settled = _settle(entry_id, token, state=FAILED, last_error=error_text, next_attempt_at=None,
                              message_id=message_id)
            if settled:
                _open_failure_alert(now, entry, error_text)
                stats.failed += 1
        else:
            settled = _settle(entry_id, token, state=PENDING, last_error=error_text, message_id=message_id,
                              next_attempt_at=now + backoff(entry.attempts))
            stats.retried += settled
        db.session.commit()
    except Exception:  # the database itself is failing: the lease brings the row back
        db.session.rollback()
        log.exception("inbox row %s: could not record the failure", entry_id)


def backoff(attempt: int) -> timedelta:
    """Wait after failed attempt number `attempt` (1, 2, …): 15 s doubling, at most 30 min."""
    return min(_BACKOFF_BASE * 2 ** (max(attempt, 1) - 1), _BACKOFF_MAX)


def _open_failure_alert(now: datetime, entry: InboxEntry, error_text: str) -> Alert:
    from app.notifications.inbound import patient_for_number, site_for_number

    patient = patient_for_number(entry.from_number) if entry.kind == TEXT else None
    site = patient.site if patient else site_for_number(entry.to_number)
    what = f"text from {entry.from_number}: {entry.body!r}" if entry.kind == TEXT else \
        f"receipt {entry.provider_status} for {entry.provider_sid}"
    alert = Alert(patient_id=getattr(patient, "id", None), site_id=getattr(site, "id", None), kind=FAILURE_ALERT,
                  status="open", reasons=["inbox_failure"], opened_at=now, last_event_at=now, occurrences=1,
                  detail=f"Inbox row {entry.id} ({entry.channel} {what}) could not be processed after "
                         f"{entry.attempts} attempts; last error: {error_text}")
    db.session.add(alert)
    db.session.flush()
    log_change(ACTOR, now, "alert_opened", "alert", alert.id, after={"kind": FAILURE_ALERT, "inbox_id": entry.id},
               site_id=alert.site_id)
    return alert


def retry_failed(entry_id: int, now: datetime) -> bool:
    """Put a failed row back in the queue (after a fix); the caller commits."""
    statement = (update(InboxEntry).where(InboxEntry.id == entry_id, InboxEntry.state == FAILED)
                 .values(state=PENDING, attempts=0, next_attempt_at=now).execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount == 1


# --- health ------------------------------------------------------------------------------------

def health(now: datetime) -> dict:
    """API.md health's inbox fields: {"oldest_unprocessed_seconds", "failed"} (+ "spooled")."""
    from sqlalchemy import func

    oldest = db.session.scalar(select(func.min(InboxEntry.received_at)).where(
        InboxEntry.state.in_((PENDING, PROCESSING))))
    failed = db.session.scalar(select(func.count()).select_from(InboxEntry).where(InboxEntry.state == FAILED))
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)
    return {"oldest_unprocessed_seconds": None if oldest is None else max(0, int((now - oldest).total_seconds())),
            "failed": failed, "spooled": spooled_count()}


# --- processing soon after the webhook ---------------------------------------------------------

class _Worker:
    """One daemon thread per process that drains the inbox when a webhook has stored something.

    The webhook only sets an event: its 2xx never waits for processing. The scheduler's job
    remains the safety net (a crash here loses nothing: the rows are in the database).
    """

    def __init__(self, app):
        self.app = app
        self.wake = threading.Event()
        self.stopping = False
        self.pid = os.getpid()
        self.thread = threading.Thread(target=self._run, name="inbox-worker", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from app.common.clock import utcnow

        while not self.stopping:
            self.wake.wait(timeout=30)
            self.wake.clear()
            if self.stopping:
                return
            try:
                with self.app.app_context():
                    replay_spool()
                    while process_inbox(utcnow(), limit=50).claimed:
                        pass
                    db.session.remove()
            except Exception:
                log.exception("inbox worker sweep failed; the scheduler's job will retry")


_workers: dict[int, _Worker] = {}
_workers_lock = threading.Lock()


def stop_worker(app) -> None:
    """Stop this process's inbox worker for `app` (tests; a process exit stops it anyway)."""
    with _workers_lock:
        worker = _workers.pop(id(app), None)
    if worker is not None:
        worker.stopping = True
        worker.wake.set()
        worker.thread.join(timeout=10)


def process_soon() -> None:
    """After a webhook stored something: process it now (INBOX_PROCESSING="inline", tests),
    in this process's background worker ("background", the default) or only in the
    scheduler's job ("job")."""
    mode = current_app.config.get("INBOX_PROCESSING", "background")
    if mode == "inline":
        from app.common.clock import utcnow

        try:
            process_inbox(utcnow(), limit=50)
        except DBAPIError:  # stored (or spooled) already: the answer stays 2xx, the job retries
            db.session.rollback()
            log.warning("inbox: inline processing failed; left for the job", exc_info=True)
    elif mode == "background":
        app = current_app._get_current_object()
        with _workers_lock:
            worker = _workers.get(id(app))
            if worker is None or worker.pid != os.getpid():  # forked: threads do not survive fork
                worker = _workers[id(app)] = _Worker(app)
        worker.wake.set()
