"""POST /alerts/{id}/notes at any time; the on-call rota decides who is paged."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Message


def test_notes_are_added_before_and_after_acknowledgement(nurse, sms):
    sms("chest pain")
    alert = nurse.get("/api/v1/alerts").get_json()["items"][0]
    first = nurse.post(f"/api/v1/alerts/{alert['id']}/notes", json={"note": "Calling the patient"})
    assert first.status_code == 201, first.get_json()
    assert first.headers["ETag"] == f'"{first.get_json()["version"]}"'
    assert nurse.post(f"/api/v1/alerts/{alert['id']}/acknowledge", json={}).status_code == 200
    second = nurse.post(f"/api/v1/alerts/{alert['id']}/notes", json={"note": "Seen in ER, admitted"})
    assert second.status_code == 201
    notes = second.get_json()["notes"]
    assert [n["note"] for n in notes] == ["Calling the patient", "Seen in ER, admitted"]
    assert notes[0]["author"] == "nurse-bj"
    entries = db.session.scalars(select(AuditEntry).filter_by(action="alert_note")).all()
    assert [e.after["note"] for e in entries] == ["Calling the patient", "Seen in ER, admitted"]
    assert nurse.post(f"/api/v1/alerts/{alert['id']}/notes", json={"note": "  "}).status_code == 422


def _pages():
    return [m.to_number for m in db.session.scalars(select(Message).where(Message.purpose == "alert")).all()]


def test_the_rota_is_paged_and_always_on_call_covers_the_gaps(admin, make_user, on_call, sms, clock):
    rota_nurse = make_user("night", "nurse", phone="+8613800000009")
    now = clock.now()
    shifts = [{"user_id": rota_nurse.id, "starts_at": (now - timedelta(hours=1)).isoformat(),
               "ends_at": (now + timedelta(hours=1)).isoformat()}]
    response = admin.put("/api/v1/sites/BJ/on-call", json=shifts)
    assert response.status_code == 200, response.get_json()
    assert [s["username"] for s in admin.get("/api/v1/sites/BJ/on-call").get_json()] == ["night"]
    sms("chest pain")
    assert _pages() == ["+8613800000009"]
    clock.set(now + timedelta(hours=2))  # the shift is over: the always-on-call nurse is paged
    sms("severe vomiting")
    assert _pages()[-1] == on_call.phone


def test_the_rota_refuses_users_who_cannot_be_paged(admin, make_user):
    no_phone = make_user("nophone", "nurse")
    response = admin.put("/api/v1/sites/BJ/on-call", json=[
        {"user_id": no_phone.id, "starts_at": "2026-03-02T00:00:00+00:00", "ends_at": "2026-03-03T00:00:00+00:00"}])
    assert response.status_code == 422
    assert "0.user_id" in response.get_json()["errors"]
    backwards = admin.put("/api/v1/sites/BJ/on-call", json=[
        {"user_id": no_phone.id, "starts_at": "2026-03-03T00:00:00+00:00", "ends_at": "2026-03-02T00:00:00+00:00"}])
    assert backwards.status_code == 422


def test_only_admins_change_the_rota(nurse):
    assert nurse.put("/api/v1/sites/BJ/on-call", json=[]).status_code == 403
    assert nurse.get("/api/v1/sites/BJ/on-call").status_code == 200
