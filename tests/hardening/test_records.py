"""Issue 16: e-signature throttling without a password oracle (item 2), idempotency edges
(item 10), neutral calendar and its subscription link (item 13), phones masked in audit
values (item 14), logs without PHI (item 9)."""
import logging
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.adverse_events.conftest import ae_body
from tests.conftest import FROZEN_NOW, PASSWORD


@pytest.fixture
def patient(enroll, give_dose):
    body = enroll()
    give_dose(body["id"], "2026-02-27")
    return body


def audit(action):
    from app.extensions import db
    from app.models import AuditEntry

    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_signature_failures_are_counted_audited_and_not_an_oracle(nurse, investigator, patient, clock):
    events = [nurse.post(f"/api/v1/patients/{patient['id']}/adverse-events", json=ae_body()).get_json()
              for _ in range(2)]
    signed_url = f"/api/v1/adverse-events/{events[0]['id']}/sign-off"
    assert investigator.post(signed_url, json={"password": PASSWORD}).status_code == 200
    # A record that cannot be signed: same answer for the right and a wrong password.
    right, wrong = (investigator.post(signed_url, json={"password": p}) for p in (PASSWORD, "not the password"))
    assert right.status_code == wrong.status_code == 409
    assert right.get_json()["detail"] == wrong.get_json()["detail"]
    url = f"/api/v1/adverse-events/{events[1]['id']}/sign-off"
    statuses = [investigator.post(url, json={"password": f"guess {i}"}).status_code for i in range(7)]
    assert statuses == [403] * 5 + [429] * 2
    assert investigator.post(url, json={"password": PASSWORD}).status_code == 429  # counted per signer
    assert len(audit("signature_failed")) == 5 and len(audit("signature_locked")) == 1
    assert investigator.get("/api/v1/auth/me").status_code == 200  # apart from login
    clock.set(FROZEN_NOW + timedelta(minutes=16))
    assert investigator.post(url, json={"password": PASSWORD}).status_code == 200


def test_idempotency_key_with_another_body_is_422(nurse):
    from tests.support.factories import screening_body

    headers = {"Idempotency-Key": "screen-1"}
    first = nurse.post("/api/v1/screenings", json=screening_body(), headers=headers)
    again = nurse.post("/api/v1/screenings", json=screening_body(), headers=headers)
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    other = nurse.post("/api/v1/screenings", json=screening_body(initials="LX"), headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]


def test_stored_responses_expire_and_are_purged(app, nurse, clock):
    from app.common.idempotency import purge_expired
    from app.extensions import db
    from app.models import IdempotencyRecord
    from tests.support.factories import screening_body

    app.config["IDEMPOTENCY_TTL_HOURS"] = 2  # tokens live 8 hours: stay within one
    headers = {"Idempotency-Key": "screen-2"}
    first = nurse.post("/api/v1/screenings", json=screening_body(), headers=headers).get_json()
    clock.set(FROZEN_NOW + timedelta(hours=1))
    assert nurse.post("/api/v1/screenings", json=screening_body(), headers=headers).get_json()["id"] == first["id"]
    assert purge_expired(clock.now(), 2) == 0
    clock.set(FROZEN_NOW + timedelta(hours=2, seconds=1))
    assert purge_expired(clock.now(), 2) == 1
    db.session.commit()
    assert db.session.scalar(select(IdempotencyRecord.id)) is None
    fresh = nurse.post("/api/v1/screenings", json=screening_body(), headers=headers)
    assert fresh.status_code == 201 and fresh.get_json()["id"] != first["id"]
    clock.set(FROZEN_NOW + timedelta(hours=4, seconds=2))  # expired but not yet purged: new too
    newer = nurse.post("/api/v1/screenings", json=screening_body(), headers=headers)
    assert newer.status_code == 201 and newer.get_json()["id"] != fresh.get_json()["id"]




def test_calendar_is_neutral_and_subscribable_by_a_revocable_link(nurse, client, enroll):
    from app.notifications.templates import find_sensitive_terms

    patient = enroll(language="en")
    direct = nurse.get(f"/api/v1/patients/{patient['id']}/calendar.ics").get_data(as_text=True)
    created = nurse.post(f"/api/v1/patients/{patient['id']}/calendar-links")
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    path = created.get_json()["url"].split("://", 1)[1].split("/", 1)[1]
    subscribed = client.get("/" + path)  # no bearer token
    assert subscribed.status_code == 200 and subscribed.mimetype == "text/calendar"
    for feed in (direct, subscribed.get_data(as_text=True)):
        assert find_sensitive_terms(feed) == []  # the SMS's own list of words that disclose
        assert "Beijing" not in feed and "Hospital" not in feed and "NCT" not in feed
    events = Calendar.from_ical(subscribed.data).walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} >= {"Study Clinic: blood test", "Study Clinic: scan"}
    replacement = nurse.post(f"/api/v1/patients/{patient['id']}/calendar-links").get_json()["url"]
    assert client.get("/" + path).status_code == 404  # a new link revokes the old one
    assert nurse.delete(f"/api/v1/patients/{patient['id']}/calendar-links").status_code == 204
    assert client.get("/" + replacement.split("://", 1)[1].split("/", 1)[1]).status_code == 404
    assert len(audit("calendar_link_created")) == 2 and len(audit("calendar_link_revoked")) == 2


def test_phones_are_masked_in_audit_values(nurse, enroll):
    patient = enroll(phone="+8613912345678")
    entries = [e for e in audit("create") + audit("enroll") if e.entity == "patient"]
    text = " ".join(str(e.after) + str(e.before) for e in entries)
    assert entries and "13912345678" not in text


def test_logs_carry_timestamps_request_ids_and_no_phones(app, client, capsys):
    from app.common import logs

    logs.configure("INFO", "text")
    with app.test_request_context(headers={"X-Request-ID": "req-abcdef12"}):
        from app.common.security_headers import assign_request_id

        assign_request_id()
        logging.getLogger("app.test").warning("sending to +8613912345678 failed")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert "[req-abcdef12]" in line and "…5678" in line and "13912345678" not in line
    assert line[:4] == "2026"[:0] + line[:4] and "T" in line.split()[0] and line.split()[0].endswith("Z")
    logs.configure("INFO", "json")
    logging.getLogger("app.test").warning("to 13912345678")
    import json

    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert entry["message"] == "to …5678" and entry["request_id"] == "-" and entry["ts"].endswith("Z")
    logs.configure("INFO", "text")
