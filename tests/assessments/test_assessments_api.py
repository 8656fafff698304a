"""Tumour assessments through the API: baseline rules, time-point responses, the series."""
from datetime import date

import pytest

from tests.followup.past_patients import enroll_on

C1D1 = date(2026, 1, 5)


def lesion(lesion_id, mm, organ="liver", nodal=False):
    return {"lesion_id": lesion_id, "organ": organ, "nodal": nodal, "diameter_mm": mm}


def scan(when, lesions, non_target="none", new_lesions=False, sites=None):
    body = {"date": when, "target_lesions": lesions, "non_target": non_target, "new_lesions": new_lesions}
    if new_lesions:
        body["new_lesion_sites"] = sites or ["extrahepatic"]
    return body


@pytest.fixture
def patient(coordinator):
    return enroll_on(coordinator, C1D1, dosed=True)


def post(api, patient, body):
    return api.post(f"/api/v1/patients/{patient['id']}/tumor-assessments", json=body)


def test_partial_response_confirmed_after_28_days(coordinator, patient):
    baseline = post(coordinator, patient, scan("2026-01-02", [lesion("L1", 50), lesion("P1", 30, "lung")]))
    assert baseline.status_code == 201, baseline.get_json()
    assert baseline.get_json()["role"] == "baseline" and baseline.get_json()["sum_mm"] == 80
    assert baseline.get_json()["timepoint_response"] is None
    first = post(coordinator, patient, scan("2026-02-02", [lesion("L1", 35), lesion("P1", 20, "lung")]))
    assert first.status_code == 201
    assert first.get_json().items() >= {"timepoint_response": "PR", "liver_response": "PR", "sum_mm": 55.0}.items()
    assert post(coordinator, patient, scan("2026-03-02", [lesion("L1", 30), lesion("P1", 20, "lung")])).status_code == 201
    summary = coordinator.get(f"/api/v1/patients/{patient['id']}/response").get_json()
    assert summary["best_overall_response"] == "PR" and summary["confirmed"] is True
    assert summary["liver_best_response"] == "PR" and summary["first_response_date"] == "2026-02-02"
    assert summary["progression_date"] is None


def test_nadir_20_to_24_mm_is_not_pd(coordinator, patient):
    post(coordinator, patient, scan("2026-01-02", [lesion("L1", 30)]))
    assert post(coordinator, patient, scan("2026-01-20", [lesion("L1", 20)])).get_json()["timepoint_response"] == "PR"
    not_pd = post(coordinator, patient, scan("2026-02-02", [lesion("L1", 24)])).get_json()
    assert not_pd["timepoint_response"] == "SD"  # +20 % over the 20 mm nadir but only +4 mm: not PD
    assert not_pd["change_from_nadir_pct"] == pytest.approx(20.0)


def test_pd_from_nadir_gives_progression_date(coordinator, patient):
    post(coordinator, patient, scan("2026-01-02", [lesion("L1", 30)]))
    assert post(coordinator, patient, scan("2026-02-16", [lesion("L1", 30)])).get_json()["timepoint_response"] == "SD"
    assert post(coordinator, patient, scan("2026-03-02", [lesion("L1", 36)])).get_json()["timepoint_response"] == "PD"
    summary = coordinator.get(f"/api/v1/patients/{patient['id']}/response").get_json()
    assert summary["progression_date"] == "2026-03-02"
    assert summary["best_overall_response"] == "SD"  # SD reached 42 days after C1D1, before PD


def test_missing_lesion_makes_ne_and_new_lesion_pd(coordinator, patient):
    post(coordinator, patient, scan("2026-01-02", [lesion("L1", 30), lesion("N1", 20, "node", True)]))
    missing = post(coordinator, patient, scan("2026-02-02", [lesion("L1", 28), lesion("N1", None, "node", True)]))
    assert missing.get_json()["timepoint_response"] == "NE"
    new = post(coordinator, patient, scan("2026-02-20", [lesion("L1", 20), lesion("N1", 12, "node", True)],
                                          new_lesions=True))
    assert new.get_json()["timepoint_response"] == "PD" and new.get_json()["liver_response"] == "PR"


@pytest.mark.parametrize("lesions, rule", [
    ([lesion("N1", 12, "node", True)], "measurable_node"),
    ([lesion("L1", 9)], "measurable_lesion"),
    ([lesion("L1", 20), lesion("L2", 20), lesion("L3", 20)], "max_targets_per_organ"),
    ([lesion(f"X{i}", 20, organ) for i, organ in
      enumerate(("liver", "lung", "bone", "adrenal", "peritoneum", "esophagus"))], "max_target_lesions"),
    ([lesion("L1", None)], "baseline_measured"),
])
def test_baseline_rule_violations_are_422_naming_the_rule(coordinator, patient, lesions, rule):
    response = post(coordinator, patient, scan("2026-01-02", lesions))
    assert response.status_code == 422
    body = response.get_json()
    assert rule in body["rules"] and rule in body["detail"]
    assert any(message.startswith(rule) for message in body["errors"]["target_lesions"])


def test_baseline_window_and_sequence_rules(coordinator, patient):
    too_early = post(coordinator, patient, scan("2025-11-20", [lesion("L1", 30)]))
    assert too_early.status_code == 422 and "baseline_window" in too_early.get_json()["rules"]
    orphan = post(coordinator, patient, scan("2026-02-02", [lesion("L1", 30)]))
    assert orphan.status_code == 422 and orphan.get_json()["rules"] == ["baseline_required"]
    assert post(coordinator, patient, scan("2026-01-02", [lesion("L1", 30)])).status_code == 201
    unknown = post(coordinator, patient, scan("2026-02-02", [lesion("L9", 30)]))
    assert unknown.status_code == 422 and unknown.get_json()["rules"] == ["unknown_lesion"]
    assert post(coordinator, patient, scan("2026-01-02", [lesion("L1", 30)])).status_code == 409
    assert post(coordinator, patient, scan("2026-03-03", [lesion("L1", 30)])).status_code == 422


@pytest.mark.parametrize("body", [
    {"date": "2026-01-02", "target_lesions": [], "new_lesions": False},
    {"date": "2026-01-02", "target_lesions": [], "non_target": "maybe", "new_lesions": False},
    {"date": "2026-01-02", "target_lesions": [{"lesion_id": "L1", "organ": "liver", "diameter_mm": -1}],
     "non_target": "none", "new_lesions": False},
    {"date": "not a date", "non_target": "none", "new_lesions": False},
])
def test_bad_input_is_422(coordinator, patient, body):
    response = post(coordinator, patient, body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_retraction_removes_a_scan_from_the_series(coordinator, patient):
    post(coordinator, patient, scan("2026-01-02", [lesion("L1", 30)]))
    wrong = post(coordinator, patient, scan("2026-02-16", [lesion("L1", 40)])).get_json()
    assert wrong["timepoint_response"] == "PD"
    url = f"/api/v1/patients/{patient['id']}/tumor-assessments/{wrong['id']}/retract"
    assert coordinator.post(url, json={"reason": ""}).status_code == 422
    assert coordinator.post(url, json={"reason": "wrong patient's scan"}).status_code == 200
    assert coordinator.post(url, json={"reason": "again"}).status_code == 409
    listed = coordinator.get(f"/api/v1/patients/{patient['id']}/tumor-assessments").get_json()["items"]
    assert [item["role"] for item in listed] == ["baseline"]
    summary = coordinator.get(f"/api/v1/patients/{patient['id']}/response").get_json()
    assert summary["progression_date"] is None and summary["best_overall_response"] == "NE"


def test_access_nurse_cannot_enter_and_other_site_sees_404(coordinator, nurse, login, patient, admin):
    assert post(nurse, patient, scan("2026-01-02", [lesion("L1", 30)])).status_code == 403
    assert nurse.get(f"/api/v1/patients/{patient['id']}/response").status_code == 200
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai"})
    other = login("coordinator", "coord-sh", site_code="SH")
    assert post(other, patient, scan("2026-01-02", [lesion("L1", 30)])).status_code == 404
    assert other.get(f"/api/v1/patients/{patient['id']}/response").status_code == 404
