"""The follow-up worklist and the contact log through the API."""
from datetime import date, datetime, timezone

import pytest

from tests.followup.past_patients import enroll_on, give_first_dose, post_event

C1D1 = date(2025, 6, 2)


def worklist(api, **query):
    response = api.get("/api/v1/follow-up", query_string=query)
    assert response.status_code == 200, response.get_json()
    return {row["study_id"]: row for row in response.get_json()["items"]}, response.get_json()


def contact(api, patient_id, outcome="reached", at="2026-01-10T02:00:00+00:00", channel="phone"):
    return api.post(f"/api/v1/patients/{patient_id}/contacts",
                    json={"channel": channel, "outcome": outcome, "contacted_at": at})


def test_survival_contact_grid_after_end_of_treatment(coordinator):
    patient = enroll_on(coordinator, C1D1)
    post_event(coordinator, patient["id"], "end_of_treatment", date(2025, 9, 1))
    # Targets every 84 days after EOT: 2025-11-24, 2026-02-16, 2026-05-11 (window -14/+14).
    assert contact(coordinator, patient["id"], at="2025-11-05T03:00:00+00:00").status_code == 201
    row = worklist(coordinator)[0][patient["study_id"]]
    assert row["phase"] == "survival" and row["last_known_alive"] == "2025-11-05"
    assert row["next_contact_due"] == "2025-11-24" and row["window_end"] == "2025-12-08"
    assert row["overdue"] is True and row["days_since_contact"] == 117
    assert row["lost_to_follow_up_candidate"] is False
    assert row["last_attempt"]["outcome"] == "reached"
    # A contact inside the next target's window satisfies it.
    contact(coordinator, patient["id"], at="2026-02-03T03:00:00+00:00")
    row = worklist(coordinator)[0][patient["study_id"]]
    assert row["next_contact_due"] == "2026-05-11" and row["overdue"] is False


def test_no_contact_for_two_intervals_is_a_lost_candidate_and_inbound_sms_proves_life(coordinator, app):
    patient = enroll_on(coordinator, C1D1)
    give_first_dose(coordinator, patient["id"], C1D1)  # the first dose proves life (a planned date does not)
    post_event(coordinator, patient["id"], "progression", date(2025, 7, 14))
    rows, body = worklist(coordinator, lost_to_follow_up_candidate="true")
    row = rows[patient["study_id"]]
    assert row["last_known_alive"] == "2025-06-02" and row["days_since_contact"] == 273
    assert row["lost_to_follow_up_candidate"] is True and row["overdue"] is True
    assert body["lost_to_follow_up_candidates"] == [patient["study_id"]]
    _inbound_sms(patient["id"], datetime(2026, 2, 1, 20, 0, tzinfo=timezone.utc))  # 04:00 Feb 2 in Beijing
    row = worklist(coordinator)[0][patient["study_id"]]
    assert row["last_known_alive"] == "2026-02-02" and row["lost_to_follow_up_candidate"] is False
    assert worklist(coordinator, lost_to_follow_up_candidate="true")[0] == {}


def _inbound_sms(patient_id, received_at):
    from app.extensions import db
    from app.models import Message

    db.session.add(Message(direction="inbound", patient_id=patient_id, to_number="+8610000", from_number="+8613900",
                           body="ok", purpose="patient", status="received", received_at=received_at))
    db.session.commit()


def complete_cycle_1(api, patient_id, actual_date):
    visits = api.get(f"/api/v1/patients/{patient_id}/visits").get_json()["items"]
    for visit in visits:
        if visit["code"] in ("C01-LABS", "C01-HAIC", "C01-SINT"):
            done = api.post(f"/api/v1/visits/{visit['id']}/complete", json={"actual_date": actual_date})
            assert done.status_code == 200, done.get_json()


def test_on_treatment_patient_is_seen_at_visits_and_deceased_are_not_listed(coordinator):
    on_treatment = enroll_on(coordinator, date(2026, 2, 23))  # a holiday: cycle 1 is booked on the 24th
    complete_cycle_1(coordinator, on_treatment["id"], "2026-02-24")
    dead = enroll_on(coordinator, C1D1)
    post_event(coordinator, dead["id"], "death", date(2025, 8, 1))
    rows, _ = worklist(coordinator, site="BJ")
    assert dead["study_id"] not in rows
    row = rows[on_treatment["study_id"]]
    assert row["phase"] == "treatment" and row["last_known_alive"] == "2026-02-24"
    assert row["overdue"] is False and row["next_contact_due"] > "2026-03-02"
    assert contact(coordinator, dead["id"]).status_code == 409  # a proof of life after a death


def test_contact_log_records_attempts_and_only_proofs_of_life_become_events(coordinator):
    patient = enroll_on(coordinator, C1D1)
    missed = contact(coordinator, patient["id"], outcome="no_answer", at="2026-01-09T02:00:00+00:00")
    assert missed.status_code == 201 and missed.get_json()["proves_life"] is False
    reached = contact(coordinator, patient["id"], outcome="informant_confirmed_alive")
    assert reached.status_code == 201 and reached.get_json()["event_id"] is not None
    assert reached.get_json()["contact_date"] == "2026-01-10"
    events = coordinator.get(f"/api/v1/patients/{patient['id']}/events").get_json()["items"]
    assert [(e["type"], e["date"]) for e in events] == [("contact", "2026-01-10")]
    assert coordinator.get(f"/api/v1/patients/{patient['id']}").get_json()["last_contact_date"] == "2026-01-10"
    log = coordinator.get(f"/api/v1/patients/{patient['id']}/contacts").get_json()["items"]
    assert [entry["outcome"] for entry in log] == ["no_answer", "informant_confirmed_alive"]


@pytest.mark.parametrize("body, field", [
    ({"channel": "pigeon", "outcome": "reached"}, "channel"),
    ({"channel": "phone", "outcome": "maybe"}, "outcome"),
    ({"channel": "phone", "outcome": "reached", "contacted_at": "2026-03-05T00:00:00+00:00"}, "contacted_at"),
    ({"channel": "phone", "outcome": "reached", "contacted_at": "2026-03-01T00:00:00"}, "contacted_at"),
])
def test_bad_contacts_are_422(coordinator, body, field):
    patient = enroll_on(coordinator, C1D1)
    response = coordinator.post(f"/api/v1/patients/{patient['id']}/contacts", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_other_site_is_forbidden_and_hidden(coordinator, login, admin):
    patient = enroll_on(coordinator, C1D1)
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai"})
    other = login("coordinator", "coord-sh", site_code="SH")
    assert other.get("/api/v1/follow-up", query_string={"site": "BJ"}).status_code == 403
    assert patient["study_id"] not in worklist(other)[0]
    assert contact(other, patient["id"]).status_code == 404
    assert patient["study_id"] in worklist(admin, site="BJ")[0]
