"""Several dispatcher processes on PostgreSQL, some killed mid-sweep: every message goes out,
and only a crash between the provider's answer and the commit can send one twice."""
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models import Message

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 800
WORKERS = 3
KILLS = 2
LEASE_SECONDS = 4  # short, so killed workers' rows come back within the test


def start_worker(url, fake, log_dir):
    # A file, not a pipe: a worker blocked on a full pipe would sit on its row locks.
    log = open(log_dir / f"worker-{time.monotonic_ns()}.log", "wb")
    return subprocess.Popen([sys.executable, "-m", "tests.notifications.dispatch_worker", url, fake.url,
                             "--lease", str(LEASE_SECONDS), "--batch", "20", "--threads", "4"],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=log)


def queue_messages(now, count):
    rows = [{"direction": "outbound", "to_number": "+8613800000000", "body": f"message {i}", "purpose": "system",
             "status": "queued", "attempts": 0, "next_attempt_at": now, "created_at": now, "updated_at": now}
            for i in range(count)]
    db.session.execute(insert(Message), rows)
    db.session.commit()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="needs PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite runs one claiming writer")
def test_killed_dispatchers_lose_nothing_and_duplicate_only_in_flight(app, clock, fake_twilio, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    queue_messages(clock.now(), MESSAGES)
    db.session.remove()
    rng = random.Random(4)
    workers = [start_worker(url, fake_twilio, tmp_path) for _ in range(WORKERS)]
    for share in (0.2, 0.5)[:KILLS]:  # kill mid-sweep, at random once this share has been sent
        _wait_until_sent(int(MESSAGES * share) + rng.randrange(50))
        victim = workers.pop(rng.randrange(len(workers)))
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        workers.append(start_worker(url, fake_twilio, tmp_path))
    _join(workers, tmp_path)

    statuses = _statuses()
    assert statuses == {"sent": MESSAGES}
    sends = Counter(m["body"] for m in fake_twilio.messages)
    assert len(sends) == MESSAGES  # every message reached the provider
    duplicates = sum(n - 1 for n in sends.values())
    in_flight_per_kill = 4 + 20  # a worker's send threads plus its claimed batch
    print(f"\n{MESSAGES} messages, {KILLS} kills: {duplicates} sent twice (crash after the provider answered)")
    assert duplicates <= KILLS * in_flight_per_kill
    # Only lease recovery re-sends: every row sent twice was claimed more than once.
    attempts = dict(db.session.execute(select(Message.body, Message.attempts)).all())
    assert all(attempts[body] >= 2 for body, n in sends.items() if n > 1)


def _join(workers, log_dir):
    """Wait for every worker to finish its sweep (exit 0, else its logs); kill any left over."""
    try:
        for worker in workers:
            assert worker.wait(timeout=120) == 0, _logs(log_dir)
    finally:
        for worker in workers:
            worker.kill()


def _statuses() -> dict:
    return dict(db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all())


def _logs(log_dir):
    return "\n".join(path.read_text(errors="replace")[-1000:] for path in sorted(log_dir.glob("*.log")))


def _wait_until_sent(count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = db.session.scalar(select(func.count()).select_from(Message).where(Message.status == "sent"))
        db.session.rollback()
        if sent >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} messages sent after {timeout} s")


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="needs PostgreSQL (FOR UPDATE SKIP LOCKED); SQLite runs one claiming writer")
def test_two_dispatchers_share_the_outbox_and_never_send_twice(app, clock, fake_twilio, tmp_path):
    """Two processes sweeping the same outbox at once (the way to double throughput): each
    message reaches the provider exactly once and is claimed once."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    count = 400
    queue_messages(clock.now(), count)
    db.session.remove()
    workers = [start_worker(url, fake_twilio, tmp_path) for _ in range(2)]
    _join(workers, tmp_path)

    statuses = _statuses()
    assert statuses == {"sent": count}
    sends = Counter(m["body"] for m in fake_twilio.messages)
    assert len(sends) == count and set(sends.values()) == {1}
    attempts = dict(db.session.execute(select(Message.body, Message.attempts)).all())
    assert set(attempts.values()) == {1}  # claimed once each: no lease ran out, nothing was taken twice
    # Each worker's own count of sends adds up to the messages: none was recorded by both.
    assert sum(json.loads(line)["sent"] for line in _worker_totals(tmp_path)) == count


def _worker_totals(log_dir):
    """Each worker's last stderr line: its sweep totals as JSON."""
    return [path.read_text().strip().splitlines()[-1] for path in sorted(log_dir.glob("*.log"))]
