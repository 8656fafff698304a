"""GET /health (liveness) and GET /health/system (the whole system), and the figures behind
`flask ops status` (issue 16, item 7; API.md "Second wave").

Each figure comes from one small query function. Two of the tables they read are added by
other work and may not exist yet in a given database; the functions then report null
instead of failing:

- `job_runs` (seams migration): one row per job name with `last_started_at`,
  `last_finished_at`, `last_status`; the scheduler's heartbeat is the row named
  `app.models.job_run.HEARTBEAT` (its `last_finished_at`, or `last_started_at`).
- `inbox` (inbox work): `state` in pending | processing | done | failed, `received_at`.

Rules for /health/system (503): the scheduler missed two beats (no heartbeat for
SCHEDULER_STALE_AFTER_S, or never beat), a nurse page has been due for more than
URGENT_PAGE_MAX_WAIT_S, or the inbox holds failed messages. Messages held on purpose (quiet
hours, daily budget) have a future `next_attempt_at` and are not due.
"""
from datetime import datetime

from flask import current_app, jsonify
from sqlalchemy import func, inspect, select, text

from app.extensions import db
from app.models import Message

from app.models.job_run import HEARTBEAT  # noqa: E402  (the heartbeat job's row in job_runs)
PAGE_PURPOSE = "alert"  # app.alerts.services.PAGE_PURPOSE: SMS pages to the nurse on call


def _aware(value):
    from datetime import timezone

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def _seconds(now, then) -> int | None:
    return None if then is None else max(0, int((now - _aware(then)).total_seconds()))


def _has_table(name: str) -> bool:
    return inspect(db.engine).has_table(name)


def database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # the probe must answer even when the database does not
        db.session.rollback()
        return False


def scheduler_runs() -> dict | None:
    """{"last_beat": datetime|None, "jobs": {name: datetime|None}}, or None without job_runs."""
    if not _has_table("job_runs"):
        return None
    rows = db.session.execute(text(
        "SELECT name, last_started_at, last_finished_at FROM job_runs ORDER BY name")).all()
    jobs, last_beat = {}, None
    for name, started, finished in rows:
        at = _aware(finished) or _aware(started)
        if name == HEARTBEAT:
            last_beat = at
        else:
            jobs[name] = at
    return {"last_beat": last_beat, "jobs": jobs}


def outbox_state(now) -> dict:
    """Oldest due queued message (seconds) and messages whose sending lease has run out."""
    oldest = db.session.scalar(select(func.min(Message.next_attempt_at)).where(
        Message.direction == "outbound", Message.status == "queued", Message.next_attempt_at <= now))
    stuck = db.session.scalar(select(func.count()).select_from(Message).where(
        Message.status == "sending", Message.lease_expires_at <= now))
    return {"oldest_due_seconds": _seconds(now, oldest), "stuck_sending": stuck or 0}


def oldest_due_page_seconds(now) -> int | None:
    """How long the oldest nurse page still unsent has been due."""
    oldest = db.session.scalar(select(func.min(Message.next_attempt_at)).where(
        Message.direction == "outbound", Message.purpose == PAGE_PURPOSE,
        Message.status.in_(("queued", "sending")), Message.next_attempt_at <= now))
    return _seconds(now, oldest)


def inbox_state(now) -> dict:
    """Oldest unprocessed inbound message (seconds) and failed ones; nulls without `inbox`."""
    if not _has_table("inbox"):
        return {"oldest_unprocessed_seconds": None, "failed": None}
    oldest = db.session.execute(text(
        "SELECT min(received_at) FROM inbox WHERE state IN ('pending', 'processing')")).scalar()
    failed = db.session.execute(text("SELECT count(*) FROM inbox WHERE state = 'failed'")).scalar()
    return {"oldest_unprocessed_seconds": _seconds(now, oldest), "failed": failed or 0}


def report(now) -> dict:
    """The body shared by /health, /health/system and `flask ops status`."""
    config = current_app.config
    body = {"status": "ok", "database": "ok", "version": config.get("VERSION", "dev"),
            "scheduler": {"last_beat": None, "jobs": {}},
            "outbox": {"oldest_due_seconds": None, "stuck_sending": None},
            "inbox": {"oldest_unprocessed_seconds": None, "failed": None}}
    if not database_ok():
        body.update(status="unavailable", database="unavailable")
        return body
    try:
        runs = scheduler_runs()
        if runs is not None:
            body["scheduler"] = {"last_beat": runs["last_beat"] and runs["last_beat"].isoformat(),
                                 "jobs": {k: v and v.isoformat() for k, v in runs["jobs"].items()}}
        body["outbox"] = outbox_state(now)
        body["inbox"] = inbox_state(now)
        body["problems"] = system_problems(now, runs, body["inbox"])
    except Exception:  # a half-migrated database still answers liveness
        db.session.rollback()
        current_app.logger.exception("health figures failed")
        body["problems"] = ["health figures unavailable"]
    return body


def system_problems(now, runs, inbox) -> list[str]:
    """Why /health/system is 503 (empty when healthy)."""
    config = current_app.config
    problems = []
    stale_after = config["SCHEDULER_STALE_AFTER_S"]
    last_beat = runs and runs["last_beat"]
    if runs is not None and (last_beat is None or _seconds(now, last_beat) > stale_after):
        problems.append(f"scheduler: no heartbeat for more than {stale_after} s")
    waited = oldest_due_page_seconds(now)
    if waited is not None and waited > config["URGENT_PAGE_MAX_WAIT_S"]:
        problems.append(f"outbox: a nurse page has been due for {waited} s")
    if inbox.get("failed"):
        problems.append(f"inbox: {inbox['failed']} failed message(s)")
    return problems


def _now():
    from app.common.clock import utcnow

    return utcnow()


def liveness():
    """GET /health: 200 while the app and its database answer; 503 only for the database."""
    body = report(_now())
    body.pop("problems", None)
    response = jsonify(body)
    response.status_code = 200 if body["database"] == "ok" else 503
    if response.status_code == 503:
        response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "no-store"
    return response


def system():
    """GET /health/system: 503 when the database, the scheduler, the outbox or the inbox
    is in trouble (see module docstring); `problems` says why."""
    body = report(_now())
    healthy = body["database"] == "ok" and not body.get("problems")
    if not healthy and body["status"] == "ok":
        body["status"] = "degraded"
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def install(app):
    app.add_url_rule("/health", "health", liveness)
    app.add_url_rule("/health/system", "health_system", system)
