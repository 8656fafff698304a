"""Benchmark: outbox dispatch against the loopback fake Twilio, on PostgreSQL.

Run: .venv/bin/python bench/sms_dispatch.py [--messages 10000] [--url postgresql+psycopg://...]
     (default URL: the database `haic_sms_bench` on 127.0.0.1, dropped and recreated here —
     never the test suite's shared `test` database)

1. Throughput: one dispatcher process (a pool of send threads; the answers that have
   arrived recorded together, accepted sends in one executemany), then two at once, send N
   queued messages (two per number: one number's messages go out in order) with the fake
   answering at 0 ms and at 50 ms latency. Targets: 200 and 100 messages/s. Prints README rows.
2. Crashes: N messages, four dispatcher processes, some SIGKILLed mid-sweep and restarted.
   Every message must be sent; those sent twice (a crash between the provider's answer and
   the commit) are counted.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from sms_gateway_throughput import fake_server  # noqa: E402
from tests.notifications.fake_twilio import FakeTwilio  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/haic_sms_bench"


def recreate(url: str) -> None:
    from tests.support.database import upgrade

    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    upgrade(url)


def queue(url: str, count: int, per_recipient: int = 2) -> None:
    """``count`` due messages, ``per_recipient`` to each number (one recipient's messages are sent
    one after another, in order; different recipients in parallel)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM messages"))
        conn.execute(text(
            "INSERT INTO messages (direction, to_number, body, purpose, status, attempts, next_attempt_at,"
            " created_at, updated_at) SELECT 'outbound', '+86138' || lpad(((g - 1) / :per)::text, 8, '0'),"
            " 'bench message ' || g, 'system', 'queued', 0, now() - interval '1 minute', now(), now()"
            " FROM generate_series(1, :n) g"), {"n": count, "per": per_recipient})
    engine.dispose()


def status_counts(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT status, count(*) FROM messages GROUP BY status")).all())
    engine.dispose()
    return counts


def throughput(url: str, count: int, latency: float, threads: int, processes: int = 1) -> float:
    """Messages sent per second when ``processes`` dispatchers sweep ``count`` queued messages at
    once (each in its own process, timed from a common start once all have started)."""
    queue(url, count)
    context = multiprocessing.get_context("spawn")
    # The fake in a child process: its own GIL, as a real provider would be.
    with fake_server(int(latency * 1000), in_process=False) as (fake_config, stop_fake):
        ready, go, results = context.Barrier(processes + 1), context.Event(), context.Queue()
        workers = [context.Process(target=_dispatch, args=(url, fake_config, threads, ready, go, results))
                   for _ in range(processes)]
        for worker in workers:
            worker.start()
        ready.wait(timeout=120)
        started = time.perf_counter()
        go.set()
        sent = sum(results.get(timeout=600) for _ in workers)
        elapsed = time.perf_counter() - started
        for worker in workers:
            worker.join(timeout=60)
        stop_fake()
    if sent != count:  # e.g. a connection reset by the loaded fake: retried later, after the sweep
        print(f"  {count - sent} of {count} messages not sent in the sweep (retryable errors): {status_counts(url)}")
    return sent / elapsed


def _dispatch(url, fake_config, threads, ready, go, results) -> None:
    """One dispatcher process: build the app, wait for the start, sweep until nothing is due."""
    from app.factory import build_app
    from app.notifications.dispatcher import Dispatcher
    from app.notifications.gateways.twilio import TwilioGateway
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.LOG_LEVEL = "WARNING"
    app = build_app(config)
    with app.app_context():
        gateway = TwilioGateway.from_config(fake_config)
        dispatcher = Dispatcher(gateway, batch_size=100, max_workers=threads, status_callback_base=None)
        ready.wait(timeout=120)
        go.wait(timeout=120)
        stats = dispatcher.sweep()
        dispatcher.close()
        gateway.close()
    results.put(stats.sent)


def crashes(url: str, count: int, workers: int, kills: int, seed: int = 7) -> dict:
    queue(url, count)
    rng = random.Random(seed)
    with FakeTwilio() as fake:
        def start():
            return subprocess.Popen([sys.executable, "-m", "tests.notifications.dispatch_worker", url, fake.url,
                                     "--lease", "4", "--batch", "25", "--threads", "4"],
                                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        started = time.perf_counter()
        running = [start() for _ in range(workers)]
        for _ in range(kills):
            time.sleep(rng.uniform(1.0, 3.0))
            victim = running.pop(rng.randrange(len(running)))
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            running.append(start())
        for worker in running:
            worker.wait(timeout=600)
        elapsed = time.perf_counter() - started
        sends = Counter(m["body"] for m in fake.messages)
    return {"elapsed_s": round(elapsed, 1), "statuses": status_counts(url), "distinct_sent": len(sends),
            "sent_twice": sum(n - 1 for n in sends.values()), "kills": kills}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--no-crash-test", action="store_true", help="throughput only")
    args = parser.parse_args()
    recreate(args.url)
    rows = []
    for processes in (1, 2):
        rates = [throughput(args.url, args.messages, latency, args.threads, processes) for latency in (0.0, 0.05)]
        load = os.getloadavg()[0]
        for latency, rate in zip((0, 50), rates):
            print(f"throughput, {processes} dispatcher(s), fake latency {latency} ms: {args.messages} messages, "
                  f"{rate:.0f} messages/s (load {load:.1f})")
        rows.append(f"| `sms_dispatch.py` | outbox dispatcher on PostgreSQL, {processes} process(es) x {args.threads} "
                    f"send threads, {args.messages:,} messages to {args.messages // 2:,} numbers | "
                    f"{rates[0]:.0f}/s at 0 ms, {rates[1]:.0f}/s at 50 ms (load {load:.1f}) | 200 / 100 per s |")
    print("\n".join(rows))
    if not args.no_crash_test:
        print("crash test:", crashes(args.url, args.messages, workers=4, kills=args.kills))


if __name__ == "__main__":
    main()
