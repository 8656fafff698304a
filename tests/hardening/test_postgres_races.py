"""PostgreSQL: concurrent guesses are counted exactly (item 1), one active patient per phone
under concurrent enrolment (item 5), concurrent Idempotency-Key retries get the stored
response (item 10)."""
import os
import threading

import pytest

from tests.conftest import PASSWORD
from tests.support.factories import patient_body, screening_body

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")]


def in_parallel(n, call):
    """Run call(i) in n threads released together; returns the results in order."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        results[i] = call(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_parallel_guesses_are_counted_exactly(app, make_user, monkeypatch):
    from app.auth import services

    make_user("staff0", "nurse")
    evaluated, lock = [], threading.Lock()
    real_verify = services.verify_password

    def counting_verify(password_hash, password):
        with lock:
            evaluated.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(services, "verify_password", counting_verify)
    statuses = in_parallel(40, lambda i: app.test_client().post(
        "/api/v1/auth/token", json={"username": "staff0", "password": f"wrong guess {i:03d}"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code)
    assert len(evaluated) == 5  # the limit, not 10 of 40
    assert sorted(statuses) == [401] * 5 + [429] * 35
    right = app.test_client().post("/api/v1/auth/token", json={"username": "staff0", "password": PASSWORD},
                                   environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert right.status_code == 200


def test_concurrent_enrolments_with_one_phone_create_one_patient(app, nurse):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Patient

    screenings = [nurse.post("/api/v1/screenings", json=screening_body(initials="P" + "ABCDEF"[i])).get_json()["id"]
                  for i in range(6)]
    headers = {"Authorization": f"Bearer {nurse.token}"}
    statuses = in_parallel(6, lambda i: app.test_client().post(
        "/api/v1/patients", json=patient_body(screenings[i], phone="+8613912345678"), headers=headers).status_code)
    assert sorted(statuses) == [201] + [409] * 5
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Patient).where(
        Patient.phone == "+8613912345678")) == 1


def test_concurrent_retry_with_one_key_gets_the_stored_response(app, nurse):
    screening = nurse.post("/api/v1/screenings", json=screening_body()).get_json()["id"]
    body = patient_body(screening)
    headers = {"Authorization": f"Bearer {nurse.token}", "Idempotency-Key": "enrol-once"}
    responses = in_parallel(6, lambda i: app.test_client().post("/api/v1/patients", json=body, headers=headers))
    assert [r.status_code for r in responses] == [201] * 6
    assert len({r.get_json()["id"] for r in responses}) == 1
