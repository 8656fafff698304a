"""The investigator's progression confirmation tasks in the console: the worklist with the PD
evidence, the confirm form through the API's service, and each way a confirmation is refused."""
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.conftest import FROZEN_NOW
from tests.followup.past_patients import give_first_dose
from tests.support.factories import eligible_facts, patient_body, screening_body

C1D1 = date(2026, 1, 12)  # a Monday, not a holiday
PD_SCAN = C1D1 + timedelta(days=41)


@pytest.fixture
def app_config(app_config):
    """Tokens outlive the weeks these tests move the clock through."""
    app_config.TOKEN_TTL_SECONDS = 365 * 24 * 3600
    return app_config


def scan(api, patient_id, when, l1, l2, new_lesions=False, sites=None):
    body = {"date": when.isoformat(), "non_target": "none", "new_lesions": new_lesions,
            "target_lesions": [{"lesion_id": "L1", "organ": "liver", "nodal": False, "diameter_mm": l1},
                               {"lesion_id": "L2", "organ": "liver", "nodal": False, "diameter_mm": l2}]}
    if sites is not None:
        body["new_lesion_sites"] = sites
    response = api.post(f"/api/v1/patients/{patient_id}/tumor-assessments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def enroll_dosed(api, c1d1, site):
    """Screened a week before `c1d1` at `site`, enrolled and dosed on `c1d1` (the clock at C1D1)."""
    screened = c1d1 - timedelta(days=7)
    body = screening_body(site=site, screened_on=screened.isoformat(),
                          facts=eligible_facts(consent_signed_on=(screened - timedelta(days=2)).isoformat()))
    screening = api.post("/api/v1/screenings", json=body).get_json()
    patient = api.post("/api/v1/patients", json=patient_body(screening["id"], treatment_start=c1d1.isoformat()))
    assert patient.status_code == 201, patient.get_json()
    give_first_dose(api, patient.get_json()["id"])
    return patient.get_json()


def make_pd_patient(api, clock, c1d1=C1D1, site="BJ") -> dict:
    """Dosed on `c1d1`, baseline liver 20 + 15 mm, then a scan of 30 + 20 mm with a new liver
    lesion on day 42 (PD: +43 % over the nadir): the investigator's task is open."""
    clock.set(datetime.combine(c1d1, datetime.min.time(), timezone.utc) + timedelta(hours=1))
    patient = enroll_dosed(api, c1d1, site)
    scan(api, patient["id"], c1d1 - timedelta(days=4), 20, 15)
    clock.set(FROZEN_NOW)
    scan(api, patient["id"], c1d1 + timedelta(days=41), 30, 20, new_lesions=True, sites=["liver"])
    return patient


@pytest.fixture
def pd_patient(coordinator, clock):
    return make_pd_patient(coordinator, clock)


@pytest.fixture
def console_investigator(browser, make_user):
    make_user("dr-web", "investigator")
    assert browser.login("dr-web").status_code == 302
    return browser


def confirm_body(patient_id, **overrides):
    from app.extensions import db
    from app.models import Patient

    body = {"version": db.session.get(Patient, patient_id).version, "task": str(patient_id),
            "date": PD_SCAN.isoformat(),
            "source": "radiological", "reason": "RECIST PD confirmed on review"}
    return {**body, **overrides}


def test_the_worklist_shows_each_task_with_its_evidence(console_investigator, pd_patient):
    page = console_investigator.get("/console/progression")
    text = console_investigator.text
    assert page.status_code == 200 and pd_patient["study_id"] in text
    assert PD_SCAN.isoformat() in text  # the scan, and the date proposed for the progression
    assert "50 mm" in text and "35 mm" in text and "+43 %" in text  # sum vs nadir (baseline = nadir here)
    assert "Scan showing PD" in text and "liver" in text
    assert 'value="radiological" selected' in text
    assert f'href="/console/progression"' in console_investigator.get("/console/").get_data(as_text=True)


def test_an_empty_worklist_says_so(console_investigator):
    console_investigator.get("/console/progression")
    assert "No progression to confirm." in console_investigator.text


def test_confirming_goes_through_the_service_with_its_audit_and_closes_the_task(console_investigator, pd_patient):
    from app.extensions import db
    from app.models import Alert, AuditEntry, Patient, PatientEvent

    pid = pd_patient["id"]
    console_investigator.get("/console/progression")
    response = console_investigator.post(f"/console/patients/{pid}/progression/confirm", confirm_body(pid))
    assert response.status_code == 302, console_investigator.text
    event = db.session.query(PatientEvent).filter_by(patient_id=pid, type="progression").one()
    assert (event.date, event.source, event.treatment_beyond_progression) == (PD_SCAN, "radiological", False)
    assert db.session.get(Patient, pid).status == "follow_up"
    entry = db.session.query(AuditEntry).filter_by(entity="patient", entity_id=str(pid),
                                                   action="event:progression").one()
    assert entry.actor == "dr-web" and entry.reason == "RECIST PD confirmed on review"
    assert db.session.query(Alert).filter_by(patient_id=pid, kind="confirm_progression").one().status == "acknowledged"
    console_investigator.get("/console/progression")
    assert "Progression recorded for" in console_investigator.text and "No progression to confirm." in console_investigator.text


def test_treatment_beyond_progression_keeps_the_patient_on_treatment(console_investigator, pd_patient):
    from app.extensions import db
    from app.models import Patient

    pid = pd_patient["id"]
    console_investigator.get("/console/progression")
    response = console_investigator.post(f"/console/patients/{pid}/progression/confirm",
                                         confirm_body(pid, treatment_beyond_progression="true"))
    assert response.status_code == 302
    assert db.session.get(Patient, pid).status == "on_treatment"


def test_a_missing_reason_is_told_beside_the_field_and_the_typed_date_is_kept(console_investigator, pd_patient):
    from app.extensions import db
    from app.models import PatientEvent

    pid = pd_patient["id"]
    console_investigator.get("/console/progression")
    response = console_investigator.post(f"/console/patients/{pid}/progression/confirm",
                                         confirm_body(pid, reason="", date="2026-02-25", source="clinical",
                                                      treatment_beyond_progression="true"))
    text = console_investigator.text
    assert response.status_code == 422 and 'id="reason-error"' in text and 'aria-invalid="true"' in text
    assert 'value="2026-02-25"' in text and 'value="clinical" selected' in text and "checked" in text
    assert "Traceback" not in text
    assert not db.session.query(PatientEvent).filter_by(patient_id=pid).filter(PatientEvent.type == "progression").all()


def test_a_bad_date_is_told_beside_the_date(console_investigator, pd_patient):
    pid = pd_patient["id"]
    console_investigator.get("/console/progression")
    response = console_investigator.post(f"/console/patients/{pid}/progression/confirm",
                                         confirm_body(pid, date="22/02/2026"))
    assert response.status_code == 422 and 'id="date-error"' in console_investigator.text
    assert 'value="22/02/2026"' in console_investigator.text


def test_radiological_before_the_pd_scan_is_refused_beside_the_source(console_investigator, pd_patient):
    pid = pd_patient["id"]
    console_investigator.get("/console/progression")
    before = (PD_SCAN - timedelta(days=3)).isoformat()
    response = console_investigator.post(f"/console/patients/{pid}/progression/confirm",
                                         confirm_body(pid, date=before))
    text = console_investigator.text
    assert response.status_code == 422 and 'id="source-error"' in text and "No scan showing PD" in text
    assert f'value="{before}"' in text


def test_a_decision_on_a_stale_page_is_refused_with_a_clear_message(console_investigator, pd_patient, coordinator):
    pid = pd_patient["id"]
    console_investigator.get("/console/progression")
    stale = confirm_body(pid)
    changed = coordinator.patch(f"/api/v1/patients/{pid}", json={"weight_kg": 61.5, "reason": "weighed today"})
    assert changed.status_code == 200, changed.get_json()
    response = console_investigator.post(f"/console/patients/{pid}/progression/confirm", stale)
    text = console_investigator.text
    assert response.status_code == 412 and "changed since you opened the page" in text
    assert "RECIST PD confirmed on review" in text  # what was typed is kept


def test_a_second_confirmation_is_a_conflict_not_a_trace(console_investigator, pd_patient, login):
    pid = pd_patient["id"]
    console_investigator.get("/console/progression")
    body = confirm_body(pid)
    other = login("investigator", "dr-api")
    first = other.post(f"/api/v1/patients/{pid}/progression/confirm",
                       json={k: v for k, v in body.items() if k not in ("version", "task")})
    assert first.status_code == 201
    response = console_investigator.post(f"/console/patients/{pid}/progression/confirm", confirm_body(pid))
    assert response.status_code == 409 and "already recorded" in console_investigator.text


def test_another_sites_patient_is_not_found_and_not_listed(browser, make_user, other_site, clock, site):
    patient = make_pd_patient(other_site, clock, site="SH")
    make_user("dr-web", "investigator")
    browser.login("dr-web")
    browser.get("/console/progression")
    assert patient["study_id"] not in browser.text
    response = browser.post(f"/console/patients/{patient['id']}/progression/confirm", confirm_body(patient["id"]))
    assert response.status_code == 404 and patient["study_id"] not in browser.text


def test_only_investigators_confirm(browser, make_user, pd_patient):
    make_user("coord-web", "coordinator")
    browser.login("coord-web")
    assert browser.get("/console/progression").status_code == 403
    response = browser.post(f"/console/patients/{pd_patient['id']}/progression/confirm", confirm_body(pd_patient["id"]))
    assert response.status_code == 403 and "Your role cannot open this page." in browser.text
    assert "/console/progression" not in browser.get("/console/").get_data(as_text=True)


def test_a_confirmation_without_its_csrf_token_is_refused(app, console_investigator, pd_patient):
    from app.extensions import db
    from app.models import PatientEvent

    response = console_investigator.client.post(f"/console/patients/{pd_patient['id']}/progression/confirm",
                                                data=confirm_body(pd_patient["id"]))
    assert response.status_code == 400
    assert not db.session.query(PatientEvent).filter_by(patient_id=pd_patient["id"], type="progression").all()


def test_the_domain_query_lists_open_tasks_of_the_actors_site_only(app, pd_patient, make_user):
    from app.assessments.confirmations import pending_confirmations
    from app.extensions import db
    from app.models import User

    make_user("dr-web", "investigator")
    make_user("root-web", "admin")
    investigator = db.session.query(User).filter_by(username="dr-web").one()
    [task] = pending_confirmations(investigator)
    assert task.patient.id == pd_patient["id"] and task.pd_scan_date == PD_SCAN
    assert (task.timepoint.sum_mm, task.timepoint.nadir_sum_mm, task.timepoint.new_lesions) == (50, 35, True)
    assert task.assessment.new_lesion_sites == ["liver"] and task.baseline_date == C1D1 - timedelta(days=4)
    assert len(pending_confirmations(db.session.query(User).filter_by(username="root-web").one())) == 1
    investigator.site_id = None  # a user of no site sees no site's tasks (the scope is the site id)
    assert pending_confirmations(investigator) == []
    db.session.rollback()


def test_a_confirmation_posted_after_the_session_expired_is_offered_again_after_login(console_investigator,
                                                                                     pd_patient, clock):
    pid = pd_patient["id"]
    console_investigator.get("/console/progression")
    clock.set(clock.now() + timedelta(days=400))  # the session's token expired while the form was open
    response = console_investigator.post(f"/console/patients/{pid}/progression/confirm",
                                         confirm_body(pid, date="2026-02-23", reason="typed before expiry"),
                                         referrer="http://localhost/console/progression")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    console_investigator.get(response.headers["Location"])
    response = console_investigator.post(response.headers["Location"], {"username": "dr-web",
                                                                        "password": "correct horse battery"})
    assert response.headers["Location"].endswith("/console/progression")
    console_investigator.get("/console/progression")
    assert "typed before expiry" in console_investigator.text and 'value="2026-02-23"' in console_investigator.text
