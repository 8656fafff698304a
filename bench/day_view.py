"""Benchmark: the nurse's day and week views over 10,000 patients and about a million visits,
on SQLite and PostgreSQL; and booking one new patient's two years on that loaded database.

Run:  .venv/bin/python bench/day_view.py --backend sqlite
      .venv/bin/python bench/day_view.py --backend postgresql \
          --pg-server postgresql+psycopg://postgres@127.0.0.1:5432/postgres
PostgreSQL uses its own database `haic_bench` (dropped and created here), never `test`.
Target: p95 under 50 ms per view request, a fixed number of SQL queries per request.
Every HAIC visit carries its `readiness` (issue 13): each session has a pre-cycle draw of the six
limited tests the day before (one in ten with platelets low enough to hold it), so the view reads
readiness from ~220,000 lab results (draws up to today); `--no-labs` leaves them out.

Data: 20 sites x 500 patients, C1D1 spread over three years around "today" (2026-03-02),
each planned by the real engine against its site's HAIC load; visits before today are
completed. Rows are bulk-inserted with SQLAlchemy Core. Requests go through the whole
Flask stack (auth, query, schema dump) with the test client.
"""
import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, insert, text  # noqa: E402

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
PASSWORD = "bench password 1"
REQUESTS = 300
CHUNK = 20_000


def main():
    args = _arguments()
    url = _database(args)
    app = _app(url)
    try:
        _run(app, args)
    finally:
        _drop(app, args, url)


def _run(app, args):
    with app.app_context():
        _migrate()
        started = time.perf_counter()
        visits, results = _load(args.sites, args.patients, labs=not args.no_labs)
        print(f"setup: {args.patients} patients, {visits} visits, {results} lab results in "
              f"{time.perf_counter() - started:.1f} s ({args.backend})")
        _analyze()
        client, site_codes = _client(app), [f"S{n:02d}" for n in range(args.sites)]
        for label, days in (("day view", 1), ("week view", 7)):
            _measure_view(app, client, site_codes, label, days)
        _measure_create_schedule()


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--no-labs", action="store_true", help="no lab results (readiness all labs_missing)")
    return parser.parse_args()


def _database(args) -> str:
    if args.backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='haic-bench-')}/bench.sqlite3"
    server = create_engine(args.pg_server, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS haic_bench"))
        conn.execute(text("CREATE DATABASE haic_bench"))
    server.dispose()
    return args.pg_server.rsplit("/", 1)[0] + "/haic_bench"


def _drop(app, args, url):
    """Leave nothing behind: the SQLite file or the `haic_bench` database."""
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if args.backend == "sqlite":
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
        return
    server = create_engine(args.pg_server, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS haic_bench WITH (FORCE)"))
    server.dispose()


def _app(url):
    from app.common.clock import FrozenClock
    from app.factory import build_app
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.ENROLLMENT_TARGET = 10**6
    # What building a page costs: with the response cache on, a repeated page is one read of
    # its generation (bench/mixed_workload.py measures that under gunicorn).
    config.VISIT_VIEW_CACHE_ENTRIES = 0
    return build_app(config, clock=FrozenClock(NOW))


def _migrate():
    from flask_migrate import upgrade

    upgrade(directory=str(ROOT / "migrations"))


def _load(site_count, patient_count, labs=True) -> tuple[int, int]:
    """Sites, a nurse per site, screenings, patients, their planned visits and pre-cycle labs
    (Core inserts). Returns (visits, lab results)."""
    from app.auth.services import create_user
    from app.extensions import db
    from app.sites.services import create_site

    sites = [create_site("bench", NOW, code=f"S{n:02d}", name=f"Site {n}", timezone="Asia/Shanghai",
                         phone=None, haic_daily_capacity=4, quiet_start="21:00",
                         quiet_end="08:00") for n in range(site_count)]
    for site in sites:
        create_user("bench", NOW, username=f"nurse-{site.code}", password=PASSWORD, role="nurse",
                    site_code=site.code)
    db.session.commit()
    rng = random.Random(20260302)
    patients = [_patient_row(n, sites[n % site_count], rng) for n in range(patient_count)]
    _insert("screenings", [_screening_row(p) for p in patients])
    _insert("patients", patients)
    total, results, sessions = 0, 0, []
    for site in sites:
        rows = _site_visits(site, [p for p in patients if p["site_id"] == site.id])
        _insert("visits", rows)
        total += len(rows)
        sessions += [row for row in rows if row["kind"] == "haic"]
    if labs:
        collections, lab_rows = _lab_rows(sessions, rng)
        _insert("lab_collections", collections)
        _insert("lab_results", lab_rows)
        results = len(lab_rows)
    return total, results


# Test -> (value, unit, uln, lln, value_si, times_uln): within the pre-cycle limits.
_PANEL = {"anc": (3.0, "10^9/L", None, 1.8, 3.0, None), "platelets": (180.0, "10^9/L", None, 125.0, 180.0, None),
          "alt": (30.0, "U/L", 40.0, None, 30.0, 0.75), "ast": (28.0, "U/L", 40.0, None, 28.0, 0.7),
          "total_bilirubin": (12.0, "µmol/L", 21.0, None, 12.0, 12 / 21),
          "creatinine": (70.0, "µmol/L", 106.0, None, 70.0, 70 / 106)}


def _lab_rows(sessions, rng):
    """A draw the day before each HAIC session that has come within its window (bulk rows)."""
    collections, results = [], []
    for session in sessions:
        day = session["scheduled_date"] - timedelta(days=1)
        if day > TODAY:
            continue
        collection_id = len(collections) + 1
        collections.append({"id": collection_id, "patient_id": session["patient_id"], "site_id": session["site_id"],
                            "collected_on": day, "version": 1, "created_at": NOW, "updated_at": NOW})
        low = rng.random() < 0.1
        for test, (value, unit, uln, lln, value_si, times_uln) in _PANEL.items():
            if test == "platelets" and low:
                value = value_si = 60.0
            results.append({"id": len(results) + 1, "collection_id": collection_id,
                            "patient_id": session["patient_id"], "collected_on": day, "test": test,
                            "value": value, "unit": unit, "uln": uln, "lln": lln, "value_si": value_si,
                            "unit_si": unit, "times_uln": times_uln, "created_at": NOW, "updated_at": NOW})
    return collections, results


def _patient_row(n, site, rng):
    c1d1 = TODAY + timedelta(days=rng.randrange(-730, 365))
    return {"id": n + 1, "site_id": site.id, "screening_id": n + 1, "study_id": f"{site.code}-{n:05d}",
            "initials": "".join(rng.choice("ABCDEFGHJKLMNPQRSTWXYZ") for _ in range(2)),
            "status": "on_treatment", "treatment_start": c1d1,
            "protocol_version": "NCT06184841-v1", "language": "zh", "phone": f"+86139{n:08d}",
            "sms_opted_out": False, "sms_unreachable": False, "enrolled_at": NOW,
            "version": 1, "created_at": NOW, "updated_at": NOW}


def _screening_row(patient):
    return {"id": patient["screening_id"], "site_id": patient["site_id"],
            "screened_on": patient["treatment_start"] - timedelta(days=7),
            "initials": patient["initials"], "sex": "male", "birth_date": date(1960, 1, 1),
            "facts": {}, "eligible": True, "criteria": [], "reasons_ineligible": [], "missing": [],
            "version": 1, "created_at": NOW, "updated_at": NOW}


def _site_visits(site, patients):
    """Plan each patient in enrollment order against the site's growing HAIC load."""
    from app.schedules.engine import plan_schedule
    from app.visits import engine_io as io

    protocol = io.protocol_named("NCT06184841-v1")
    calendar = io.calendar_for(site, protocol)
    booked, rows = Counter(), []
    for patient in sorted(patients, key=lambda p: p["treatment_start"]):
        for plan in plan_schedule(protocol, patient["treatment_start"], calendar, booked):
            booked[(plan.scheduled_date, plan.kind)] += 1
            rows.append(_visit_row(site, patient, plan))
    return rows


def _visit_row(site, patient, plan):
    done = plan.scheduled_date < TODAY
    return {"patient_id": patient["id"], "site_id": site.id, "protocol_version": "NCT06184841-v1",
            "code": plan.code, "kind": plan.kind, "cycle": plan.cycle, "anchor": plan.anchor,
            "target_date": plan.target_date, "window_start": plan.window_start,
            "window_end": plan.window_end, "scheduled_date": plan.scheduled_date,
            "status": "completed" if done else "scheduled",
            "actual_date": plan.scheduled_date if done else None,
            "panels": list(plan.panels), "flags": list(plan.flags),
            "version": 1, "created_at": NOW, "updated_at": NOW}


def _insert(table_name, rows):
    from app.extensions import db

    table = db.metadata.tables[table_name]
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])
    db.session.commit()
    if db.engine.dialect.name == "postgresql" and "id" in rows[0]:
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                                f"(SELECT max(id) FROM {table_name}))"))
        db.session.commit()


def _analyze():
    from app.extensions import db

    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _client(app):
    from tests.support.api_client import ApiClient

    client = app.test_client()
    tokens = {}

    def for_site(code):
        if code not in tokens:
            response = client.post("/api/v1/auth/token",
                                   json={"username": f"nurse-{code}", "password": PASSWORD})
            tokens[code] = ApiClient(client, response.get_json()["access_token"])
        return tokens[code]

    return for_site


def _measure_view(app, client, site_codes, label, days):
    from app.extensions import db

    rng = random.Random(days)
    samples, counts, sizes = [], Counter(), []

    def count(*_):
        counts["current"] += 1

    for code in site_codes:  # warm up: first requests fill caches and log the nurses in
        client(code).get("/api/v1/visits", query_string={"site": code})
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for _ in range(REQUESTS):
            code = rng.choice(site_codes)
            first = TODAY + timedelta(days=rng.randrange(-60, 120))
            query = {"site": code, "from": first.isoformat(),
                     "to": (first + timedelta(days=days - 1)).isoformat(), "limit": 2000}
            api, counts["current"] = client(code), 0
            started = time.perf_counter()
            response = api.get("/api/v1/visits", query_string=query)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.get_json()
            sizes.append(len(response.get_json()["items"]))
            counts[counts["current"]] += 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    del counts["current"]
    _report(label, samples, f"rows/request median {statistics.median(sizes):.0f} max {max(sizes)}; "
                            f"SQL queries per request {dict(counts)}")


def _measure_create_schedule():
    """Enrollment's booking step on the loaded database (load query + engine + inserts)."""
    from app.extensions import db
    from app.models import Patient
    from app.visits.services import create_schedule

    samples = []
    for n in range(100):
        patient = db.session.get(Patient, n + 1)
        # Re-book an existing patient from a new C1D1 (their rows are removed first, untimed),
        # then roll back: the database stays as loaded.
        patient.treatment_start = TODAY + timedelta(days=n)
        db.session.execute(text("DELETE FROM visits WHERE patient_id = :id"), {"id": patient.id})
        started = time.perf_counter()
        create_schedule("bench", NOW, patient)
        samples.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    _report("create_schedule (book one patient's two years against the site, DB)", samples, "")


def _report(label, samples, extra):
    samples = sorted(samples)
    p50 = samples[len(samples) // 2]
    p95 = samples[int(len(samples) * 0.95) - 1]
    load = os.getloadavg()[0]  # a shared machine: say how busy it was
    print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms "
          f"(n={len(samples)}, load {load:.1f} on {os.cpu_count()} CPUs) {extra}")


if __name__ == "__main__":
    main()
