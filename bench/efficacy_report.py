"""Benchmark: efficacy endpoints for synthetic patients (pure part; target < 1 s for 10,000).

Run: .venv/bin/python bench/efficacy_report.py [n_patients]

Each synthetic patient has a baseline with 1-3 target lesions (liver, sometimes a node),
protocol-scheduled scans (some missed, some with a lesion not evaluated) with a random
tumour trajectory until progression, contacts, and sometimes a death. Stages timed:
RECIST + endpoint derivation (the bulk path, ``derive_all_endpoints``), then
KM/Clopper-Pearson statistics.
"""
from __future__ import annotations

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.assessments.recist import Assessment, Lesion  # noqa: E402
from app.efficacy.derivation import PatientEndpointData, derive_all_endpoints  # noqa: E402
from app.efficacy.imaging import protocol_imaging_dates  # noqa: E402
from app.efficacy.report import efficacy_report  # noqa: E402

START = date(2024, 1, 1)
CUTOFF = date(2026, 6, 30)


def synthetic_patient(rng: random.Random, index: int) -> PatientEndpointData:
    """One plausible patient: baseline, scans on schedule, contacts and maybe death."""
    c1d1 = START + timedelta(days=rng.randrange(0, 540))
    baseline = _baseline(rng, c1d1)
    death = c1d1 + timedelta(days=int(rng.expovariate(1 / 400))) if rng.random() < 0.7 else None
    scans = [baseline, *_follow_ups(rng, c1d1, baseline, death)]
    contacts = tuple(c1d1 + timedelta(days=d) for d in range(21, 760, 21) if not death or
                     c1d1 + timedelta(days=d) < death)
    return PatientEndpointData(f"P{index:05d}", c1d1, CUTOFF, tuple(scans), death, contacts)


def _baseline(rng: random.Random, c1d1: date) -> Assessment:
    lesions = [Lesion(f"L{k}", "liver", False, float(rng.randint(12, 60))) for k in range(rng.randint(1, 2))]
    if rng.random() < 0.4:
        lesions.append(Lesion("N1", "node", True, float(rng.randint(15, 30))))
    return Assessment(c1d1 - timedelta(days=rng.randint(1, 27)), tuple(lesions), rng.choice(["none", "non_cr_non_pd"]))


def _follow_ups(rng: random.Random, c1d1: date, baseline: Assessment, death: date | None) -> list[Assessment]:
    trend = rng.uniform(-0.25, 0.2)  # relative change per scan
    sizes = {lesion.lesion_id: lesion.diameter_mm for lesion in baseline.target_lesions}
    scans = []
    for due in protocol_imaging_dates(c1d1, min(CUTOFF, death or CUTOFF)):
        if rng.random() < 0.08:
            continue  # missed scan
        sizes = {k: max(0.0, round(v * (1 + trend + rng.uniform(-0.05, 0.05)), 1)) for k, v in sizes.items()}
        scan = _scan(rng, due + timedelta(days=rng.randint(-7, 7)), baseline, sizes, trend)
        scans.append(scan)
        if scan.new_lesions or trend > 0.15 and len(scans) > 2:
            break  # progression: imaging stops
    return scans


def _scan(rng, when, baseline, sizes, trend) -> Assessment:
    lesions = tuple(
        Lesion(lesion.lesion_id, lesion.organ, lesion.nodal, None if rng.random() < 0.03 else sizes[lesion.lesion_id])
        for lesion in baseline.target_lesions)
    non_target = "none" if baseline.non_target == "none" else ("pd" if rng.random() < 0.03 else "non_cr_non_pd")
    return Assessment(when, lesions, non_target, new_lesions=trend > 0 and rng.random() < 0.1)


def run(n_patients: int, seed: int = 20240101) -> list[tuple[str, float]]:
    rng = random.Random(seed)
    patients = [synthetic_patient(rng, i) for i in range(n_patients)]
    started, cpu_started = time.perf_counter(), time.process_time()
    derived = derive_all_endpoints(patients)
    derived_at, cpu_derived_at = time.perf_counter(), time.process_time()
    report = efficacy_report(derived)
    finished, cpu_finished = time.perf_counter(), time.process_time()
    summary = report.as_dict()
    print(f"patients={n_patients} scans={sum(len(p.assessments) for p in patients)} "
          f"ORR={summary['orr']['rate']:.3f} ({summary['orr']['ci_lower']:.3f}-{summary['orr']['ci_upper']:.3f}) "
          f"OS median={summary['os']['median_days']} PFS median={summary['pfs']['median_days']} "
          f"follow-up median={summary['median_follow_up_days']}")
    return [("derivation (RECIST + OS/PFS/DOR/TTR)", derived_at - started, cpu_derived_at - cpu_started),
            ("statistics (KM x5, reverse KM, Clopper-Pearson x2)", finished - derived_at,
             cpu_finished - cpu_derived_at),
            ("total", finished - started, cpu_finished - cpu_started)]


def machine_speed_us() -> float:
    """Microseconds for a fixed pure-Python loop (about 0.4 us on an idle modern laptop)."""
    started = time.perf_counter()
    for _ in range(100_000):
        sum(x for x in range(10))
    return (time.perf_counter() - started) / 100_000 * 1e6


def main() -> None:
    n_patients = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    run(200)  # warm-up: lazy numpy/scipy imports are paid once, outside the timing
    print()
    rows = run(n_patients)
    # CPU time is shown beside wall time: on a shared machine the wall clock includes waiting.
    print(f"\n{'stage':<52} {'wall s':>8} {'cpu s':>8}")
    for stage, wall, cpu in rows:
        print(f"{stage:<52} {wall:>8.3f} {cpu:>8.3f}")
    print(f"{'per patient (total, microseconds)':<52} {rows[-1][1] / n_patients * 1e6:>8.1f} "
          f"{rows[-1][2] / n_patients * 1e6:>8.1f}")
    print(f"{'machine: sum(x for x in range(10)), microseconds':<52} {machine_speed_us():>8.2f}")
    print(f"{'machine: load average (1, 5, 15 min)':<52} {' '.join(f'{x:.2f}' for x in os.getloadavg()):>17}")


if __name__ == "__main__":
    main()
