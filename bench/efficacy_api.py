"""Benchmark: GET /api/v1/reports/efficacy over a database of synthetic patients.

Run: .venv/bin/python bench/efficacy_api.py [n_patients]   (default 10,000; SQLite temp file,
or DATABASE_URL for an empty migrated PostgreSQL database you can throw away)

Reuses the pure bench's patient generator, inserts patients, their C1D1 doses, scans with
their target lesions, death/contact events and three inbound SMS each with bulk INSERTs
(then ANALYZE on PostgreSQL, as autovacuum would), and times the report end to end through
the test client (queries + RECIST + derivation + statistics + JSON), after one warm-up
request. Prints the SQL statements per request and a markdown row for the README's table.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime, time as time_of_day, timedelta, timezone
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
    from app.models import Message, Patient, PatientEvent, Screening, TargetLesionMeasurement, TumorAssessment, Visit
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
    scans = [(i, a) for i, d in zip(ids, data) for a in d.assessments]
    db.session.execute(insert(TumorAssessment), [dict(id=n, patient_id=i, site_id=site.id, date=a.date,
                       non_target=a.non_target, new_lesions=a.new_lesions, created_at=NOW, updated_at=NOW, version=1)
                       for n, (i, a) in enumerate(scans, start=1)])
    db.session.execute(insert(TargetLesionMeasurement), [dict(assessment_id=n, position=k, lesion_id=l.lesion_id,
                       organ=l.organ, nodal=l.nodal, diameter_mm=l.diameter_mm, too_small_to_measure=False)
                       for n, (_, a) in enumerate(scans, start=1) for k, l in enumerate(a.target_lesions)])
    # C1D1 is the first dose given (Patient.c1d1): each patient's cycle-1 HAIC and sintilimab doses.
    db.session.execute(insert(Visit), [dict(patient_id=i, site_id=site.id, protocol_version="NCT06184841-v1",
                       code=f"C01-{kind[:4].upper()}", kind=kind, cycle=1, anchor="c1d1", target_date=d.c1d1,
                       window_start=d.c1d1, window_end=d.c1d1, scheduled_date=d.c1d1, status="completed",
                       actual_date=d.c1d1, dose_mg=200.0, panels=[], flags=[], created_at=NOW, updated_at=NOW,
                       version=1) for i, d in zip(ids, data) for kind in ("haic", "sintilimab")])
    events = [dict(patient_id=i, type="contact", date=c) for i, d in zip(ids, data) for c in d.contact_dates]
    events += [dict(patient_id=i, type="death", date=d.death_date) for i, d in zip(ids, data) if d.death_date]
    db.session.execute(insert(PatientEvent), [e | dict(created_at=NOW, updated_at=NOW, version=1) for e in events])
    # A few texts from each patient, late in the UTC evening: the next day at the site (proof of life).
    db.session.execute(insert(Message), [dict(direction="inbound", patient_id=i, site_id=site.id, to_number="+861088196114",
                       from_number=f"+86139{i:08d}", body="ok", purpose="patient", status="received",
                       received_at=datetime.combine(d.c1d1 + timedelta(days=days), time_of_day(23, 30),
                       tzinfo=timezone.utc),
                       created_at=NOW, updated_at=NOW) for i, d in zip(ids, data) for days in (7, 14, 28)])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy import create_engine

        admin = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        admin.dispose()
    print(f"patients={n_patients} scans={sum(len(d.assessments) for d in data)} events={len(events)}")


def main() -> None:
    n_patients = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory(prefix="haic-bench-") as scratch:  # the SQLite file goes with it
        run(n_patients, os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3")


def run(n_patients: int, url: str) -> None:
    from sqlalchemy import event

    from app.extensions import db

    app = build(url)
    with app.app_context():
        started = time.perf_counter()
        populate(n_patients)
        print(f"populate: {time.perf_counter() - started:.1f} s")
        engine = db.engine
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "coord", "password": "bench password 1"})
    headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    client.get("/api/v1/reports/efficacy?cutoff=2026-06-30", headers=headers)  # warm-up (lazy imports)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    timings, cpu = [], []
    for _ in range(5):
        statements.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/api/v1/reports/efficacy?cutoff=2026-06-30", headers=headers)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    body = response.get_json()
    print(f"status={response.status_code} n_treated={body['n_treated']} OS median={body['os']['median_days']} "
          f"ORR={body['orr']['rate']:.3f}")
    # CPU time beside wall time: on a shared machine the wall clock includes waiting (SQLite reads are local,
    # PostgreSQL's work is in its own processes and shows only in the wall time).
    best, median, load = min(timings), sorted(timings)[len(timings) // 2], os.getloadavg()
    print(f"GET /reports/efficacy: wall best {best:.3f} s, median {median:.3f} s; cpu best {min(cpu):.3f} s; "
          f"{len(statements)} SQL statements per request")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in load)}")
    database = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
    print(f"| `efficacy_api.py` | `GET /reports/efficacy` over {n_patients:,} patients ({database}) | "
          f"best {best:.2f} s, median {median:.2f} s (CPU {min(cpu):.2f} s), {len(statements)} SQL per request "
          f"(load {load[0]:.1f}) | < 1 s |")


if __name__ == "__main__":
    main()
