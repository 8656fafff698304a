"""API: record, validate, grade history, retraction, sign-off and the SAE clock."""
from datetime import timedelta

import pytest

from tests.adverse_events.conftest import ae_body
from tests.conftest import FROZEN_NOW, PASSWORD


@pytest.fixture
def patient(enroll, give_dose):
    body = enroll()
    give_dose(body["id"], "2026-02-27")
    return body


def relogin(api):
    response = api.client.post("/api/v1/auth/token", json={"username": "nurse-bj", "password": PASSWORD})
    api.token = response.get_json()["access_token"]


def post_ae(api, patient, **overrides):
    return api.post(f"/api/v1/patients/{patient['id']}/adverse-events", json=ae_body(**overrides))


def problem(response, status, field=None):
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    if field:
        assert field in body["errors"], body
    return body


def test_records_an_ae_with_derived_flags(nurse, patient):
    response = post_ae(nurse, patient)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["ctcae_term"] == "Nausea" and body["soc"] == "Gastrointestinal disorders"
    assert body["meddra_code"] == "10028813" and body["ctcae_version"] == "5.0"
    assert body["teae"] is True and body["treatment_related"] is True
    assert body["first_dose_date"] == "2026-02-27" and body["ongoing"] is True
    assert body["history"] == [{"grade": 2, "effective_date": "2026-03-01",
                                "recorded_at": FROZEN_NOW.isoformat(), "reason": None}]
    assert response.headers["ETag"] == '"1"'
    listed = nurse.get(f"/api/v1/patients/{patient['id']}/adverse-events").get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_before_any_dose_nothing_is_treatment_emergent(nurse, enroll):
    undosed = enroll()
    body = post_ae(nurse, undosed).get_json()
    assert body["teae"] is False and body["first_dose_date"] is None


def test_unknown_term_suggests_the_closest(nurse, patient):
    body = problem(post_ae(nurse, patient, ctcae_term="Nausia"), 422, "ctcae_term")
    assert "Nausea" in body["suggestions"] and "Did you mean" in body["detail"]


def test_grade_must_exist_for_the_term(nurse, patient):
    body = problem(post_ae(nurse, patient, grade=4), 422, "grade")
    assert body["detail"] == "Nausea has no grade 4 in CTCAE v5.0 (its grades are 1, 2, 3)."


@pytest.mark.parametrize("overrides, field, words", [
    ({"onset_date": "2026-03-01", "resolved_date": "2026-02-28"}, "resolved_date", "before the onset"),
    ({"onset_date": "2026-02-19"}, "onset_date", "before informed consent"),
    ({"onset_date": "2026-03-03"}, "onset_date", "in the future"),
    ({"serious": True}, "seriousness_criteria", "at least one seriousness criterion"),
    ({"seriousness_criteria": ["hospitalisation"]}, "seriousness_criteria", "serious is false"),
    ({"outcome": "fatal"}, "outcome", "needs grade 5"),
    ({"ctcae_term": "Fatigue", "grade": 5}, "grade", "no grade 5"),
])
def test_validation_rules(nurse, patient, overrides, field, words):
    assert words in problem(post_ae(nurse, patient, **overrides), 422, field)["detail"]


@pytest.mark.parametrize("attribution, field", [
    ({"haic": "possible", "sintilimab": "unlikely"}, "procedure"),
    ({"haic": "maybe", "sintilimab": "unlikely", "procedure": "unrelated"}, "haic"),
])
def test_attribution_per_cause_on_the_five_step_scale(nurse, patient, attribution, field):
    body = problem(post_ae(nurse, patient, attribution=attribution), 422, "attribution")
    assert field in body["errors"]["attribution"]


def test_grade_change_is_a_new_history_entry_and_reports_the_worst(nurse, patient):
    created = post_ae(nurse, patient, ctcae_term="Diarrhea", grade=3).get_json()
    url = f"/api/v1/adverse-events/{created['id']}/grades"
    problem(nurse.post(url, json={"grade": 1, "effective_date": "2026-03-02"}), 422, "reason")
    response = nurse.post(url, json={"grade": 1, "effective_date": "2026-03-02", "reason": "improving"})
    body = response.get_json()
    assert body["grade"] == 1 and body["worst_grade"] == 3
    assert [(h["grade"], h["effective_date"]) for h in body["history"]] == [(3, "2026-03-01"), (1, "2026-03-02")]
    problem(nurse.post(url, json={"grade": 2, "effective_date": "2026-02-28", "reason": "x"}), 422, "effective_date")


def test_pre_existing_condition_keeps_its_baseline_and_becomes_teae_when_worse(nurse, patient):
    created = post_ae(nurse, patient, ctcae_term="Fatigue", grade=1, onset_date="2026-02-21").get_json()
    assert created["teae"] is False and created["baseline_grade"] == 1
    url = f"/api/v1/adverse-events/{created['id']}/grades"
    body = nurse.post(url, json={"grade": 2, "effective_date": "2026-03-01", "reason": "worse on treatment"}).get_json()
    assert body["teae"] is True and body["baseline_grade"] == 1 and body["worst_grade"] == 2


def test_update_needs_a_reason_and_is_audited(nurse, admin, patient):
    created = post_ae(nurse, patient).get_json()
    url = f"/api/v1/adverse-events/{created['id']}"
    problem(nurse.patch(url, json={"resolved_date": "2026-03-02"}), 422, "reason")
    response = nurse.patch(url, json={"resolved_date": "2026-03-02", "outcome": "recovered", "reason": "resolved"},
                           headers={"If-Match": '"1"'})
    assert response.status_code == 200 and response.get_json()["ongoing"] is False
    stale = nurse.patch(url, json={"aesi": True, "reason": "x"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    entries = admin.get(f"/api/v1/audit?entity=adverse_event&id={created['id']}").get_json()["items"]
    assert [(e["action"], e["reason"]) for e in entries] == [("create", None), ("update", "resolved")]
    assert entries[1]["before"]["resolved_date"] is None and entries[1]["after"]["resolved_date"] == "2026-03-02"


def test_retraction_keeps_the_record_and_needs_a_reason(nurse, coordinator, patient):
    created = post_ae(nurse, patient).get_json()
    url = f"/api/v1/adverse-events/{created['id']}/retract"
    assert nurse.post(url, json={"reason": "wrong patient"}).status_code == 403
    problem(coordinator.post(url, json={"reason": "  "}), 422, "reason")
    body = coordinator.post(url, json={"reason": "wrong patient"}).get_json()
    assert body["retracted_reason"] == "wrong patient"
    listing = f"/api/v1/patients/{patient['id']}/adverse-events"
    assert nurse.get(listing).get_json()["items"] == []
    assert len(nurse.get(listing + "?include_retracted=true").get_json()["items"]) == 1
    assert nurse.get(f"/api/v1/adverse-events/{created['id']}").status_code == 200
    problem(coordinator.post(url, json={"reason": "again"}), 409)


def test_sae_clock_and_overdue_alert(app, nurse, patient, clock):
    from app.common.jobs import run_job
    from app.extensions import db
    from app.models import Alert

    created = post_ae(nurse, patient, ctcae_term="Fever", grade=3, serious=True,
                      seriousness_criteria=["hospitalisation"]).get_json()
    due = (FROZEN_NOW + timedelta(hours=24)).isoformat()
    assert created["sae"] == {"aware_at": FROZEN_NOW.isoformat(), "report_due_at": due, "reported_at": None,
                              "overdue": False, "alert_id": None}
    assert run_job(app, "sae-deadlines", FROZEN_NOW + timedelta(hours=23)) == {"alerts_opened": 0}
    clock.set(FROZEN_NOW + timedelta(hours=25))
    assert run_job(app, "sae-deadlines") == {"alerts_opened": 1}
    assert run_job(app, "sae-deadlines") == {"alerts_opened": 0}
    relogin(nurse)  # a day later the morning token has expired
    alert = db.session.query(Alert).one()
    assert (alert.kind, alert.status, alert.ctcae_term, alert.patient_id) == ("sae_deadline", "open", "Fever",
                                                                            patient["id"])
    body = nurse.get(f"/api/v1/adverse-events/{created['id']}").get_json()
    assert body["sae"]["overdue"] is True and body["sae"]["alert_id"] == alert.id
    reported = nurse.post(f"/api/v1/adverse-events/{created['id']}/sae-report", json={}).get_json()
    assert reported["sae"]["overdue"] is False
    problem(nurse.post(f"/api/v1/adverse-events/{created['id']}/sae-report", json={}), 409)


def test_grade_5_requires_the_death_event_and_offers_to_create_it(nurse, patient):
    fatal = dict(ctcae_term="Hepatic failure", grade=5, serious=True, seriousness_criteria=["death"],
                 onset_date="2026-03-01", resolved_date="2026-03-02")
    body = problem(post_ae(nurse, patient, **fatal), 409)
    assert body["hint"] == {"create_death_event": True, "death_date": "2026-03-02"}
    created = post_ae(nurse, patient, create_death_event=True, **fatal)
    assert created.status_code == 201 and created.get_json()["outcome"] == "fatal"
    assert nurse.get(f"/api/v1/patients/{patient['id']}").get_json()["status"] == "deceased"
    problem(post_ae(nurse, patient, **(fatal | {"seriousness_criteria": ["hospitalisation"]})), 422,
            "seriousness_criteria")


def test_investigator_sign_off_is_an_electronic_signature(nurse, admin, investigator, patient):
    created = post_ae(nurse, patient).get_json()
    url = f"/api/v1/adverse-events/{created['id']}/sign-off"
    assert nurse.post(url, json={"password": PASSWORD}).status_code == 403
    wrong = problem(investigator.post(url, json={"password": "not it"}), 403)
    assert wrong["type"].endswith("signature-failed")
    signed = investigator.post(url, json={"password": PASSWORD, "meaning": "Causality confirmed"}).get_json()
    assert signed["sign_off"]["signed_by"] == "investigator-bj"
    assert signed["sign_off"]["meaning"] == "Causality confirmed"
    entry = admin.get(f"/api/v1/audit?entity=adverse_event&id={created['id']}").get_json()["items"][-1]
    assert entry["action"] == "sign_off" and entry["actor"] == "investigator-bj"
    assert entry["after"]["meaning"] == "Causality confirmed" and entry["after"]["signed_at"] == FROZEN_NOW.isoformat()
    problem(investigator.post(url, json={"password": PASSWORD}), 409)
    changed = nurse.patch(f"/api/v1/adverse-events/{created['id']}",
                          json={"attribution": {"haic": "unrelated", "sintilimab": "probable",
                                                "procedure": "unrelated"}, "reason": "re-assessed"}).get_json()
    assert changed["sign_off"] is None and changed["treatment_related"] is True


def test_other_sites_see_nothing(nurse, login, patient):
    from app.sites.services import create_site
    from app.extensions import db

    create_site("test", FROZEN_NOW, code="SH", name="Shanghai", timezone="Asia/Shanghai", phone="+862100000000",
                haic_daily_capacity=4, quiet_start="21:00", quiet_end="08:00")
    db.session.commit()
    created = post_ae(nurse, patient).get_json()
    other = login("nurse", "nurse-sh", site_code="SH")
    assert other.get(f"/api/v1/adverse-events/{created['id']}").status_code == 404
    assert post_ae(other, patient).status_code == 404


def test_sae_report_honours_if_match(nurse, patient):
    created = post_ae(nurse, patient, ctcae_term="Fever", grade=3, serious=True,
                      seriousness_criteria=["hospitalisation"])
    url = f"/api/v1/adverse-events/{created.get_json()['id']}/sae-report"
    problem(nurse.post(url, json={}, headers={"If-Match": '"999"'}), 412)
    assert nurse.get(f"/api/v1/adverse-events/{created.get_json()['id']}").get_json()["sae"]["reported_at"] is None
    reported = nurse.post(url, json={}, headers={"If-Match": created.headers["ETag"]})
    assert reported.status_code == 200 and reported.get_json()["sae"]["reported_at"] is not None
