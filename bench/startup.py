"""Benchmark: API process start time and memory, with and without the statistics loaded.

Run: .venv/bin/python bench/startup.py [repeats]

Each measurement is a fresh interpreter that builds the app (all blueprints) and reports
its wall time and peak RSS; the second variant also imports what the first efficacy
report pulls in (numpy, scipy.stats, matplotlib's Agg backend), showing what lazy imports
save every web worker that never draws a curve.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json, resource, sys, time
started = time.perf_counter()
from app.factory import build_app
from config import TestingConfig
build_app(TestingConfig())
app_done = time.perf_counter()
if {load_stats}:
    import numpy, scipy.stats, matplotlib.figure, matplotlib.backends.backend_agg
done = time.perf_counter()
print(json.dumps({{"seconds": done - started, "app_seconds": app_done - started,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "heavy": sorted(m for m in ("numpy", "scipy", "matplotlib") if m in sys.modules)}}))
"""


def probe(load_stats: bool) -> dict:
    code = PROBE.format(load_stats=load_stats)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"{'variant':<34} {'start s (median)':>17} {'peak RSS MB':>12}  heavy modules")
    for label, load_stats in (("API only (lazy statistics)", False), ("API + statistics loaded", True)):
        runs = [probe(load_stats) for _ in range(repeats)]
        seconds = statistics.median(r["seconds"] for r in runs)
        rss = statistics.median(r["rss_mb"] for r in runs)
        print(f"{label:<34} {seconds:>17.3f} {rss:>12.1f}  {', '.join(runs[0]['heavy']) or '-'}")


if __name__ == "__main__":
    main()
