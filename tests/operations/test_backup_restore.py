"""The backup procedure of docs/deploy.md, tested: pg_dump, drop, pg_restore, and the API
answers the same from the restored database (issue 17 item 6). PostgreSQL only."""
import os
import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")
    or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs PostgreSQL (TEST_DATABASE_URL) and the pg_dump/pg_restore client tools")


def libpq(url) -> str:
    """A SQLAlchemy URL as the libpq URI the PostgreSQL tools take."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _answers(client, headers, admin_headers, patient_id):
    paths = [f"/api/v1/patients/{patient_id}", f"/api/v1/patients/{patient_id}/visits",
             f"/api/v1/patients/{patient_id}/symptom-reports", "/api/v1/alerts", "/api/v1/visits",
             "/api/v1/reports/safety"]
    answers = {path: client.get(path, headers=headers) for path in paths}
    answers["audit"] = client.get(f"/api/v1/audit?entity=schedule&id={patient_id}", headers=admin_headers)
    assert all(r.status_code == 200 for r in answers.values()), {p: r.status_code for p, r in answers.items()}
    return {path: r.get_json() for path, r in answers.items()}


def test_dump_drop_restore_and_the_api_answers_the_same(app, nurse, admin, enroll, clock, tmp_path):
    from app.factory import build_app
    from config import TestingConfig

    patient = enroll()
    assert nurse.post(f"/api/v1/patients/{patient['id']}/symptom-reports", json={
        "received_at": clock.now().isoformat(), "items": [{"ctcae_term": "Nausea", "patient_grade": 2}]}).status_code == 201
    headers = {"Authorization": f"Bearer {nurse.token}"}
    admin_headers = {"Authorization": f"Bearer {admin.token}"}
    before = _answers(app.test_client(), headers, admin_headers, patient["id"])

    source = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    dump = tmp_path / "haic.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", libpq(source)], check=True)
    target = source.set(database=f"{source.database}_restore")
    server = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq(target)}", str(dump)],
                       check=True)
        config = TestingConfig()
        config.SQLALCHEMY_DATABASE_URI = target.render_as_string(hide_password=False)
        restored = build_app(config, clock=clock)
        with restored.app_context():
            after = _answers(restored.test_client(), headers, admin_headers, patient["id"])
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
        assert after == before
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        server.dispose()
