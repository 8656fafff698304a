"""If-Match is never ignored (API.md: a write whose If-Match does not match changes nothing).

Every write route either compares If-Match with the version of the record it changes, or has no
version to compare it with (a create, an action on an unversioned record): then the request
boundary undoes the write and answers 412 (RFC 9110 section 13.1.1), instead of doing it while
the client believed it was guarded."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry
from tests.patients.test_events_api import post_event

STALE = {"If-Match": '"999"'}


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_a_create_with_if_match_is_refused_and_leaves_nothing(nurse, enroll):
    patient = enroll()
    before = audit_count()
    url = f"/api/v1/patients/{patient['id']}/contacts"
    body = {"channel": "phone", "outcome": "reached", "contacted_at": "2026-03-01T02:00:00+00:00"}
    refused = nurse.post(url, json=body, headers={"If-Match": '"1"'})
    assert refused.status_code == 412 and refused.mimetype == "application/problem+json"
    assert "no version to compare If-Match with" in refused.get_json()["detail"]
    assert audit_count() == before
    assert nurse.get(url).get_json()["items"] == []
    assert nurse.post(url, json=body).status_code == 201  # without If-Match, as documented
    assert len(nurse.get(url).get_json()["items"]) == 1


def test_a_retraction_compares_if_match_with_the_records_version(nurse, coordinator, enroll):
    patient = enroll()
    death = post_event(nurse, patient, "death").get_json()["event"]
    url = f"/api/v1/patients/{patient['id']}/events/{death['id']}/retract"
    before = audit_count()
    assert coordinator.post(url, json={"reason": "wrong patient"}, headers=STALE).status_code == 412
    assert audit_count() == before
    assert coordinator.get(f"/api/v1/patients/{patient['id']}").get_json()["status"] == "deceased"
    fixed = coordinator.post(url, json={"reason": "wrong patient"}, headers={"If-Match": f'"{death["version"]}"'})
    assert fixed.status_code == 200, fixed.get_json()


def test_reads_and_refusals_are_left_alone(nurse, enroll):
    patient = enroll()
    assert nurse.get(f"/api/v1/patients/{patient['id']}", headers=STALE).status_code == 200  # a GET
    missing = nurse.post("/api/v1/patients/999999/events", json={"type": "contact", "date": "2026-03-01"},
                         headers=STALE)
    assert missing.status_code == 404  # the route's own refusal stands
