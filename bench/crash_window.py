"""Benchmark (issue 16, item 11): duplicates and the resend window after the dispatcher is
killed mid-sweep, with the production lease sizing.

Run: .venv/bin/python bench/crash_window.py [--messages 400] [--url postgresql+psycopg://...]
     (default: the database `haic_crash_bench` on 127.0.0.1, dropped and recreated here)

One dispatcher process with the scheduler's settings (batch SMS_DISPATCH_BATCH=16, 8 send
threads, HTTP timeout 10 s, lease retry.lease_for(10, 16, 8) = 30 s) sends N messages to the
fake Twilio (50 ms per send); it is SIGKILLed once 40 % are sent and a new one is started at
once, as a process supervisor would. Reported: messages sent twice, and the window — seconds
from the kill until the last message went out (the dead dispatcher's rows are requeued as soon
as its advisory lock is gone, outbox.recover_orphans; the lease is the fallback).
"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sms_dispatch import recreate, queue, status_counts  # noqa: E402
from tests.notifications.fake_twilio import FakeTwilio  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/haic_crash_bench"


def run(url: str, count: int, kill_share: float = 0.4) -> dict:
    from app.notifications.retry import lease_for

    batch, threads, timeout = 16, 8, 10.0
    lease = lease_for(timeout, batch, threads).total_seconds()
    queue(url, count)
    with FakeTwilio(latency_seconds=0.05) as fake:
        def start(stderr=subprocess.DEVNULL):
            return subprocess.Popen([sys.executable, "-m", "tests.notifications.dispatch_worker", url, fake.url,
                                     "--lease", str(lease), "--timeout", str(timeout), "--batch", str(batch),
                                     "--threads", str(threads)],
                                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)

        worker = start()
        while len(fake.messages) < count * kill_share:
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = time.perf_counter()
        worker = start(stderr=subprocess.PIPE)
        last_count, last_change = len(fake.messages), killed_at
        while worker.poll() is None:
            if len(fake.messages) != last_count:
                last_count, last_change = len(fake.messages), time.perf_counter()
            time.sleep(0.01)
        if len(fake.messages) != last_count:
            last_change = time.perf_counter()
        errors = worker.stderr.read().decode(errors="replace")
        if worker.returncode:
            print("restarted worker failed:", errors[-3000:], file=sys.stderr)
        sends = Counter(m["body"] for m in fake.messages)
        order = [m["body"] for m in fake.messages]
        twice = [b for b, n in sends.items() if n > 1]
        positions = sorted((order.index(b), len(order) - 1 - order[::-1].index(b)) for b in twice)
    return {"messages": count, "lease_s": lease, "distinct_sent": len(sends),
            "sent_twice": sum(n - 1 for n in sends.values()),
            "window_s": round(last_change - killed_at, 1), "statuses": status_counts(url),
            "first_and_second_send_positions": positions}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--url", default=DEFAULT_URL)
    args = parser.parse_args()
    recreate(args.url)
    print("crash window:", run(args.url, args.messages))


if __name__ == "__main__":
    main()
