"""The nurse's care pages (app/console/care.py): reschedule with the cascade previewed, miss, a bedside
symptom report, the CTCAE picker, AE candidates, labs, alert notes — each through the API's own
service, with its errors beside the field, stale versions refused, other sites 404, roles refused."""
import re

import pytest

from tests.conftest import PASSWORD

LAB_PANEL = [{"test": "anc", "value": 3.1, "unit": "10^9/L", "lln": 1.8},
             {"test": "platelets", "value": 60, "unit": "10^9/L", "lln": 125},
             {"test": "alt", "value": 30, "unit": "U/L", "uln": 40},
             {"test": "ast", "value": 28, "unit": "U/L", "uln": 40},
             {"test": "total_bilirubin", "value": 12, "unit": "µmol/L", "uln": 21},
             {"test": "creatinine", "value": 70, "unit": "µmol/L", "uln": 106}]
CONFIRM = {"grade": "2", "onset_date": "2026-03-02", "serious": "false", "immune_related": "false", "aesi": "false",
           "attribution.haic": "possible", "attribution.sintilimab": "unlikely", "attribution.procedure": "unrelated"}


def visits_of(api, patient):
    return {v["code"]: v for v in api.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]}


def hidden(page_text, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page_text).group(1)


def _row(model, row_id):
    from app.extensions import db

    db.session.expire_all()
    return db.session.get(model, row_id)


@pytest.fixture
def other_site_patient(other_site):
    from tests.support.factories import patient_body, screening_body

    other = other_site
    screening = other.post("/api/v1/screenings", json=screening_body(site="SH")).get_json()
    patient = other.post("/api/v1/patients", json=patient_body(screening["id"])).get_json()
    return patient, visits_of(other, patient), other


# --- Reschedule with the cascade previewed, and miss ------------------------------------------------

def test_a_reschedule_is_previewed_then_applied_through_the_service(console_nurse, enroll, nurse):
    from app.models import AuditEntry, Visit

    patient = enroll()
    visits = visits_of(nurse, patient)
    c2 = visits["C02-SINT"]
    console_nurse.get(f"/console/patients/{patient['id']}")
    assert f'href="/console/visits/{c2["id"]}"' in console_nurse.text
    console_nurse.get(f"/console/visits/{c2['id']}")
    page = console_nurse.post(f"/console/visits/{c2['id']}/reschedule",
                              {"version": c2["version"], "date": "2026-03-30", "reason": "fever", "action": "preview"})
    assert page.status_code == 200 and "What will change" in console_nurse.text
    for code in ("C02-SINT", "C02-HAIC", "C03-SINT"):
        assert f"<td>{code}</td>" in console_nurse.text
    assert "<td>IMG-W06</td>" not in console_nurse.text  # imaging never moves with treatment
    assert "2026-03-23</td><td><strong>2026-03-30</strong>" in console_nurse.text
    assert _row(Visit, c2["id"]).scheduled_date.isoformat() == "2026-03-23"  # a preview writes nothing

    response = console_nurse.post(f"/console/visits/{c2['id']}/reschedule", {
        "version": hidden(console_nurse.text, "version"), "date": "2026-03-30", "reason": "fever",
        "expected": hidden(console_nurse.text, "expected"), "action": "apply"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#visit-{c2['id']}")
    assert _row(Visit, c2["id"]).scheduled_date.isoformat() == "2026-03-30"
    group = AuditEntry.query.filter_by(action="visit:reschedule_group", entity_id=str(c2["id"])).one()
    assert group.actor == "nurse-web" and group.reason == "fever"
    after = visits_of(nurse, patient)
    assert after["C03-SINT"]["scheduled_date"] != visits["C03-SINT"]["scheduled_date"]
    assert after["IMG-W06"]["scheduled_date"] == visits["IMG-W06"]["scheduled_date"]
    console_nurse.get(f"/console/patients/{patient['id']}")
    assert "C02-SINT is now on 2026-03-30" in console_nurse.text


@pytest.mark.parametrize("typed,message", [
    ("2026-02-30", "Not a valid date."),
    ("2026-03-01", "Before today at the site."),
    ("2107-03-01", "is outside the range this visit can be moved to"),
])
def test_a_bad_date_is_told_beside_the_field_and_kept(console_nurse, enroll, nurse, typed, message):
    c2 = visits_of(nurse, enroll())["C02-SINT"]
    console_nurse.get(f"/console/visits/{c2['id']}")
    response = console_nurse.post(f"/console/visits/{c2['id']}/reschedule",
                                  {"version": c2["version"], "date": typed, "reason": "typo", "action": "preview"})
    assert response.status_code == 422
    error = re.search(r'id="date-error">([^<]*)<', console_nurse.text).group(1)
    assert message in error and f'value="{typed}"' in console_nurse.text and 'value="typo"' in console_nurse.text
    assert "What will change" not in console_nurse.text and "Traceback" not in console_nurse.text


def test_a_reason_is_required_beside_its_field(console_nurse, enroll, nurse):
    c2 = visits_of(nurse, enroll())["C02-SINT"]
    console_nurse.get(f"/console/visits/{c2['id']}")
    response = console_nurse.post(f"/console/visits/{c2['id']}/reschedule",
                                  {"version": c2["version"], "date": "2026-03-30", "action": "preview"})
    assert response.status_code == 422 and 'id="reason-error"' in console_nurse.text
    assert 'value="2026-03-30"' in console_nurse.text


def test_a_stale_version_is_refused_with_a_clear_message(console_nurse, enroll, nurse):
    from app.models import Visit

    c2 = visits_of(nurse, enroll())["C02-SINT"]
    console_nurse.get(f"/console/visits/{c2['id']}")
    console_nurse.post(f"/console/visits/{c2['id']}/reschedule",
                       {"version": c2["version"], "date": "2026-03-30", "reason": "fever", "action": "preview"})
    expected = hidden(console_nurse.text, "expected")
    moved = nurse.post(f"/api/v1/visits/{c2['id']}/reschedule", json={"date": "2026-03-25", "reason": "other tablet"})
    assert moved.status_code == 200
    response = console_nurse.post(f"/console/visits/{c2['id']}/reschedule", {
        "version": c2["version"], "date": "2026-03-30", "reason": "fever", "expected": expected, "action": "apply"})
    assert response.status_code == 412 and "Someone else changed this visit" in console_nurse.text
    assert _row(Visit, c2["id"]).scheduled_date.isoformat() == "2026-03-25"
    assert 'value="2026-03-30"' in console_nurse.text  # what the nurse typed is kept


def test_a_preview_that_no_longer_holds_is_shown_again_not_applied(console_nurse, enroll, nurse):
    from app.models import Visit

    visits = visits_of(nurse, enroll())
    c2, c3 = visits["C02-SINT"], visits["C03-SINT"]
    console_nurse.get(f"/console/visits/{c2['id']}")
    console_nurse.post(f"/console/visits/{c2['id']}/reschedule",
                       {"version": c2["version"], "date": "2026-03-30", "reason": "fever", "action": "preview"})
    expected = hidden(console_nurse.text, "expected")
    # Another tablet moves a later visit the cascade drags: the C02 visit itself is unchanged.
    assert nurse.post(f"/api/v1/visits/{c3['id']}/reschedule",
                      json={"date": "2026-04-15", "reason": "holiday"}).status_code == 200
    response = console_nurse.post(f"/console/visits/{c2['id']}/reschedule", {
        "version": c2["version"], "date": "2026-03-30", "reason": "fever", "expected": expected, "action": "apply"})
    assert response.status_code == 409 and "The schedule changed since your preview" in console_nurse.text
    assert "What will change" in console_nurse.text
    assert _row(Visit, c2["id"]).scheduled_date.isoformat() == "2026-03-23"


def test_a_visit_is_missed_with_a_reason_through_the_service(console_nurse, enroll, nurse):
    from app.models import AuditEntry, Visit

    visits = visits_of(nurse, enroll())
    today, later = visits["C01-SINT"], visits["C02-SINT"]
    console_nurse.get(f"/console/visits/{today['id']}")
    assert "Record as missed" in console_nurse.text
    response = console_nurse.post(f"/console/visits/{today['id']}/miss", {"version": today["version"], "reason": " "})
    assert response.status_code == 422 and 'id="reason-error"' in console_nurse.text
    response = console_nurse.post(f"/console/visits/{today['id']}/miss",
                                  {"version": today["version"], "reason": "did not come, phone off"})
    assert response.status_code == 302
    stored = _row(Visit, today["id"])
    assert (stored.status, stored.status_reason) == ("missed", "did not come, phone off")
    assert AuditEntry.query.filter_by(action="visit:miss", entity_id=str(today["id"])).one().actor == "nurse-web"
    console_nurse.get(f"/console/visits/{later['id']}")
    assert "Record as missed" not in console_nurse.text  # its day has not come
    response = console_nurse.post(f"/console/visits/{later['id']}/miss", {"version": later["version"], "reason": "x"})
    assert response.status_code == 422 and "The visit&#39;s day has not come yet." in console_nurse.text
    console_nurse.get(f"/console/visits/{today['id']}")
    assert "This visit is history" in console_nurse.text


def test_a_missed_visit_with_a_stale_version_is_refused(console_nurse, enroll, nurse):
    today = visits_of(nurse, enroll())["C01-SINT"]
    console_nurse.get(f"/console/visits/{today['id']}")
    nurse.post(f"/api/v1/visits/{today['id']}/complete", json={"actual_date": "2026-03-02"})
    response = console_nurse.post(f"/console/visits/{today['id']}/miss",
                                  {"version": today["version"], "reason": "did not come"})
    assert response.status_code == 412 and "Someone else changed this visit" in console_nurse.text


# --- Bedside symptom report and the CTCAE picker -------------------------------------------------

def _import_nausea():
    from app.extensions import db
    from app.models import CtcaeTerm
    from tests.conftest import FROZEN_NOW

    db.session.add(CtcaeTerm(term="Nausea", meddra_code="10028813", soc="Gastrointestinal disorders",
                             definition="A disorder characterized by a queasy sensation.",
                             grades={"1": "Loss of appetite without alteration in eating habits",
                                     "2": "Oral intake decreased without significant weight loss",
                                     "3": "Inadequate oral caloric or fluid intake; tube feeding indicated"},
                             ctcae_version="5.0", source="NCI CTCAE v5.0", imported_at=FROZEN_NOW))
    db.session.commit()


def test_the_picker_shows_grade_definitions_where_imported(console_nurse):
    console_nurse.get("/console/ctcae?q=恶心")
    assert "Nausea" in console_nurse.text and "Definition not imported" in console_nurse.text
    _import_nausea()
    page = console_nurse.get("/console/ctcae?q=nausea")
    assert page.status_code == 200 and "Oral intake decreased without significant weight loss" in console_nurse.text
    assert "<dt>Grade 3</dt>" in console_nurse.text
    response = console_nurse.get("/console/ctcae?q=" + "x" * 101)
    assert response.status_code == 422 and 'id="q-error"' in console_nurse.text and "x" * 101 in console_nurse.text
    assert console_nurse.get("/console/ctcae").status_code == 200


def test_a_bedside_report_is_picked_graded_saved_and_its_result_shown(console_nurse, enroll):
    from app.models import AuditEntry, SymptomReport, User

    patient = enroll()
    base = f"/console/patients/{patient['id']}/symptom-reports/new"
    console_nurse.get(f"/console/patients/{patient['id']}")
    assert f'href="{base}"' in console_nurse.text
    console_nurse.get(base)
    console_nurse.post(base, {"action": "search", "term_query": "恶心", "text": "今天恶心"})
    assert 'value="Nausea"' in console_nurse.text and "今天恶心" in console_nurse.text
    console_nurse.post(base, {"add_term": "Nausea", "term_query": "恶心", "text": "今天恶心"})
    assert 'name="items-0-ctcae_term" list="ctcae-terms" value="Nausea"' in console_nurse.text
    response = console_nurse.post(base, {"action": "save", "items-0-ctcae_term": "Nausea",
                                         "items-0-patient_grade": "2", "text": "今天恶心"})
    assert response.status_code == 302
    report = SymptomReport.query.one()
    assert (report.channel, report.entered_by_id) == ("tablet", User.query.filter_by(username="nurse-web").one().id)
    assert [(i.ctcae_term, i.patient_grade) for i in report.items] == [("Nausea", 2)]
    assert AuditEntry.query.filter_by(action="symptom_report_entered", entity_id=str(report.id)).one().actor == \
        "nurse-web"
    console_nurse.get(response.headers["Location"])
    assert "Symptom report recorded." in console_nurse.text and "Not escalated" in console_nurse.text
    assert "<td>Nausea</td><td>2</td>" in console_nurse.text


def test_a_report_saved_twice_from_one_form_is_recorded_once(console_nurse, enroll):
    from app.models import SymptomReport

    patient = enroll()
    base = f"/console/patients/{patient['id']}/symptom-reports/new"
    console_nurse.get(base)
    submission = hidden(console_nurse.text, "submission")
    console_nurse.post(base, {"action": "search", "term_query": "恶心", "submission": submission})
    assert hidden(console_nurse.text, "submission") == submission  # kept while the nurse works on the form
    form = {"action": "save", "items-0-ctcae_term": "Nausea", "items-0-patient_grade": "2", "submission": submission}
    form_page = console_nurse.page
    first = console_nurse.post(base, form)
    console_nurse.page = form_page  # the second tap comes from the same page, with the same tokens
    second = console_nurse.post(base, form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert SymptomReport.query.count() == 1
    console_nurse.get(base)
    assert hidden(console_nurse.text, "submission") != submission  # a new form is a new report


def test_free_text_is_read_like_an_sms_and_a_missing_grade_is_asked_beside_its_row(console_nurse, enroll):
    from app.models import Alert, SymptomReport

    patient = enroll()
    base = f"/console/patients/{patient['id']}/symptom-reports/new"
    console_nurse.get(base)
    console_nurse.post(base, {"action": "read_text", "text": "有点恶心，发烧39度，不头痛"})
    assert 'value="Nausea"' in console_nurse.text and 'value="Fever"' in console_nurse.text
    assert 'name="items-1-value" value="39"' in console_nurse.text
    assert 'list="ctcae-terms" value="Headache"' not in console_nurse.text  # denied in the text
    response = console_nurse.post(base, {"action": "save", "text": "vomited blood twice"})
    assert response.status_code == 422 and 'id="items-0-patient_grade-error"' in console_nurse.text
    assert "vomited blood twice" in console_nurse.text and 'name="items-0-red_flags" value="vomiting_blood"' in \
        console_nurse.text
    response = console_nurse.post(base, {"action": "save", "text": "vomited blood twice",
                                         "items-0-ctcae_term": "Upper gastrointestinal hemorrhage",
                                         "items-0-patient_grade": "2", "items-0-red_flags": "vomiting_blood"})
    assert response.status_code == 302
    report = SymptomReport.query.one()
    assert report.escalated and Alert.query.filter_by(symptom_report_id=report.id).count() == 1
    console_nurse.get(response.headers["Location"])
    assert "Escalated: an alert is open for the team." in console_nurse.text


@pytest.mark.parametrize("form,field", [
    ({"action": "save"}, "items-error"),
    ({"action": "save", "items-0-ctcae_term": "Nonsense", "items-0-patient_grade": "1"}, "items-0-ctcae_term-error"),
    ({"action": "save", "items-0-ctcae_term": "Nausea", "items-0-patient_grade": "7"}, "items-0-patient_grade-error"),
])
def test_bad_symptom_rows_are_told_beside_the_row(console_nurse, enroll, form, field):
    from app.models import SymptomReport

    patient = enroll()
    base = f"/console/patients/{patient['id']}/symptom-reports/new"
    console_nurse.get(base)
    response = console_nurse.post(base, form)
    assert response.status_code == 422 and f'id="{field}"' in console_nurse.text
    if form.get("items-0-ctcae_term"):
        assert f'value="{form["items-0-ctcae_term"]}"' in console_nurse.text
    assert SymptomReport.query.count() == 0


# --- AE candidates and labs on the patient page --------------------------------------------------------

def _symptom_candidate(nurse, patient, term="Nausea", grade=2):
    body = {"items": [{"ctcae_term": term, "patient_grade": grade}]}
    report = nurse.post(f"/api/v1/patients/{patient['id']}/symptom-reports", json=body)
    assert report.status_code == 201, report.get_json()
    return report.get_json()["items"][0]["id"]


def test_an_ae_candidate_is_confirmed_with_errors_beside_the_fields_first(console_nurse, enroll, nurse):
    from app.models import AdverseEvent, AuditEntry

    patient = enroll()
    item_id = _symptom_candidate(nurse, patient)
    page = f"/console/patients/{patient['id']}"
    console_nurse.get(page)
    assert f'id="candidate-{item_id}"' in console_nurse.text
    url = f"/console/patients/{patient['id']}/ae-candidates/{item_id}/confirm"
    response = console_nurse.post(url, {**CONFIRM, "serious": "", "attribution.haic": "", "grade": "3"})
    assert response.status_code == 422
    assert 'id="serious-error"' in console_nurse.text and 'id="attribution.haic-error"' in console_nurse.text
    assert '<option value="3" selected>' in console_nurse.text  # what was chosen is kept
    response = console_nurse.post(url, CONFIRM)
    assert response.status_code == 302
    event = AdverseEvent.query.one()
    assert (event.ctcae_term, event.grade, event.patient_id) == ("Nausea", 2, patient["id"])
    assert AuditEntry.query.filter_by(action="symptom_confirmed", entity_id=str(item_id)).one().actor == "nurse-web"
    console_nurse.get(page)
    assert f'id="candidate-{item_id}"' not in console_nurse.text
    assert console_nurse.post(url, CONFIRM).status_code == 409  # already decided: said on the page


def test_an_ae_candidate_is_dismissed_with_a_reason(console_nurse, enroll, nurse):
    from app.models import SymptomReview

    patient = enroll()
    item_id = _symptom_candidate(nurse, patient, "Fatigue", 1)
    console_nurse.get(f"/console/patients/{patient['id']}")
    url = f"/console/patients/{patient['id']}/ae-candidates/{item_id}/dismiss"
    response = console_nurse.post(url, {"reason": ""})
    assert response.status_code == 422 and 'id="reason-error"' in console_nurse.text
    assert console_nurse.post(url, {"reason": "tired from the journey"}).status_code == 302
    assert SymptomReview.query.one().decision == "dismissed"
    console_nurse.get(f"/console/patients/{patient['id']}")
    assert console_nurse.post(f"/console/patients/{patient['id']}/ae-candidates/nope-1/dismiss",
                              {"reason": "x"}).status_code == 404


def test_labs_and_haic_readiness_are_on_the_patient_page(console_nurse, enroll, nurse):
    patient = enroll()
    posted = nurse.post(f"/api/v1/patients/{patient['id']}/lab-results",
                        json={"collected_on": "2026-03-02", "results": LAB_PANEL})
    assert posted.status_code == 201, posted.get_json()
    console_nurse.get(f"/console/patients/{patient['id']}")
    assert "Collected on 2026-03-02" in console_nurse.text and "<td>platelets</td>" in console_nurse.text
    assert "Platelet count decreased" in console_nurse.text
    assert re.search(r"HAIC readiness · C01-HAIC 2026-03-02:\s*<span class=\"badge hold\">hold</span>", console_nurse.text)


# --- Alert notes ----------------------------------------------------------------------------------

def test_a_note_is_added_to_an_alert_without_acknowledging_it(console_nurse, open_alert, nurse):
    from app.models import Alert

    console_nurse.get("/console/alerts")
    assert "No notes yet." in console_nurse.text
    url = f"/console/alerts/{open_alert.id}/notes"
    response = console_nurse.post(url, {"version": open_alert.version, "note": ""})
    assert response.status_code == 422 and 'id="note-error"' in console_nurse.text
    response = console_nurse.post(url, {"version": open_alert.version, "note": "Left a message with her son."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#alert-{open_alert.id}")
    alert = _row(Alert, open_alert.id)
    assert alert.status == "open" and [n.note for n in alert.notes] == ["Left a message with her son."]
    console_nurse.get("/console/alerts")
    assert "nurse-web</strong>: Left a message with her son." in console_nurse.text
    version = alert.version
    assert nurse.post(f"/api/v1/alerts/{open_alert.id}/acknowledge", json={"note": "seen"}).status_code == 200
    response = console_nurse.post(url, {"version": version, "note": "stale tablet"})
    assert response.status_code == 412 and "Someone else changed this alert" in console_nurse.text
    assert 'stale tablet</textarea>' in console_nurse.text


def test_a_note_sent_twice_from_one_form_is_on_the_thread_once(console_nurse, open_alert):
    from app.models import Alert

    console_nurse.get("/console/alerts")
    form_page = console_nurse.page
    form = {"version": open_alert.version, "note": "Called twice, no answer.",
            "submission": hidden(console_nurse.text, "submission")}
    first = console_nurse.post(f"/console/alerts/{open_alert.id}/notes", form)
    console_nurse.page = form_page  # a double tap: the same page, the same tokens
    second = console_nurse.post(f"/console/alerts/{open_alert.id}/notes", form)
    assert first.status_code == second.status_code == 302
    assert [n.note for n in _row(Alert, open_alert.id).notes] == ["Called twice, no answer."]


# --- Site scoping and capabilities ----------------------------------------------------------------

def test_another_sites_visits_and_patients_are_not_found(console_nurse, other_site_patient):
    patient, visits, _api = other_site_patient
    visit = visits["C02-SINT"]
    console_nurse.get("/console/")
    pages = [console_nurse.get(f"/console/visits/{visit['id']}"),
             console_nurse.get(f"/console/patients/{patient['id']}/symptom-reports/new")]
    assert [p.status_code for p in pages] == [404, 404]
    console_nurse.get("/console/")
    posts = [console_nurse.post(f"/console/visits/{visit['id']}/reschedule",
                                {"version": visit["version"], "date": "2026-03-30", "reason": "x", "action": "apply"}),
             console_nurse.post(f"/console/visits/{visit['id']}/miss", {"version": visit["version"], "reason": "x"}),
             console_nurse.post(f"/console/patients/{patient['id']}/symptom-reports/new",
                                {"action": "save", "items-0-ctcae_term": "Nausea", "items-0-patient_grade": "1"}),
             console_nurse.post(f"/console/patients/{patient['id']}/ae-candidates/1/dismiss", {"reason": "x"})]
    assert [p.status_code for p in posts] == [404, 404, 404, 404]
    assert patient["study_id"] not in console_nurse.text


def test_roles_without_the_capability_are_refused(browser, make_user, enroll, nurse, open_alert):
    visit = visits_of(nurse, {"id": open_alert.patient_id})["C02-SINT"]
    make_user("monitor-web", "monitor")
    browser.login("monitor-web")
    for path in (f"/console/visits/{visit['id']}", f"/console/patients/{open_alert.patient_id}/symptom-reports/new"):
        response = browser.get(path)
        assert response.status_code == 403 and "Your role cannot open this page." in browser.text
    browser.get(f"/console/patients/{open_alert.patient_id}")
    assert "Reschedule or miss" not in browser.text and "Record a symptom report" not in browser.text
    assert "Confirm as an adverse event" not in browser.text
    response = browser.post(f"/console/alerts/{open_alert.id}/notes", {"version": open_alert.version, "note": "x"})
    assert response.status_code == 403


def test_signed_out_posts_keep_the_form_and_go_to_login(app, enroll, nurse, make_user):
    from tests.console.conftest import Browser

    c2 = visits_of(nurse, enroll())["C02-SINT"]
    make_user("nurse-web", "nurse")
    tablet = Browser(app.test_client())
    tablet.get("/console/login")
    response = tablet.post(f"/console/visits/{c2['id']}/reschedule",
                           {"version": c2["version"], "date": "2026-03-30", "reason": "x", "action": "apply"})
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert tablet.login("nurse-web", PASSWORD).status_code == 302
