"""Locate /work/shared (``../shared`` beside the repository) for reference data."""
import csv
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = REPO_ROOT / ".." / "shared"
LUNG_CSV = SHARED_DIR / "data" / "reference" / "lung_time_status.csv"


def lung_time_status() -> tuple[list[float], list[int]]:
    """R's ``lung`` data (time in days, dead 0/1); skips the test when absent."""
    if not LUNG_CSV.exists():
        pytest.skip(f"reference data not found at {LUNG_CSV} (../shared beside the checkout)")
    with LUNG_CSV.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [float(r["time_days"]) for r in rows], [int(r["dead"]) for r in rows]
