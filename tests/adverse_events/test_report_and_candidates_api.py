"""API: the safety report from stored AEs (JSON and CSV), and the symptom -> AE candidate workflow."""
import pytest

from tests.adverse_events.conftest import ae_body
from tests.conftest import FROZEN_NOW


def post_ae(api, patient_id, **overrides):
    response = api.post(f"/api/v1/patients/{patient_id}/adverse-events", json=ae_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def three_patients(nurse, coordinator, enroll, give_dose):
    """P1 dosed 02-27 with Nausea twice (G1, G3) and a retracted Fever; P2 dosed with an SAE; P3 never dosed."""
    p1, p2, p3 = enroll(), enroll(), enroll()
    give_dose(p1["id"], "2026-02-27", kind="haic")
    give_dose(p1["id"], "2026-02-28", kind="labs")
    give_dose(p2["id"], "2026-02-28")
    give_dose(p3["id"], "2026-02-28", status="scheduled")
    post_ae(nurse, p1["id"], grade=1)
    post_ae(nurse, p1["id"], grade=3, onset_date="2026-03-02")
    wrong = post_ae(nurse, p1["id"], ctcae_term="Fever", grade=2)
    coordinator.post(f"/api/v1/adverse-events/{wrong['id']}/retract", json={"reason": "entered twice"})
    post_ae(nurse, p2["id"], ctcae_term="Pneumonitis", grade=2, serious=True, seriousness_criteria=["hospitalisation"],
            immune_related=True, attribution={"haic": "unrelated", "sintilimab": "probable", "procedure": "unrelated"})
    post_ae(nurse, p3["id"], grade=2)
    return p1, p2, p3


def test_safety_report_from_stored_events(nurse, three_patients):
    report = nurse.get("/api/v1/reports/safety?cutoff=2026-03-02").get_json()
    assert report["n_treated"] == 2
    assert report["any_ae"] == {"n": 2, "pct": 100.0} and report["trae"] == {"n": 2, "pct": 100.0}
    assert report["irae"] == {"n": 1, "pct": 50.0} and report["sae"] == {"n": 1, "pct": 50.0}
    assert report["grade_3_plus"] == {"n": 1, "pct": 50.0} and report["aesi"] == {"n": 0, "pct": 0.0}
    assert [(r["ctcae_term"], r["any_grade"]["n"], r["grade_3_plus"]["n"]) for r in report["by_term"]] == [
        ("Nausea", 1, 1), ("Pneumonitis", 1, 0)]


def test_cutoff_excludes_later_onsets(nurse, three_patients):
    report = nurse.get("/api/v1/reports/safety?cutoff=2026-03-01").get_json()
    assert report["grade_3_plus"]["n"] == 0 and report["by_term"][0]["any_grade"]["n"] == 1


def test_safety_report_as_csv(nurse, three_patients):
    for url in ("/api/v1/reports/safety?cutoff=2026-03-02&format=csv", "/api/v1/reports/safety.csv?cutoff=2026-03-02"):
        response = nurse.get(url)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "summary,,sae,1,50.0,,,2,2026-03-02" in response.get_data(as_text=True).splitlines()


def test_safety_report_rejects_a_bad_cutoff(nurse):
    response = nurse.get("/api/v1/reports/safety?cutoff=yesterday")
    assert response.status_code == 422 and "cutoff" in response.get_json()["errors"]


@pytest.fixture
def symptom_item(app, enroll):
    from app.extensions import db
    from app.models import SymptomItem, SymptomReport

    patient = enroll()
    report = SymptomReport(patient_id=patient["id"], received_at=FROZEN_NOW, channel="sms", text="恶心 很严重",
                           status="complete")
    report.items.append(SymptomItem(ctcae_term="Nausea", meddra_code="10028813", ctcae_version="5.0",
                                    patient_grade=3, severity=3))
    report.items.append(SymptomItem(ctcae_term="Fatigue", meddra_code="10016256", ctcae_version="5.0",
                                    patient_grade=0, severity=0))
    db.session.add(report)
    db.session.commit()
    return patient, report.items[0].id, report.id


def test_candidate_confirmed_with_a_clinician_grade(nurse, symptom_item):
    patient, item_id, report_id = symptom_item
    base = f"/api/v1/patients/{patient['id']}/ae-candidates"
    candidates = nurse.get(base).get_json()["items"]
    assert [(c["symptom_item_id"], c["ctcae_term"], c["patient_grade"]) for c in candidates] == [
        (item_id, "Nausea", 3)]
    body = {k: v for k, v in ae_body(grade=2).items() if k != "ctcae_term"}
    response = nurse.post(f"{base}/{item_id}/confirm", json=body)
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert (event["grade"], event["patient_grade"], event["symptom_report_id"]) == (2, 3, report_id)
    assert nurse.get(base).get_json()["items"] == []
    again = nurse.post(f"{base}/{item_id}/confirm", json=body)
    assert again.status_code == 409


def test_candidate_dismissed_with_a_reason(nurse, symptom_item):
    patient, item_id, _report_id = symptom_item
    url = f"/api/v1/patients/{patient['id']}/ae-candidates/{item_id}/dismiss"
    assert nurse.post(url, json={"reason": ""}).status_code == 422
    response = nurse.post(url, json={"reason": "Nausea from a missed meal, resolved"})
    assert response.status_code == 200 and response.get_json()["decision"] == "dismissed"
    assert nurse.get(f"/api/v1/patients/{patient['id']}/ae-candidates").get_json()["items"] == []


def test_candidate_of_another_patient_is_not_found(nurse, enroll, symptom_item):
    _patient, item_id, _report_id = symptom_item
    other = enroll()
    response = nurse.post(f"/api/v1/patients/{other['id']}/ae-candidates/{item_id}/dismiss", json={"reason": "x"})
    assert response.status_code == 404
