"""The one job registry: run_job commits or rolls back, records each run, and the CLI and
the scheduler read the same registry."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.common import jobs, jobs_cli
from app.extensions import db
from app.models import AuditEntry, JobRun
from tests.conftest import FROZEN_NOW


@pytest.fixture
def scratch_jobs():
    """Test-only jobs, removed again afterwards so the registry stays the product's."""
    added = []

    def add(name, body):
        jobs.job(name, every=timedelta(minutes=1))(body)
        added.append(name)

    yield add
    for name in added:
        jobs._REGISTRY.pop(name)


def _write_audit(now, fail=False):
    db.session.add(AuditEntry(at=now, actor="scheduler", action="test", entity="job", entity_id="1"))
    db.session.flush()
    if fail:
        raise RuntimeError("boom")
    return {"written": 1}


def test_a_run_commits_and_is_recorded(app, scratch_jobs, clock):
    scratch_jobs("test-ok", _write_audit)
    assert jobs.run_job(app, "test-ok") == {"written": 1}
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry).filter_by(action="test")).all()
    row = db.session.get(JobRun, "test-ok")
    assert (row.last_status, row.last_summary, row.last_started_at, row.last_finished_at) == (
        "ok", "written 1", FROZEN_NOW, FROZEN_NOW)
    assert jobs.last_runs()["test-ok"]["status"] == "ok"


def test_a_failing_run_rolls_back_and_is_recorded(app, scratch_jobs):
    scratch_jobs("test-fails", lambda now: _write_audit(now, fail=True))
    with pytest.raises(RuntimeError):
        jobs.run_job(app, "test-fails")
    db.session.rollback()
    assert db.session.scalars(select(AuditEntry).filter_by(action="test")).all() == []
    row = db.session.get(JobRun, "test-fails")
    assert (row.last_status, row.last_summary) == ("failed", "RuntimeError: boom")


def test_a_name_is_registered_once():
    with pytest.raises(ValueError):
        jobs.job("outbox-sweep", every=timedelta(seconds=1))(lambda now: {})


def test_heartbeat(app, clock):
    assert jobs.last_beat() is None
    jobs.run_job(app, jobs.HEARTBEAT_JOB)
    db.session.rollback()
    assert jobs.last_beat() == FROZEN_NOW


def test_cli_lists_and_runs_the_registry(app):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()] == [j.name for j in jobs.registered()]
    ran = runner.invoke(args=["jobs", "run", "overdue-visits"])
    assert (ran.exit_code, ran.output) == (0, "overdue-visits: flagged 0\n")
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code == 2


def test_the_scheduler_runs_exactly_the_registry(app):
    from scheduler import build_scheduler

    scheduled = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert set(scheduled) == {j.name for j in jobs.registered()}
    assert {"outbox-sweep", "reminder-planning", "overdue-visits", "checkin-planning", "sae-deadlines",
            "abandoned-symptom-dialogues", "scheduler-heartbeat", "labs-readiness", "inbox",
            "urgent-reply-watch", "idempotency-purge"} == set(scheduled)
    assert scheduled["outbox-sweep"].trigger.interval == timedelta(seconds=30)


@pytest.mark.parametrize("args, output", [
    (["checkins", "plan"], "queued 0 check-in(s)\n"),
    (["symptoms", "close-abandoned"], "closed 0 abandoned symptom dialogue(s)\n"),
    (["adverse-events", "check-deadlines"], "opened 0 sae_deadline alert(s)\n"),
])
def test_the_old_command_names_run_the_same_jobs(app, args, output):
    result = app.test_cli_runner().invoke(args=args)
    assert (result.exit_code, result.output) == (0, output)
    db.session.rollback()
    assert db.session.get(JobRun, jobs_cli.ALIASES[tuple(args)][0]).last_status == "ok"
