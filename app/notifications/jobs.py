"""Notification jobs: plan visit reminders, sweep the outbox (registered with @job)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from app.common.jobs import job
from app.notifications.dispatcher import Dispatcher
from app.notifications.reminders import plan_reminders

OUTBOX_SWEEP = timedelta(seconds=30)
REMINDER_PLANNING = timedelta(minutes=10)
_dispatchers = {}  # one per app: its thread pool and HTTP sessions live as long as the process


@job("outbox-sweep", every=OUTBOX_SWEEP)
def sweep_outbox(now: datetime, batch_size: int | None = None) -> dict:
    """Send what is due in the outbox (also recovers abandoned leases)."""
    if batch_size is not None:  # a one-off sweep (the CLI): its own dispatcher, closed after
        dispatcher = Dispatcher.from_app(batch_size=batch_size)
        try:
            return dispatcher.sweep().as_dict()
        finally:
            dispatcher.close()
    app = current_app._get_current_object()
    return _dispatchers.setdefault(id(app), Dispatcher.from_app(app)).sweep().as_dict()


@job("reminder-planning", every=REMINDER_PLANNING)
def plan_due_reminders(now: datetime) -> dict:
    """Queue the visit reminders due soon (their text is decided again at send time)."""
    return {"planned": plan_reminders(now)}


INBOX_SWEEP = timedelta(seconds=15)  # the safety net behind the web process's own processing, and retries


@job("inbox", every=INBOX_SWEEP)
def process_inbox(now: datetime) -> dict:
    """Replay texts spooled while the database was down, then process the inbox (retries too).
    Each text commits with its effects (the inbox's own transactions, like the outbox sweep)."""
    from app.notifications import inbox

    replayed = inbox.replay_spool()
    return {**inbox.process_inbox(now, limit=500).as_dict(), "replayed": replayed}

