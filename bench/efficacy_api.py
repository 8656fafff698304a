"""Benchmark: GET /api/v1/reports/efficacy over a database of synthetic patients.

Run: .venv/bin/python bench/efficacy_api.py [n_patients]   (default 10,000; SQLite temp file,
or DATABASE_URL for an empty migrated PostgreSQL database you can throw away)

Reuses the pure bench's patient generator, inserts patients, scans and death/contact
events with bulk INSERTs, then times the report end to end through the test client
(queries + RECIST + derivation + statistics + JSON), after one warm-up request.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from efficacy_report import synthetic_patient  # noqa: E402

NOW = datetime(2026, 7, 1, 4, 0, tzinfo=timezone.utc)


def build(url: str):
    from app.common.clock import FrozenClock
    from app.factory import build_app
    from config import TestingConfig
    from tests.support.database import upgrade

    upgrade(url)
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    return build_app(config, clock=FrozenClock(NOW))


def populate(n_patients: int) -> None:
    import random

    from sqlalchemy import insert

    from app.auth.services import create_user
    from app.extensions import db
    from app.models import Patient, PatientEvent, Screening, TumorAssessment
    from app.sites.services import create_site

    site = create_site("bench", NOW, code="BJ", name="Bench", timezone="Asia/Shanghai", phone="+861088196114",
                       haic_daily_capacity=4, quiet_start="21:00", quiet_end="08:00")
    create_user("bench", NOW, username="coord", password="bench password 1", role="coordinator", site_code="BJ")
    rng = random.Random(7)
    data = [synthetic_patient(rng, i) for i in range(n_patients)]
    ids = range(1, n_patients + 1)
    db.session.execute(insert(Screening), [dict(id=i, site_id=site.id, screened_on=d.c1d1, initials="SY", sex="male",
                       birth_date=d.c1d1.replace(year=1960), facts={}, eligible=True, criteria=[],
                       reasons_ineligible=[], missing=[], created_at=NOW, updated_at=NOW, version=1)
                       for i, d in zip(ids, data)])
    db.session.execute(insert(Patient), [dict(id=i, site_id=site.id, screening_id=i, study_id=d.patient_id,
                       initials="SY", status="on_treatment", treatment_start=d.c1d1,
                       protocol_version="NCT06184841-v1", language="zh", phone=f"+86139{i:08d}", enrolled_at=NOW,
                       sms_opted_out=False, sms_unreachable=False, created_at=NOW, updated_at=NOW, version=1)
                       for i, d in zip(ids, data)])
    db.session.execute(insert(TumorAssessment), [dict(patient_id=i, site_id=site.id, date=a.date, non_target=a.non_target,
                       new_lesions=a.new_lesions, target_lesions=[{"lesion_id": l.lesion_id, "organ": l.organ,
                       "nodal": l.nodal, "diameter_mm": l.diameter_mm} for l in a.target_lesions],
                       created_at=NOW, updated_at=NOW, version=1) for i, d in zip(ids, data) for a in d.assessments])
    events = [dict(patient_id=i, type="contact", date=c) for i, d in zip(ids, data) for c in d.contact_dates]
    events += [dict(patient_id=i, type="death", date=d.death_date) for i, d in zip(ids, data) if d.death_date]
    db.session.execute(insert(PatientEvent), [e | dict(created_at=NOW, updated_at=NOW, version=1) for e in events])
    db.session.commit()
    print(f"patients={n_patients} scans={sum(len(d.assessments) for d in data)} events={len(events)}")


def main() -> None:
    n_patients = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory(prefix="haic-bench-") as scratch:  # the SQLite file goes with it
        run(n_patients, os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3")


def run(n_patients: int, url: str) -> None:
    app = build(url)
    with app.app_context():
        started = time.perf_counter()
        populate(n_patients)
        print(f"populate: {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "coord", "password": "bench password 1"})
    headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    client.get("/api/v1/reports/efficacy?cutoff=2026-06-30", headers=headers)  # warm-up (lazy imports)
    timings, cpu = [], []
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/reports/efficacy?cutoff=2026-06-30", headers=headers)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    body = response.get_json()
    print(f"status={response.status_code} n_treated={body['n_treated']} OS median={body['os']['median_days']} "
          f"ORR={body['orr']['rate']:.3f}")
    # CPU time beside wall time: on a shared machine the wall clock includes waiting (SQLite reads are local).
    print(f"GET /reports/efficacy: wall best {min(timings):.3f} s, median {sorted(timings)[1]:.3f} s; "
          f"cpu best {min(cpu):.3f} s")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
