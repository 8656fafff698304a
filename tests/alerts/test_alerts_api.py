"""GET /api/v1/alerts and POST /api/v1/alerts/{id}/acknowledge."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry


def test_open_alerts_are_listed_for_the_site(nurse, sms, patient):
    sms("severe nausea")
    sms("mild headache")
    body = nurse.get("/api/v1/alerts?status=open").get_json()
    (alert,) = body["items"]
    assert (alert["kind"], alert["status"], alert["ctcae_term"], alert["grade"], alert["study_id"], alert["site"]) == (
        "symptom", "open", "Nausea", 3, patient.study_id, "BJ")
    assert (alert["occurrences"], alert["urgent"], alert["acknowledged_at"]) == (1, False, None)
    assert body["next_cursor"] is None
    assert nurse.get("/api/v1/alerts?status=acknowledged").get_json()["items"] == []


def test_acknowledge_records_who_when_and_note(nurse, sms, clock):
    sms("chest pain")
    alert_id = nurse.get("/api/v1/alerts").get_json()["items"][0]["id"]
    response = nurse.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": "Called, going to ER"},
                          headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["acknowledgement_note"], body["acknowledged_at"]) == (
        "acknowledged", "Called, going to ER", clock.now().isoformat())
    assert body["acknowledged_by_id"] is not None and response.headers["ETag"] == '"2"'
    entry = db.session.scalar(select(AuditEntry).filter_by(action="alert_acknowledged"))
    assert (entry.actor, entry.after["acknowledgement_note"], entry.before["status"]) == (
        "nurse-bj", "Called, going to ER", "open")
    assert nurse.get("/api/v1/alerts?status=open").get_json()["items"] == []
    again = nurse.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": "again"})
    assert again.status_code == 409


def test_after_acknowledgement_the_same_term_opens_a_new_alert(nurse, sms):
    sms("severe nausea")
    first = nurse.get("/api/v1/alerts").get_json()["items"][0]["id"]
    nurse.post(f"/api/v1/alerts/{first}/acknowledge", json={})
    sms("severe nausea", at=sms.later(1))
    assert [a["status"] for a in nurse.get("/api/v1/alerts").get_json()["items"]] == ["acknowledged", "open"]


def test_stale_version_and_unknown_alert(nurse, sms):
    sms("severe nausea")
    sms("very severe nausea", at=sms.later(1))  # merged: version 2
    alert_id = nurse.get("/api/v1/alerts").get_json()["items"][0]["id"]
    stale = nurse.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": "x"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert nurse.post("/api/v1/alerts/9999/acknowledge", json={}).status_code == 404
    assert nurse.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": 5}).status_code == 422
    assert nurse.get("/api/v1/alerts?status=closed").status_code == 422


def test_other_sites_alerts_are_hidden(login, sms, site):
    from app.sites.services import create_site

    sms("severe nausea")
    create_site("test", site.created_at, code="SH", name="Shanghai", timezone="Asia/Shanghai", phone="+862100000000",
                haic_daily_capacity=4, quiet_start="21:00", quiet_end="08:00")
    db.session.commit()
    other = login("nurse", "nurse-sh", site_code="SH")
    assert other.get("/api/v1/alerts").get_json()["items"] == []
    assert other.post("/api/v1/alerts/1/acknowledge", json={}).status_code == 404
    assert other.get("/api/v1/alerts?site=BJ").get_json()["items"] == []
