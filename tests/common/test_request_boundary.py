"""The request boundary's commit point: what a failed commit answers, and that it saves nothing."""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Patient, Site, User
from tests.support.factories import patient_body, screening_body

SITE = {"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai"}


@pytest.mark.parametrize("error, status, slug", [
    (StaleDataError("version mismatch"), 412, "precondition-failed"),
    (IntegrityError("INSERT", {}, Exception("unique")), 409, "conflict"),
    (OperationalError("COMMIT", {}, Exception("database is locked")), 503, "database-busy"),
])
def test_a_failed_commit_is_a_problem_and_saves_nothing(admin, monkeypatch, error, status, slug):
    real_commit = db.session.commit

    def failing_commit():
        monkeypatch.setattr(db.session, "commit", real_commit)  # only the request's own commit fails
        raise error

    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = admin.post("/api/v1/sites", json=SITE)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert response.get_json()["type"].endswith(slug)
    assert status != 503 or response.headers["Retry-After"] == "1"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Site).where(Site.code == "SH")) == 0


def test_enrolling_on_a_phone_in_use_is_a_conflict(nurse, enroll):
    first = enroll()
    screening = nurse.post("/api/v1/screenings", json=screening_body()).get_json()
    response = nurse.post("/api/v1/patients", json=patient_body(screening["id"]) | {"phone": first["phone"]})
    assert response.status_code == 409 and response.get_json()["type"].endswith("phone-in-use")
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 1


def test_a_failed_login_is_remembered_in_its_own_transaction(client, nurse):
    response = client.post("/api/v1/auth/token", json={"username": "nurse-bj", "password": "wrong"})
    assert response.status_code == 401
    db.session.rollback()
    # Kept although the answer is 401: the attempt is counted and its audit entry committed.
    from app.models import AuditEntry, LoginThrottle

    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "login_failed")) is not None
    assert db.session.scalar(select(LoginThrottle.attempts)) == 1
