"""The one job registry: scheduled jobs declare themselves with `@job`; `scheduler.py` and
`flask jobs run NAME` read the registry (indico's `modules/*/tasks.py` is the model).

A job body is `fn(now, **options) -> dict[str, int]`: it calls services and returns counts of
what it did ({"planned": 12} or {"sent": 40, "failed": 2}). `run_job` owns everything around
it: the app context, the commit (or the rollback when the body raises), a log line saying
what the run did, and the job's row in `job_runs` (last start, finish, status, summary), so
`/health` can tell whether the scheduler is alive. Bodies never commit (the outbox sweep is
the exception: its claims and results are their own transactions by design).

    @job("overdue-visits", every=timedelta(hours=1), cli_alias=None)
    def flag_overdue_visits(now): ...

Public API: `job`, `registered()`, `get(name)`, `run_job(app, name, now=None, **options)`,
`summarise(counts)`, `last_runs()`, `last_beat()`, HEARTBEAT_JOB.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from app.common.clock import utcnow
from app.extensions import db
from app.models.job_run import HEARTBEAT as HEARTBEAT_JOB, JobRun

log = logging.getLogger(__name__)
ACTOR = "scheduler"  # the audit actor of every scheduled job

OK, FAILED, RUNNING = "ok", "failed", "running"
_REGISTRY: dict[str, "Job"] = {}


@dataclass(frozen=True)
class Job:
    """A registered job: its fixed name (the scheduler's job id), how often it runs, its body."""

    name: str
    every: timedelta
    body: Callable[..., dict]
    description: str


def job(name: str, *, every: timedelta) -> Callable:
    """Register the decorated body under `name`, to run every `every`; the first docstring
    line is its description in `flask jobs list`. A second job with the same name raises."""

    def register(body: Callable[..., dict]) -> Callable[..., dict]:
        if name in _REGISTRY and _REGISTRY[name].body is not body:
            raise ValueError(f"job {name!r} is registered twice")
        description = " ".join((body.__doc__ or "").strip().split("\n\n")[0].split())
        _REGISTRY[name] = Job(name, every, body, description)
        return body

    return register


def registered() -> list[Job]:
    """Every registered job, by name."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get(name: str) -> Job:
    """The job called `name`; KeyError naming the known jobs otherwise."""
    if name not in _REGISTRY:
        raise KeyError(f"no job {name!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def run_job(app, name: str, now: datetime | None = None, **options) -> dict:
    """Run job `name` once in its own app context and transaction; return its counts.

    Commits what the body did, or rolls it back and re-raises when the body raises; either
    way the run is recorded in `job_runs` and logged. `now` defaults to the app's clock.
    """
    with app.app_context():
        entry = get(name)
        started = now or utcnow()
        _record(name, last_started_at=started, last_status=RUNNING)
        try:
            counts = entry.body(started, **options) or {}
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            log.exception("job %s failed", name)
            _record(name, last_finished_at=utcnow(), last_status=FAILED, last_summary=f"{type(error).__name__}: {error}")
            raise
        summary = summarise(counts)
        _record(name, last_finished_at=utcnow(), last_status=OK, last_summary=summary)
        log.log(logging.INFO if any(counts.values()) else logging.DEBUG, "job %s: %s", name, summary)
        return counts


def summarise(counts: dict) -> str:
    """"planned 12, sent 40, failed 2" (or "nothing to do")."""
    return ", ".join(f"{key} {value}" for key, value in counts.items()) or "nothing to do"


def _record(name: str, **values) -> None:
    """Update the job's row in its own short transaction (the body's work is not in it)."""
    row = db.session.get(JobRun, name) or JobRun(name=name)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.add(row)
    db.session.commit()


def last_runs() -> dict[str, dict]:
    """{job name: {"started_at", "finished_at", "status", "summary"}} for every job that ran
    (timestamps UTC-aware or None). For /health; call inside an app context."""
    return {row.name: {"started_at": row.last_started_at, "finished_at": row.last_finished_at,
                       "status": row.last_status, "summary": row.last_summary}
            for row in db.session.scalars(db.select(JobRun).order_by(JobRun.name))}


def last_beat() -> datetime | None:
    """When the scheduler process last beat (the heartbeat job's last finish), or None."""
    row = db.session.get(JobRun, HEARTBEAT_JOB)
    return row.last_finished_at if row else None


@job(HEARTBEAT_JOB, every=timedelta(seconds=30))
def heartbeat(now: datetime) -> dict:
    """The scheduler is alive: its row in job_runs is the heartbeat /health reads."""
    return {}
