import threading

import pytest

from tests.support.factories import patient_body, screening_body


def screen(api, **overrides):
    response = api.post("/api/v1/screenings", json=screening_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_enroll_contract(nurse):
    response = nurse.post("/api/v1/patients", json=patient_body(screen(nurse), phone="13812345678"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {"id", "study_id", "site", "status", "treatment_start", "language"} <= set(body)
    assert body["study_id"] == "BJ-001" and body["status"] == "on_treatment"
    assert body["phone"] == "+8613812345678"


def test_study_ids_are_sequential(enroll):
    assert [enroll()["study_id"] for _ in range(3)] == ["BJ-001", "BJ-002", "BJ-003"]


def test_ineligible_screening_is_409(nurse):
    from tests.support.factories import eligible_facts

    sid = screen(nurse, facts=eligible_facts(ecog=3))
    response = nurse.post("/api/v1/patients", json=patient_body(sid))
    assert response.status_code == 409
    assert "ECOG" in response.get_json()["detail"]


def test_enrolled_twice_is_409(nurse):
    sid = screen(nurse)
    assert nurse.post("/api/v1/patients", json=patient_body(sid)).status_code == 201
    assert nurse.post("/api/v1/patients", json=patient_body(sid)).status_code == 409


@pytest.mark.parametrize("phone", ["12345", "not a phone", "+86 10 8819 6114"])
def test_bad_phone_is_422(nurse, phone):
    response = nurse.post("/api/v1/patients", json=patient_body(screen(nurse), phone=phone))
    assert response.status_code == 422 and "phone" in response.get_json()["errors"]


def test_target_reached_is_409(app, nurse):
    app.config["ENROLLMENT_TARGET"] = 2
    for _ in range(2):
        assert nurse.post("/api/v1/patients", json=patient_body(screen(nurse))).status_code == 201
    full = nurse.post("/api/v1/patients", json=patient_body(screen(nurse)))
    assert full.status_code == 409 and "target" in full.get_json()["detail"]


def test_two_simultaneous_enrollments_for_the_last_place(app, nurse):
    """Two real threads with their own connections race for one place: exactly one wins."""
    app.config["ENROLLMENT_TARGET"] = 1
    bodies = [patient_body(screen(nurse)) for _ in range(2)]
    barrier = threading.Barrier(2)
    results = []

    def enroll(body):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            results.append(client.post("/api/v1/patients", json=body,
                                       headers={"Authorization": f"Bearer {nurse.token}"}).status_code)

    threads = [threading.Thread(target=enroll, args=(b,)) for b in bodies]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == [201, 409]
    assert len(nurse.get("/api/v1/patients").get_json()["items"]) == 1


def test_idempotency_key_replays_the_first_response(nurse):
    body = patient_body(screen(nurse))
    first = nurse.post("/api/v1/patients", json=body, headers={"Idempotency-Key": "tablet-42"})
    again = nurse.post("/api/v1/patients", json=body, headers={"Idempotency-Key": "tablet-42"})
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(nurse.get("/api/v1/patients").get_json()["items"]) == 1


def test_patch_with_if_match(nurse, enroll):
    patient = enroll()
    url = f"/api/v1/patients/{patient['id']}"
    ok = nurse.patch(url, json={"language": "en"}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.get_json()["language"] == "en"
    stale = nurse.patch(url, json={"language": "zh"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert nurse.get(url).get_json()["language"] == "en"


def test_weight_change_needs_a_reason(nurse, enroll):
    url = f"/api/v1/patients/{enroll()['id']}"
    assert nurse.patch(url, json={"weight_kg": 58}).status_code == 422
    assert nurse.patch(url, json={"weight_kg": 58, "reason": "weighed at C2"}).status_code == 200


def test_updated_since_for_delta_sync(nurse, enroll, clock):
    from datetime import timedelta

    first = enroll()
    mark = clock.now() + timedelta(seconds=30)
    clock.set(clock.now() + timedelta(minutes=1))
    second = enroll()
    items = nurse.get("/api/v1/patients", query_string={"updated_since": mark.isoformat()}).get_json()["items"]
    assert [p["id"] for p in items] == [second["id"]]
    assert first["id"] != second["id"]


def test_other_site_patient_is_404_everywhere(enroll, login, admin):
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai"})
    other = login("nurse", "nurse-sh", site_code="SH")
    patient = enroll()
    for path in (f"/api/v1/patients/{patient['id']}", f"/api/v1/patients/{patient['id']}/events"):
        assert other.get(path).status_code == 404
    assert other.post(f"/api/v1/patients/{patient['id']}/events",
                      json={"type": "contact", "date": "2026-03-01"}).status_code == 404
