"""SMS gateway throughput: TwilioGateway (the real twilio client) → loopback fake Twilio.

The fake runs in a child process by default, so the client is not measured sharing a GIL
with the server. Sends N messages with a pool of K worker threads, with 0 ms and 50 ms of added server
latency, and prints messages/s. Targets: 200/s at 0 ms, 100/s at 50 ms.

    .venv/bin/python bench/sms_gateway_throughput.py [--messages 500] [--workers 8 16]
"""
from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from app.notifications.gateways.twilio import TwilioGateway  # noqa: E402
from tests.notifications.fake_twilio import FakeTwilio  # noqa: E402

TARGETS = {0: 200.0, 50: 100.0}  # added latency (ms) → messages/s wanted


def _serve(latency_seconds: float, pipe) -> None:
    # Child process: the fake gets its own interpreter (and GIL), as a real server would.
    with FakeTwilio(latency_seconds=latency_seconds) as fake:
        pipe.send(fake.config())
        pipe.recv()  # wait for "stop"
        pipe.send(len({r.client_port for r in fake.requests}))


@contextmanager
def fake_server(latency_ms: int, in_process: bool):
    """Yield (config, connections()) for a fake Twilio in this process or a child process."""
    if in_process:
        with FakeTwilio(latency_seconds=latency_ms / 1000) as fake:
            yield fake.config(), lambda: len({r.client_port for r in fake.requests})
        return
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(latency_ms / 1000, child))
    process.start()
    try:
        yield parent.recv(), lambda: parent.send("stop") or parent.recv()
    finally:
        process.join(timeout=10)


def run(messages: int, workers: int, latency_ms: int, in_process: bool) -> tuple[float, int, int]:
    """Send `messages` through `workers` threads; return (messages/s, failures, connections)."""
    with fake_server(latency_ms, in_process) as (config, connections):
        gateway = TwilioGateway.from_config(config)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda i: gateway.send("+8613800000000", "warm-up"), range(workers)))
            started = time.perf_counter()
            results = list(pool.map(lambda i: gateway.send("+8613800000000", f"reminder {i}"), range(messages)))
            elapsed = time.perf_counter() - started
        gateway.close()
        return messages / elapsed, sum(not r.ok for r in results), connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--in-process", action="store_true", help="run the fake in this process (shares the GIL)")
    args = parser.parse_args()
    print(f"{'latency':>8} {'workers':>8} {'messages':>9} {'msg/s':>9} {'target':>7} {'failed':>7} {'conns':>6}")
    for latency_ms, target in TARGETS.items():
        for workers in args.workers:
            rate, failed, connections = run(args.messages, workers, latency_ms, args.in_process)
            mark = "ok" if rate >= target else "below"
            print(f"{latency_ms:>6}ms {workers:>8} {args.messages:>9} {rate:>9.0f} {target:>7.0f} "
                  f"{failed:>7} {connections:>6}  {mark}")


if __name__ == "__main__":
    main()
