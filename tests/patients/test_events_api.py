import pytest


def post_event(api, patient, type_, date="2026-03-01", **extra):
    return api.post(f"/api/v1/patients/{patient['id']}/events", json={"type": type_, "date": date, **extra})


@pytest.mark.parametrize("type_, status", [
    ("progression", "follow_up"), ("end_of_treatment", "follow_up"), ("death", "deceased"),
    ("withdrawal", "withdrawn"), ("lost_to_follow_up", "lost_to_follow_up"), ("contact", "on_treatment"),
])
def test_event_sets_status(nurse, enroll, type_, status):
    response = post_event(nurse, enroll(), type_)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["patient"]["status"] == status


def test_nothing_after_death_but_a_correction(nurse, coordinator, enroll):
    patient = enroll()
    death = post_event(nurse, patient, "death").get_json()["event"]
    assert post_event(nurse, patient, "contact").status_code == 409
    assert post_event(nurse, patient, "progression").status_code == 409
    url = f"/api/v1/patients/{patient['id']}/events/{death['id']}/retract"
    assert coordinator.post(url, json={"reason": ""}).status_code == 422
    fixed = coordinator.post(url, json={"reason": "wrong patient"})
    assert fixed.status_code == 200 and fixed.get_json()["patient"]["status"] == "on_treatment"
    assert post_event(nurse, patient, "contact").status_code == 201


def test_future_dates_are_refused(nurse, enroll):
    assert post_event(nurse, enroll(), "death", date="2026-03-03").status_code == 422


def test_death_before_last_contact_is_refused(nurse, enroll):
    patient = enroll()
    post_event(nurse, patient, "contact", date="2026-03-01")
    assert post_event(nurse, patient, "death", date="2026-02-28").status_code == 422


def test_contact_after_lost_to_follow_up_brings_back(nurse, enroll):
    patient = enroll()
    post_event(nurse, patient, "lost_to_follow_up", date="2026-02-27")
    assert post_event(nurse, patient, "contact").get_json()["patient"]["status"] == "follow_up"


def test_progression_only_once(nurse, enroll):
    patient = enroll()
    assert post_event(nurse, patient, "progression", date="2026-02-28").status_code == 201
    assert post_event(nurse, patient, "progression").status_code == 409


def test_events_are_audited(nurse, coordinator, enroll):
    patient = enroll()
    post_event(nurse, patient, "contact", reason="phone call")
    entries = coordinator.get(f"/api/v1/audit?entity=patient&id={patient['id']}").get_json()["items"]
    assert [e["action"] for e in entries] == ["enroll", "event:contact"]
    assert entries[1]["before"]["last_contact_date"] is None
    assert entries[1]["after"]["last_contact_date"] == "2026-03-01"
