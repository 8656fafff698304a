"""Coordinator pages in the console: screening with unit-aware labs and live criteria (the API's
schema and service), enrollment through the API's service with its booked schedule, and the
screening log as a CONSORT table; capabilities and site scoping as on the API."""
import re

import pytest

from tests.support.factories import eligible_facts, patient_body, screening_body, with_lab


def lab_fields(facts):
    return {f"lab-{lab['test']}-{part}": str(lab[part]) for lab in facts["labs"] for part in ("value", "unit", "uln")
            if lab.get(part) is not None}


def eligible_form(**overrides):
    """The console's form for tests/support's eligible candidate (the same facts as the API tests')."""
    form = {"site": "BJ", "screened_on": "2026-02-25", "initials": "ZW", "sex": "male", "birth_date": "1962-05-01",
            "ecog": "1", "histology": "squamous_cell_carcinoma", "metastatic_confirmed": "yes",
            "liver_metastasis_pattern": "metachronous_after_esophagectomy", "predicted_survival_months": "6",
            "child_pugh_score": "5", "hbv_infected": "no", "history_none": "1", "extrahepatic_none": "1",
            "tumor_adjacent_to_hollow_organ": "no", "residual_liver_volume_ml": "1200", "sintilimab_allergy": "no",
            "prior_immunotherapy": "no", "immunosuppressant_within_4_weeks": "no",
            "systemic_steroid_mg_prednisone_per_day": "0", "consent_signed_on": "2026-02-20", "consent_version": "2.1",
            "contraception_agreed": "yes", **lab_fields(eligible_facts())}
    form.update(overrides)
    return form


def criterion_status(html, criterion_id):
    row = re.search(rf'id="criterion-{criterion_id}".*?<span class="badge [a-z]+">([^<]+)</span>', html, re.S)
    return row.group(1)


def screenings_count():
    from app.extensions import db
    from app.models import Screening

    return db.session.query(Screening).count()


@pytest.fixture
def console_coordinator(make_user, browser):
    make_user("coord-web", "coordinator")
    assert browser.login("coord-web").status_code == 302
    return browser


def saved(browser, form):
    """Post the new-screening form; the id of the screening it created."""
    browser.get("/console/screenings/new")
    response = browser.post("/console/screenings", form)
    assert response.status_code == 302, browser.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


# --- screening ------------------------------------------------------------------------------------------------

def test_the_new_screening_form_offers_the_units_the_lab_code_accepts(console_coordinator):
    page = console_coordinator.get("/console/screenings/new")
    text = console_coordinator.text
    assert page.status_code == 200 and 'name="site" value="BJ"' in text and 'value="2026-03-02"' in text
    anc_units = re.search(r'<select id="lab-anc-unit".*?</select>', text, re.S).group(0)
    assert ">10^9/L<" in anc_units and ">/µL<" in anc_units and ">cells/mm3<" in anc_units
    creatinine_units = re.search(r'<select id="lab-creatinine-unit".*?</select>', text, re.S).group(0)
    assert ">mg/dL<" in creatinine_units and ">µmol/L<" in creatinine_units
    assert 'id="lab-total_bilirubin-uln"' in text and 'id="lab-anc-uln"' not in text  # ULN only for × ULN tests
    assert all(criterion_status(text, c) == "Missing data" for c in ("I1", "I6", "E3", "E9"))
    assert 'href="/console/screenings"' in text and 'href="/console/screening-log"' in text


def test_a_screening_is_saved_through_the_api_service_and_audited(console_coordinator):
    from app.extensions import db
    from app.models import AuditEntry, Screening

    screening_id = saved(console_coordinator, eligible_form())
    record = db.session.get(Screening, screening_id)
    assert record.eligible is True and record.initials == "ZW" and record.facts["history"] == []
    assert {lab["test"]: lab["unit"] for lab in record.facts["labs"]}["total_bilirubin"] == "umol/L"
    entry = db.session.query(AuditEntry).filter_by(entity="screening", entity_id=str(screening_id)).one()
    assert entry.action == "create" and entry.actor == "coord-web"
    console_coordinator.get(f"/console/screenings/{screening_id}")
    text = console_coordinator.text
    assert "Screening saved: eligible." in text and criterion_status(text, "I6") == "Met"
    assert criterion_status(text, "E2") == "Not met" and 'id="enroll-form"' in text
    # the stored facts come back into the form as typed (units in the offered spelling)
    assert 'id="ecog" name="ecog"' in text and '<option value="1" selected>1</option>' in text
    assert re.search(r'<select id="lab-total_bilirubin-unit".*?<option value="µmol/L" selected>', text, re.S)


def test_lab_values_are_converted_by_the_domain_code_and_judged(console_coordinator):
    from app.extensions import db
    from app.models import Screening

    form = eligible_form(**{"lab-anc-value": "1200", "lab-anc-unit": "/µL",
                            "lab-creatinine-value": "80", "lab-creatinine-unit": "µmol/L"})
    screening_id = saved(console_coordinator, form)
    record = db.session.get(Screening, screening_id)
    assert record.eligible is False and any("ANC 1.2 ×10⁹/L" in r for r in record.reasons_ineligible)
    console_coordinator.get(f"/console/screenings/{screening_id}")
    text = console_coordinator.text
    assert criterion_status(text, "I6") == "Not met" and criterion_status(text, "E3") == "Met: excludes"
    assert "0.9048 mg/dL" in text and "(80 µmol/L)" in text  # creatinine as judged, and as entered
    assert "Not eligible: this candidate cannot be enrolled." in text and 'id="enroll-form"' not in text


def test_a_bad_lab_value_is_kept_with_its_error_beside_the_field_and_nothing_is_saved(console_coordinator):
    console_coordinator.get("/console/screenings/new")
    response = console_coordinator.post("/console/screenings", eligible_form(**{"lab-anc-value": "1,2x"}))
    text = console_coordinator.text
    assert response.status_code == 422 and screenings_count() == 0
    assert re.search(r'id="lab-anc-value" name="lab-anc-value" inputmode="decimal" value="1,2x"\s+'
                     r'aria-invalid="true" aria-describedby="lab-anc-value-error"', text)
    assert 'id="lab-anc-value-error">Not a valid number.' in text
    assert 'value="ZW"' in text  # the rest of the form is kept too
    assert "Traceback" not in text
    # the live panel judges the rest and says which field it left out
    assert criterion_status(text, "I6") == "Missing data" and "1 field with an error is left out" in text


def test_a_lab_the_domain_cannot_convert_is_refused_beside_the_field(console_coordinator):
    console_coordinator.get("/console/screenings/new")
    response = console_coordinator.post("/console/screenings", eligible_form(**{"lab-alt-uln": ""}))
    text = console_coordinator.text
    assert response.status_code == 422 and screenings_count() == 0
    assert 'id="lab-alt-uln-error">alt in U/L needs the site&#39;s upper limit of normal' in text
    assert 'name="lab-alt-value" inputmode="decimal" value="40"' in text


def test_service_refusals_are_shown_beside_the_field(console_coordinator):
    console_coordinator.get("/console/screenings/new")
    response = console_coordinator.post("/console/screenings", eligible_form(birth_date="2026-02-26", initials=""))
    text = console_coordinator.text
    assert response.status_code == 422 and 'id="initials-error">Missing data for required field.' in text
    response = console_coordinator.post("/console/screenings", eligible_form(birth_date="2026-02-26"))
    assert response.status_code == 422 and 'id="birth_date-error">Must be before screened_on.' in console_coordinator.text
    assert 'value="2026-02-26"' in console_coordinator.text and screenings_count() == 0


def test_check_criteria_judges_without_saving(console_coordinator):
    console_coordinator.get("/console/screenings/new")
    response = console_coordinator.post("/console/screenings", {**eligible_form(ecog="2"), "action": "check"})
    assert response.status_code == 200 and screenings_count() == 0
    assert criterion_status(console_coordinator.text, "I2") == "Not met"
    assert criterion_status(console_coordinator.text, "E2") == "Met: excludes"
    assert 'value="2" selected' in console_coordinator.text


def test_the_live_criteria_fragment_is_judged_from_the_posted_form_and_writes_nothing(console_coordinator):
    console_coordinator.get("/console/screenings/new")
    response = console_coordinator.post("/console/screenings/criteria", eligible_form(consent_signed_on=""))
    text = console_coordinator.text
    assert response.status_code == 200 and "<html" not in text and screenings_count() == 0
    assert criterion_status(text, "I8") == "Missing data" and criterion_status(text, "I1") == "Met"
    assert "Undecided: facts missing" in text and "Missing: consent_signed_on" in text


def test_the_same_form_sent_twice_makes_one_screening(console_coordinator):
    page = console_coordinator.get("/console/screenings/new")
    token = re.search(r'name="submission" value="([0-9a-f]+)"', console_coordinator.text).group(1)
    first = console_coordinator.post("/console/screenings", eligible_form(submission=token))
    console_coordinator.page = page
    again = console_coordinator.post("/console/screenings", eligible_form(submission=token))
    assert first.headers["Location"] == again.headers["Location"] and screenings_count() == 1


def test_a_rescreen_needs_a_reason_and_the_current_version(console_coordinator, coordinator):
    from app.extensions import db
    from app.models import AuditEntry, Screening

    screening_id = saved(console_coordinator, eligible_form(consent_signed_on=""))
    console_coordinator.get(f"/console/screenings/{screening_id}")
    assert "Facts are missing: this candidate cannot be enrolled" in console_coordinator.text
    response = console_coordinator.post(f"/console/screenings/{screening_id}", eligible_form(version="1"))
    assert response.status_code == 422 and 'id="reason-error"' in console_coordinator.text
    response = console_coordinator.post(f"/console/screenings/{screening_id}",
                                        eligible_form(version="1", reason="Consent form found in the file"))
    assert response.status_code == 302
    record = db.session.get(Screening, screening_id)
    assert record.eligible is True and record.version == 2
    entry = db.session.query(AuditEntry).filter_by(entity="screening", action="update").one()
    assert entry.reason == "Consent form found in the file" and entry.actor == "coord-web"
    console_coordinator.get(f"/console/screenings/{screening_id}")
    # a form still holding version 1 (loaded on a second tablet before the save above)
    response = console_coordinator.post(f"/console/screenings/{screening_id}",
                                        eligible_form(version="1", ecog="2", reason="typo"))
    assert response.status_code == 412 and "Someone else changed this screening" in console_coordinator.text
    assert db.session.get(Screening, screening_id).facts["ecog"] == 1


def test_a_screening_posted_after_the_session_expired_is_kept_through_login(console_coordinator, clock):
    from datetime import timedelta

    from tests.conftest import PASSWORD

    console_coordinator.get("/console/screenings/new")
    clock.set(clock.now() + timedelta(hours=9))  # the token (8 h) expired while the form was open
    response = console_coordinator.post("/console/screenings", eligible_form(**{"lab-anc-value": "2900"}),
                                        referrer="http://localhost/console/screenings/new")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    console_coordinator.get(response.headers["Location"])
    response = console_coordinator.post(response.headers["Location"], {"username": "coord-web", "password": PASSWORD})
    assert response.headers["Location"].endswith("/console/screenings/new")
    console_coordinator.get("/console/screenings/new")
    assert 'value="2900"' in console_coordinator.text and 'value="ZW"' in console_coordinator.text
    assert screenings_count() == 0


# --- enrollment -----------------------------------------------------------------------------------------------

def test_enrolling_an_eligible_screening_books_the_schedule(console_coordinator):
    from app.extensions import db
    from app.models import AuditEntry, Patient, Visit

    screening_id = saved(console_coordinator, eligible_form())
    console_coordinator.get(f"/console/screenings/{screening_id}")
    response = console_coordinator.post(f"/console/screenings/{screening_id}/enroll",
                                        {"phone": "+86 139 1234 5678", "language": "zh",
                                         "treatment_start": "2026-03-09", "weight_kg": "62"})
    assert response.status_code == 302, console_coordinator.text
    patient = db.session.query(Patient).filter_by(screening_id=screening_id).one()
    assert patient.study_id == "BJ-001" and patient.phone == "+8613912345678" and patient.weight_kg == 62
    assert response.headers["Location"].endswith(f"/console/patients/{patient.id}/booked")
    visits = db.session.query(Visit).filter_by(patient_id=patient.id).all()
    assert len(visits) > 10
    assert db.session.query(AuditEntry).filter_by(entity="patient", action="enroll").one().actor == "coord-web"
    console_coordinator.get(response.headers["Location"])
    text = console_coordinator.text
    assert "Enrolled as BJ-001; the schedule is booked." in text and f"{len(visits)} visits booked" in text
    assert "C1D1" in text and "2026-03-09" in text
    console_coordinator.get(f"/console/screenings/{screening_id}")
    assert "BJ-001" in console_coordinator.text and 'id="enroll-form"' not in console_coordinator.text
    assert "<fieldset class=\"plain\" disabled>" in console_coordinator.text  # enrolled is final


def test_an_ineligible_screening_cannot_be_enrolled(console_coordinator):
    from app.extensions import db
    from app.models import Patient

    screening_id = saved(console_coordinator, eligible_form(ecog="2"))
    console_coordinator.get(f"/console/screenings/{screening_id}")
    response = console_coordinator.post(f"/console/screenings/{screening_id}/enroll",
                                        {"phone": "+86 139 1234 5678", "language": "zh",
                                         "treatment_start": "2026-03-09"})
    assert response.status_code == 409 and db.session.query(Patient).count() == 0
    assert "This candidate is not eligible (I2, E2: ECOG 2 (need 0–1))." in console_coordinator.text
    assert 'role="alert"' in console_coordinator.text


def test_enrollment_errors_are_shown_beside_the_field_with_what_was_typed(console_coordinator):
    screening_id = saved(console_coordinator, eligible_form())
    console_coordinator.get(f"/console/screenings/{screening_id}")
    response = console_coordinator.post(f"/console/screenings/{screening_id}/enroll",
                                        {"phone": "12345", "language": "zh", "treatment_start": "2026-02-01"})
    text = console_coordinator.text
    assert response.status_code == 422 and 'id="phone-error"' in text and 'value="12345"' in text
    response = console_coordinator.post(f"/console/screenings/{screening_id}/enroll",
                                        {"phone": "+86 139 1234 5678", "language": "zh",
                                         "treatment_start": "2026-02-01"})
    assert response.status_code == 422 and 'id="treatment_start-error">Must be on or after the screening date.' \
        in console_coordinator.text


# --- scoping, capabilities, CSRF ------------------------------------------------------------------------------

def test_another_sites_screening_is_not_found(console_coordinator, other_site):
    theirs = other_site.post("/api/v1/screenings", json=screening_body(site="SH")).get_json()
    assert console_coordinator.get(f"/console/screenings/{theirs['id']}").status_code == 404
    console_coordinator.get("/console/screenings")
    assert f"#{theirs['id']}<" not in console_coordinator.text
    response = console_coordinator.post(f"/console/screenings/{theirs['id']}/enroll",
                                        {"phone": "+86 139 1234 5678", "language": "zh",
                                         "treatment_start": "2026-03-09"})
    assert response.status_code == 404
    console_coordinator.get("/console/screenings/new")
    response = console_coordinator.post("/console/screenings", eligible_form(site="SH"))
    assert response.status_code == 403 and "You can only act for your own site" in console_coordinator.text
    assert screenings_count() == 1


def test_roles_without_the_screening_capability_are_refused(browser, make_user, coordinator):
    # As on the API, nurses hold screen_patients (permissions.GRANTS); a monitor reads, never writes.
    screening = coordinator.post("/api/v1/screenings", json=screening_body()).get_json()
    make_user("monitor-web", "monitor")
    browser.login("monitor-web")
    assert browser.get(f"/console/screenings/{screening['id']}").status_code == 200
    assert "<fieldset class=\"plain\" disabled>" in browser.text and 'id="enroll-form"' not in browser.text
    assert browser.get("/console/screenings/new").status_code == 403
    assert browser.post("/console/screenings", eligible_form()).status_code == 403
    assert browser.post(f"/console/screenings/{screening['id']}/enroll",
                        {"phone": "+86 139 1234 5678", "language": "zh", "treatment_start": "2026-03-09"}
                        ).status_code == 403
    assert "Your role cannot open this page." in browser.text and screenings_count() == 1


def test_a_statistician_sees_neither_the_pages_nor_the_links(browser, make_user):
    make_user("stat-web", "statistician")
    browser.login("stat-web")
    browser.get("/console/reports")
    assert 'href="/console/screening-log"' not in browser.text
    assert browser.get("/console/screenings").status_code == 403
    assert browser.get("/console/screening-log").status_code == 403


def test_a_nurse_screens_as_on_the_api(browser, make_user):
    make_user("nurse-web", "nurse")
    browser.login("nurse-web")
    assert browser.get("/console/screenings/new").status_code == 200


def test_screening_forms_without_their_csrf_token_are_refused(console_coordinator, app):
    console_coordinator.get("/console/screenings/new")
    client = console_coordinator.client
    for path in ("/console/screenings", "/console/screenings/criteria"):
        response = client.post(path, data=eligible_form(), headers={"Accept-Language": "en"})
        assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
    assert screenings_count() == 0


# --- the screening log ----------------------------------------------------------------------------------------

def test_the_screening_log_is_a_consort_table(console_coordinator, coordinator, other_site):
    def screen(**overrides):
        response = coordinator.post("/api/v1/screenings", json=screening_body(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    enrolled = screen()
    coordinator.post("/api/v1/patients", json=patient_body(enrolled["id"]))
    screen()  # eligible, not enrolled
    screen(facts=eligible_facts(ecog=2))
    screen(facts=with_lab(eligible_facts(ecog=2), "anc", value=900, unit="/µL"))
    screen(facts=eligible_facts(prior_immunotherapy=True))
    screen(facts=eligible_facts(consent_signed_on=None))
    other_site.post("/api/v1/screenings", json=screening_body(site="SH"))  # not counted at BJ
    summary = coordinator.get("/api/v1/screenings/summary").get_json()
    console_coordinator.get("/console/screening-log")
    text = console_coordinator.text

    def n(row):
        return int(re.search(rf'id="n-{row}">(\d+)<', text).group(1))

    assert n("assessed") == summary["screened"] == 6 and n("enrolled") == summary["enrolled"] == 1
    assert n("ineligible") == summary["ineligible"] == 3 and n("not-enrolled") == 1 and n("excluded") == 4
    assert n("pending") == 1 and n("consent-missing") == 1 and n("target") == 25
    assert n("I2") == 2 and n("E2") == 2 and n("I6") == 1 and n("E8") == 1
    assert "Inclusion I2 not met: ECOG 0–1" in text and "Exclusion E8 applies" in text
    console_coordinator.get("/console/screening-log?from=2026-02-26")
    assert 'id="n-assessed">0<' in console_coordinator.text


def test_a_bad_screening_log_filter_is_shown_beside_the_field(console_coordinator):
    response = console_coordinator.get("/console/screening-log?from=26/02/2026")
    text = console_coordinator.text
    assert response.status_code == 422 and 'id="from-error">Not a valid date.' in text and 'value="26/02/2026"' in text


def test_the_screening_pages_speak_chinese(console_coordinator):
    from flask_babel import refresh

    console_coordinator.get("/console/lang/zh")
    refresh()  # the test's app context outlives requests and would keep the first request's locale
    page = console_coordinator.client.get("/console/screenings/new")
    text = page.get_data(as_text=True)
    assert "新筛选" in text and "缺少数据" in text and "实验室检查" in text



def test_an_admin_screens_for_a_chosen_site_and_sees_every_sites_log(browser, make_user, other_site):
    make_user("root-web", "admin")
    browser.login("root-web")
    browser.get("/console/screenings/new")
    assert '<select id="site" name="site"' in browser.text and ">SH · Shanghai<" in browser.text
    screening_id = saved(browser, eligible_form(site="SH", screened_on="2026-03-01"))
    other_site.post("/api/v1/screenings", json=screening_body(site="SH"))
    browser.get(f"/console/screenings/{screening_id}")
    assert "Site: SH" in browser.text
    browser.get("/console/screening-log")
    assert 'id="n-assessed">2<' in browser.text and 'id="n-target">50<' in browser.text  # 25 at each of 2 sites
    browser.get("/console/screening-log?site=BJ")
    assert 'id="n-assessed">0<' in browser.text and 'id="n-target">25<' in browser.text
    response = browser.get("/console/screening-log?site=XX")
    assert response.status_code == 422 and 'id="site-error">Unknown site.' in browser.text
