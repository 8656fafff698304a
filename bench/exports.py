"""Benchmark: the full data export at 10,000 patients — time and peak memory per export.

Run: .venv/bin/python bench/exports.py [n_patients]   (default 10,000; SQLite temp file, or
DATABASE_URL for an empty migrated PostgreSQL database you can throw away)

Reuses bench/efficacy_api.py's synthetic trial (patients, scans, deaths, contacts) and adds a
completed HAIC and sintilimab dose at C1D1 and two adverse events per patient. Each export is
timed through the test client (wall and CPU), then run once more under tracemalloc for the
peak of Python allocations (tracing slows it, so that run is not timed).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from efficacy_api import NOW, build, populate  # noqa: E402

EXPORTS = ("/api/v1/exports/adsl", "/api/v1/exports/adtte", "/api/v1/exports/sdtm?format=csv",
           "/api/v1/exports/sdtm?format=xpt", "/api/v1/exports/sdtm?format=dataset-json", "/api/v1/exports/fhir",
           "/api/v1/reports/safety.xlsx")


def add_adverse_events() -> None:
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.models import AdverseEvent, AdverseEventGrade, Patient

    patients = db.session.execute(select(Patient.id, Patient.site_id, Patient.treatment_start)).all()
    terms = (("Nausea", "10028813", "Gastrointestinal disorders", 2), ("Fatigue", "10016256", "General disorders "
             "and administration site conditions", 1))
    db.session.execute(insert(AdverseEvent), [dict(patient_id=pid, site_id=site, ctcae_term=term, meddra_code=code,
                       soc=soc, ctcae_version="5.0", grade=grade, onset_date=c1d1, serious=False, seriousness_criteria=[],
                       attribution={"haic": "possible"}, action_taken={}, immune_related=False, aesi=False,
                       description="恶心", created_at=NOW, updated_at=NOW, version=1)
                       for pid, site, c1d1 in patients for term, code, soc, grade in terms])
    events = db.session.execute(select(AdverseEvent.id, AdverseEvent.grade, AdverseEvent.onset_date)).all()
    db.session.execute(insert(AdverseEventGrade), [dict(adverse_event_id=i, grade=g, effective_date=d, recorded_at=NOW)
                                                   for i, g, d in events])
    db.session.commit()


def main() -> None:
    n_patients = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory(prefix="haic-bench-") as scratch:
        run(n_patients, os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3")


def run(n_patients: int, url: str) -> None:
    app = build(url)
    with app.app_context():
        populate(n_patients)
        add_adverse_events()
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "coord", "password": "bench password 1"})
    headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    print(f"{'export':45} {'status':>6} {'bytes':>12} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for path in EXPORTS:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        tracemalloc.start()
        client.get(path, headers=headers)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{path:45} {response.status_code:>6} {len(response.data):>12,} {wall:>8.2f} {cpu:>8.2f} {peak:>9.0f}")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
