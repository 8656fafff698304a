"""Issue 16, item 7: /health is liveness, /health/system sees the scheduler, the outbox and
the inbox; `flask ops status` prints the same. The job_runs and inbox tables come from other
migrations (seams, inbox); the tests create their shape when it is missing."""
from datetime import timedelta

import pytest

from app.models.job_run import HEARTBEAT
from app.notifications.templates import RenderedSms
from sqlalchemy import inspect, text

from tests.conftest import FROZEN_NOW

JOB_RUNS = ("CREATE TABLE job_runs (name VARCHAR(64) PRIMARY KEY, last_started_at TIMESTAMP WITH TIME ZONE, "
            "last_finished_at TIMESTAMP WITH TIME ZONE, last_status VARCHAR(12), last_summary TEXT)")
INBOX = ("CREATE TABLE inbox (id INTEGER PRIMARY KEY, state VARCHAR(12) NOT NULL, "
         "received_at TIMESTAMP WITH TIME ZONE NOT NULL)")


@pytest.fixture
def system_tables(app):
    """job_runs and inbox as the other migrations create them (created here if missing)."""
    from app.extensions import db

    created = []
    for name, ddl in (("job_runs", JOB_RUNS), ("inbox", INBOX)):
        if not inspect(db.engine).has_table(name):
            db.session.execute(text(ddl))
            created.append(name)
    db.session.commit()
    yield
    db.session.rollback()
    for name in created:
        db.session.execute(text(f"DROP TABLE {name}"))
    db.session.commit()


def beat(at, name=HEARTBEAT):
    from app.extensions import db

    db.session.execute(text("DELETE FROM job_runs WHERE name = :n"), {"n": name})
    db.session.execute(text("INSERT INTO job_runs (name, last_started_at, last_finished_at, last_status) "
                            "VALUES (:n, :at, :at, 'ok')"), {"n": name, "at": at})
    db.session.commit()


def test_scheduler_death_turns_system_health_503_within_two_beats(client, clock, system_tables):
    beat(FROZEN_NOW)
    beat(FROZEN_NOW - timedelta(seconds=20), "outbox-sweep")
    healthy = client.get("/health/system")
    assert healthy.status_code == 200, healthy.get_json()
    body = healthy.get_json()
    assert body["scheduler"]["jobs"]["outbox-sweep"].startswith("2026-03-02T00:59:40")
    assert set(body) >= {"status", "database", "version", "scheduler", "outbox", "inbox"}
    clock.set(FROZEN_NOW + timedelta(seconds=119))
    assert client.get("/health/system").status_code == 200
    clock.set(FROZEN_NOW + timedelta(seconds=121))  # two 60-second beats missed
    dead = client.get("/health/system")
    assert dead.status_code == 503 and "scheduler" in dead.get_json()["problems"][0]
    assert client.get("/health").status_code == 200  # liveness: the app and its database answer


def test_an_urgent_page_waiting_too_long_is_503_but_quiet_hours_are_not(client, clock, system_tables, app):
    from app.extensions import db
    from app.notifications.outbox import enqueue

    beat(FROZEN_NOW + timedelta(minutes=10))
    enqueue(to_number="+8613800000001", sms=RenderedSms("held for quiet hours", None), purpose="reminder",
            now=FROZEN_NOW, send_at=FROZEN_NOW + timedelta(hours=8))
    enqueue(to_number="+8613800000002", sms=RenderedSms("page", None), purpose="alert", now=FROZEN_NOW)
    db.session.commit()
    clock.set(FROZEN_NOW + timedelta(seconds=100))
    body = client.get("/health/system").get_json()
    assert body["outbox"]["oldest_due_seconds"] == 100 and body["status"] == "ok"
    clock.set(FROZEN_NOW + timedelta(seconds=121))
    late = client.get("/health/system")
    assert late.status_code == 503 and "page" in " ".join(late.get_json()["problems"])


def test_failed_inbox_messages_are_503_and_ops_status_says_so(app, client, system_tables):
    from app.extensions import db

    beat(FROZEN_NOW)
    db.session.execute(text("INSERT INTO inbox (id, kind, channel, provider_ref, state, received_at, attempts, "
                            "created_at) VALUES (1, 'text', 'twilio', 'SM1', 'failed', :at, 5, :at), "
                            "(2, 'text', 'twilio', 'SM2', 'pending', :at, 0, :at)"),
                       {"at": FROZEN_NOW - timedelta(seconds=30)})
    db.session.commit()
    response = client.get("/health/system")
    assert response.status_code == 503
    assert response.get_json()["inbox"] == {"oldest_unprocessed_seconds": 30, "failed": 1}
    result = app.test_cli_runner().invoke(args=["ops", "status"])
    assert result.exit_code == 1 and "inbox" in result.output and "PROBLEM" in result.output

