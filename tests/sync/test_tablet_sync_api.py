"""Tablet sync as API.md promises (issue 17 item 4): `updated_since` on every list of patient
data, unknown query parameters are a 422 on /api/v1 only, the follow-up list paginates,
created resources carry their ETag."""
from datetime import date, timedelta

import pytest

from tests.assessments.test_assessments_api import lesion, scan
from tests.followup.past_patients import enroll_on, post_event


def _ids(response):
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


@pytest.mark.parametrize("path", ["/api/v1/patients?colour=red", "/api/v1/visits?form=1",
                                  "/api/v1/sites?updated_sinse=2026-01-01T00:00:00Z"])
def test_unknown_query_parameters_are_422_naming_them(nurse, path):
    response = nurse.get(path)
    assert response.status_code == 422
    (name,) = response.get_json()["errors"]
    assert name in path


def test_endpoints_without_query_parameters_refuse_any(nurse, enroll):
    patient = enroll()
    assert nurse.get(f"/api/v1/patients/{patient['id']}?x=1").status_code == 422
    assert nurse.get(f"/api/v1/patients/{patient['id']}").status_code == 200


def test_outside_the_api_unknown_parameters_are_ignored(client, site):
    assert client.get("/health?from=wechat").status_code == 200


def test_updated_since_on_visits_assessments_candidates(coordinator, clock):
    patient = enroll_on(coordinator, date(2026, 1, 5))
    base = f"/api/v1/patients/{patient['id']}"
    assert coordinator.post(f"{base}/tumor-assessments",
                            json=scan("2026-01-02", [lesion("L1", 50)])).status_code == 201
    since = clock.now()
    clock.set(since + timedelta(minutes=5))
    assert len(_ids(coordinator.get(f"{base}/visits"))) > 50
    assert _ids(coordinator.get(f"{base}/visits", query_string={"updated_since": since.isoformat()})) == []
    visit = next(v for v in _ids(coordinator.get(f"{base}/visits")) if v["code"] == "IMG-W06")
    assert coordinator.post(f"/api/v1/visits/{visit['id']}/cancel", json={"reason": "scanner down"}).status_code == 200
    changed = _ids(coordinator.get(f"{base}/visits", query_string={"updated_since": since.isoformat()}))
    assert [v["code"] for v in changed] == ["IMG-W06"]
    assert _ids(coordinator.get(f"{base}/tumor-assessments", query_string={"updated_since": since.isoformat()})) == []
    assert len(_ids(coordinator.get(f"{base}/tumor-assessments"))) == 1
    assert _ids(coordinator.get(f"{base}/ae-candidates", query_string={"updated_since": since.isoformat()})) == []


def test_follow_up_paginates_and_honours_updated_since(coordinator, clock):
    patients = [enroll_on(coordinator, date(2025, 6, 2)) for _ in range(3)]
    for patient in patients:
        post_event(coordinator, patient["id"], "end_of_treatment", date(2025, 9, 1))
    first = coordinator.get("/api/v1/follow-up", query_string={"limit": 2}).get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = coordinator.get("/api/v1/follow-up", query_string={"limit": 2, "cursor": first["next_cursor"]}).get_json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    seen = {row["patient_id"] for row in first["items"] + second["items"]}
    assert seen == {p["id"] for p in patients}
    since = clock.now()
    clock.set(since + timedelta(minutes=5))
    assert coordinator.get("/api/v1/follow-up", query_string={"updated_since": since.isoformat()}
                           ).get_json()["items"] == []
    contact = coordinator.post(f"/api/v1/patients/{patients[1]['id']}/contacts",
                               json={"channel": "phone", "outcome": "reached", "contacted_at": clock.now().isoformat()})
    assert contact.status_code == 201
    assert "ETag" in contact.headers
    rows = coordinator.get("/api/v1/follow-up", query_string={"updated_since": since.isoformat()}).get_json()["items"]
    assert [row["patient_id"] for row in rows] == [patients[1]["id"]]


def test_created_resources_carry_their_etag(coordinator, nurse):
    from tests.support.factories import patient_body, screening_body

    screening = nurse.post("/api/v1/screenings", json=screening_body())
    assert screening.status_code == 201 and screening.headers["ETag"] == f'"{screening.get_json()["version"]}"'
    patient = nurse.post("/api/v1/patients", json=patient_body(screening.get_json()["id"]))
    assert patient.status_code == 201 and patient.headers["ETag"] == f'"{patient.get_json()["version"]}"'
    assessment = coordinator.post(f"/api/v1/patients/{patient.get_json()['id']}/tumor-assessments",
                                  json=scan("2026-02-27", [lesion("L1", 50)]))
    assert assessment.status_code == 201, assessment.get_json()
    assert "ETag" in assessment.headers


def test_a_view_reading_request_args_declares_its_names():
    from flask import request

    from app.common.query_args import accepts_query
    from app.factory import build_app
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = "sqlite://"
    app = build_app(config)

    @accepts_query("dpi")
    def plot():
        return {"dpi": request.args.get("dpi")}

    app.add_url_rule("/api/v1/test-plot", "test_plot", plot)
    client = app.test_client()
    assert client.get("/api/v1/test-plot?dpi=300").get_json() == {"dpi": "300"}
    assert client.get("/api/v1/test-plot?dpi=300&size=2").status_code == 422
