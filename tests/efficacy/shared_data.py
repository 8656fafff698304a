"""Locate /work/shared (``../shared`` beside the repository) for reference data."""
import csv
from pathlib import Path

from tests.support.shared import require_shared

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = REPO_ROOT / ".." / "shared"
LUNG_CSV = SHARED_DIR / "data" / "reference" / "lung_time_status.csv"


def lung_time_status() -> tuple[list[float], list[int]]:
    """R's ``lung`` data (time in days, dead 0/1); skips the test when absent."""
    require_shared(LUNG_CSV)
    with LUNG_CSV.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [float(r["time_days"]) for r in rows], [int(r["dead"]) for r in rows]
