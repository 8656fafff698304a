"""Benchmark: planning one patient's two years, and shifting it after a delay.

Run: .venv/bin/python bench/plan_schedule.py   (target: under 2 ms per plan)
Data: C1D1s spread over 2024-2027 and a random site load, generated with a fixed seed.
"""

import gc
import random
import statistics
import sys
import time
import timeit
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.schedules.calendar import ClinicCalendar  # noqa: E402
from app.schedules.planning import plan_schedule  # noqa: E402
from app.schedules.protocol import default_protocol  # noqa: E402
from app.schedules.shifting import shift_treatment  # noqa: E402

RUNS = 2000


def _inputs(seed=20251001):
    rng = random.Random(seed)
    c1d1s = [date(2024, 1, 1) + timedelta(days=rng.randrange(4 * 365)) for _ in range(RUNS)]
    booked = {(date(2024, 1, 1) + timedelta(days=rng.randrange(5 * 365)), "haic"): rng.randint(1, 4)
              for _ in range(600)}
    return c1d1s, booked


def _time(function, arguments):
    """(mean, p95, min) in ms; the collector is paused while timing, as timeit does."""
    samples = []
    gc.disable()
    try:
        for argument in arguments:
            start = time.perf_counter()
            function(argument)
            samples.append((time.perf_counter() - start) * 1000)
    finally:
        gc.enable()
    samples.sort()
    return statistics.fmean(samples), samples[int(len(samples) * 0.95)], samples[0]


def _machine_reference_us():
    """Cost of one `date()` call: compare runs across machines and load."""
    return min(timeit.repeat(lambda: date(2025, 3, 3), number=100_000, repeat=5)) * 10


def main():
    protocol = default_protocol()
    c1d1s, booked = _inputs()
    start = time.perf_counter()
    cold = ClinicCalendar.for_protocol(protocol)
    plan_schedule(protocol, c1d1s[0], cold, booked)
    cold_ms = (time.perf_counter() - start) * 1000
    calendar = ClinicCalendar.for_protocol(protocol)
    for year in range(2023, 2031):
        calendar.is_open(date(year, 1, 1))  # warm the per-year holiday cache
    plans = {c1d1: plan_schedule(protocol, c1d1, calendar, booked) for c1d1 in c1d1s[:200]}
    rows = [
        ("plan_schedule (warm calendar)", _time(lambda d: plan_schedule(protocol, d, calendar, booked), c1d1s)),
        ("plan_schedule (no site load)", _time(lambda d: plan_schedule(protocol, d, calendar), c1d1s)),
        ("shift_treatment C03 +7 d", _time(lambda d: _shift(protocol, plans[d], calendar, booked), list(plans))),
    ]
    print(f"{'case':<32}{'mean ms':>10}{'p95 ms':>10}{'min ms':>10}")
    for name, (mean, p95, best) in rows:
        print(f"{name:<32}{mean:>10.3f}{p95:>10.3f}{best:>10.3f}")
    print(f"{'first plan, new calendar':<32}{cold_ms:>10.3f}  (incl. holidays' one-time setup)")
    print(f"visits per plan: {len(next(iter(plans.values())))}; runs: {RUNS}; "
          f"machine reference: date() = {_machine_reference_us():.3f} us")


def _shift(protocol, visits, calendar, booked):
    moved = next(v for v in visits if v.code == "C03-SINT")
    return shift_treatment(protocol, visits, "C03-SINT", moved.scheduled_date + timedelta(days=7),
                           calendar, booked)


if __name__ == "__main__":
    main()
