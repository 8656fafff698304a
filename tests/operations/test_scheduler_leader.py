"""Scheduler leader election with a PostgreSQL advisory lock (issue 17 item 6): two schedulers,
one runs the jobs; kill it, the other takes over at its next election tick (< 1 minute)."""
import os
import time

import pytest
from sqlalchemy import create_engine, text

from app.schedules.leader import ELECTION_SECONDS, Leader, only_when_leader

pytestmark = pytest.mark.skipif(not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
                                reason="advisory locks need PostgreSQL (set TEST_DATABASE_URL)")
TEST_KEY = 4242_0017  # not the production key: a scheduler on this machine must not interfere


@pytest.fixture
def engines():
    url = os.environ["TEST_DATABASE_URL"]
    made = [create_engine(url, pool_pre_ping=True) for _ in range(3)]
    yield made
    for engine in made:
        engine.dispose()


@pytest.fixture
def leaders(engines):
    """Two schedulers' leaders on separate engines; both give the lock back at the end."""
    made = [Leader(engines[0], TEST_KEY, "first"), Leader(engines[1], TEST_KEY, "second")]
    yield made
    for leader in made:
        leader.release()


def _backend_pid(leader):
    return leader._connection.execute(text("SELECT pg_backend_pid()")).scalar()


def _seconds_until_leading(leader, limit=10.0):
    """Tick `leader`'s election (fast, instead of every ELECTION_SECONDS) until it leads;
    returns how long the lock took to become free after the kill."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if leader.ensure():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError("the standby never took over")


def test_only_one_leads_and_the_other_takes_over_when_it_dies(engines, leaders):
    first, second = leaders
    assert first.ensure() is True
    assert second.ensure() is False
    runs = []
    jobs = {name: only_when_leader(lambda name=name: runs.append(name), leader)
            for name, leader in (("first", first), ("second", second))}
    for _ in range(3):  # both schedulers fire their jobs; only the leader's do anything
        jobs["first"](), jobs["second"]()
    assert runs == ["first"] * 3

    # Kill the leader's session as a crash would (its process gone, its connection with it).
    with engines[2].connect() as admin:
        assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": _backend_pid(first)}).scalar()
    freed_after = _seconds_until_leading(second)
    # The standby ticks every ELECTION_SECONDS: it leads at most that long after the lock is free.
    assert freed_after + ELECTION_SECONDS < 60
    assert first.ensure() is False  # the old leader notices on its next tick and stands by
    runs.clear()
    jobs["first"](), jobs["second"]()
    assert runs == ["second"]


def test_release_on_shutdown_hands_over(leaders):
    first, second = leaders
    assert first.ensure() and not second.ensure()
    first.release()
    assert second.ensure() is True


def test_the_scheduler_wires_the_election(app):
    from scheduler import build_scheduler

    leader = Leader(create_engine(os.environ["TEST_DATABASE_URL"]), TEST_KEY)
    scheduler = build_scheduler(app, leader)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert jobs["leader-election"].func == leader.ensure
    assert jobs["outbox-sweep"].func.__wrapped__.__name__ == "run_job"  # every registered job, through the runner
    assert jobs["outbox-sweep"].args[1] == "outbox-sweep"
    assert jobs["outbox-sweep"].func(app, "outbox-sweep") is None  # not the leader: the job does nothing
    leader.engine.dispose()
