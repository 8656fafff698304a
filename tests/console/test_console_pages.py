"""The console through a browser-like client: sign-in, the day view, a visit completed through
the same service as the API, stale edits and form errors shown beside the field, alerts."""
import re
from datetime import date

from tests.conftest import PASSWORD


def test_login_page_is_chinese_by_default_and_needs_no_external_assets(app):
    page = app.test_client().get("/console/login")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "登录" in text and 'lang="zh-CN"' in text
    assert not re.search(r'(src|href)="(https?:)?//', text)


def test_wrong_password_shows_a_message_and_no_session(browser, make_user):
    make_user("nurse-web", "nurse")
    response = browser.login("nurse-web", "wrong password here")
    assert response.status_code == 401 and "Wrong username or password." in browser.text
    assert browser.get("/console/").status_code == 302


def test_a_login_form_without_its_csrf_token_is_refused(app, make_user):
    make_user("nurse-web", "nurse")
    client = app.test_client()
    response = client.post("/console/login", data={"username": "nurse-web", "password": PASSWORD})
    assert response.status_code == 400 and "此表单已过期" in response.get_data(as_text=True)


def test_the_day_view_lists_todays_visits_and_hides_cancelled(console_nurse, enroll, nurse):
    patient = enroll()
    visits = {v["code"]: v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]}
    today = [v for v in visits.values() if v["scheduled_date"] == "2026-03-02"]
    nurse.post(f"/api/v1/visits/{today[0]['id']}/cancel", json={"reason": "patient unwell"})
    page = console_nurse.get("/console/")
    assert page.status_code == 200
    assert patient["study_id"] in console_nurse.text and today[1]["code"] in console_nurse.text
    assert f">{today[0]['code']}<" not in console_nurse.text and "Show 1 cancelled" in console_nurse.text
    console_nurse.get("/console/?cancelled=1")
    assert f">{today[0]['code']}<" in console_nurse.text


def test_completing_a_visit_goes_through_the_service_and_is_audited(console_nurse, enroll, nurse):
    from app.extensions import db
    from app.models import AuditEntry, Visit

    patient = enroll()
    visit = next(v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]
                 if v["kind"] == "sintilimab" and v["scheduled_date"] == "2026-03-02")
    console_nurse.get(f"/console/patients/{patient['id']}")
    response = console_nurse.post(f"/console/visits/{visit['id']}/complete",
                                  {"version": visit["version"], "actual_date": "2026-03-02", "dose_mg": "200"})
    assert response.status_code == 302
    stored = db.session.get(Visit, visit["id"])
    assert (stored.status, stored.dose_mg) == ("completed", 200.0)
    entry = db.session.query(AuditEntry).filter_by(entity="visit", entity_id=str(visit["id"]),
                                                   action="visit:complete").one()
    assert entry.actor == "nurse-web"
    console_nurse.get(f"/console/patients/{patient['id']}")
    assert "recorded as done" in console_nurse.text


def test_a_stale_edit_from_a_second_tablet_is_refused_with_a_clear_message(console_nurse, enroll, nurse):
    patient = enroll()
    visit = next(v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]
                 if v["kind"] == "sintilimab" and v["scheduled_date"] == "2026-03-02")
    console_nurse.get(f"/console/patients/{patient['id']}")  # tablet 1 loads the page
    moved = nurse.post(f"/api/v1/visits/{visit['id']}/complete", json={"actual_date": "2026-03-02"})
    assert moved.status_code == 200  # tablet 2 (the API) completes it first
    response = console_nurse.post(f"/console/visits/{visit['id']}/complete",
                                  {"version": visit["version"], "actual_date": "2026-03-02"})
    assert response.status_code == 412 and "Someone else changed this visit" in console_nurse.text
    assert "Traceback" not in console_nurse.text


def test_form_errors_are_shown_beside_the_field_and_keep_what_was_typed(console_nurse, enroll, nurse):
    patient = enroll()
    visit = next(v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]
                 if v["kind"] == "sintilimab" and v["scheduled_date"] == "2026-03-02")
    console_nurse.get(f"/console/patients/{patient['id']}")
    response = console_nurse.post(f"/console/visits/{visit['id']}/complete",
                                  {"version": visit["version"], "actual_date": "2026-03-02", "dose_mg": "-5"})
    assert response.status_code == 422
    assert 'id="dose_mg-error"' in console_nurse.text and 'value="-5"' in console_nurse.text
    assert 'aria-invalid="true"' in console_nurse.text


def test_a_form_posted_after_the_session_expired_is_kept_through_login(app, make_user, enroll, nurse, clock):
    from datetime import timedelta

    from tests.console.conftest import Browser

    patient = enroll()
    visit = next(v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]
                 if v["kind"] == "sintilimab" and v["scheduled_date"] == "2026-03-02")
    make_user("nurse-web", "nurse")
    tablet = Browser(app.test_client())
    tablet.login("nurse-web")
    page_path = f"/console/patients/{patient['id']}"
    tablet.get(page_path)
    clock.set(clock.now() + timedelta(hours=9))  # the token (8 h) expired while the form was open
    response = tablet.post(f"/console/visits/{visit['id']}/complete",
                           {"version": visit["version"], "actual_date": "2026-03-01", "dose_mg": "190"},
                           referrer=f"http://localhost{page_path}")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    tablet.get(response.headers["Location"])
    response = tablet.post(response.headers["Location"], {"username": "nurse-web", "password": PASSWORD})
    assert response.headers["Location"].endswith(page_path)
    tablet.get(page_path)
    assert 'value="2026-03-01"' in tablet.text and 'value="190"' in tablet.text


def test_alerts_are_acknowledged_with_a_note(console_nurse, open_alert):
    from app.extensions import db
    from app.models import Alert

    console_nurse.get("/console/alerts")
    assert "Fever" in console_nurse.text and "39.6" in console_nurse.text
    response = console_nurse.post(f"/console/alerts/{open_alert.id}/acknowledge",
                                  {"version": open_alert.version, "note": "Called the patient; coming in today."})
    assert response.status_code == 302
    db.session.expire_all()
    alert = db.session.get(Alert, open_alert.id)
    assert alert.status == "acknowledged" and alert.acknowledgement_note.startswith("Called the patient")


def test_a_role_without_the_capability_gets_a_page_not_a_trace(browser, make_user):
    make_user("stat-web", "statistician")
    browser.login("stat-web")
    assert browser.get("/console/").headers["Location"].endswith("/console/reports")
    response = browser.get("/console/alerts")
    assert response.status_code == 403 and "Your role cannot open this page." in browser.text


def test_other_sites_patients_are_not_found(console_nurse, other_site, enroll):
    from tests.support.factories import patient_body, screening_body

    other = other_site
    screening = other.post("/api/v1/screenings", json=screening_body(site="SH")).get_json()
    patient = other.post("/api/v1/patients", json=patient_body(screening["id"])).get_json()
    response = console_nurse.get(f"/console/patients/{patient['id']}")
    assert response.status_code == 404 and patient["study_id"] not in console_nurse.text


def test_logout_revokes_the_token(console_nurse):
    console_nurse.get("/console/")
    console_nurse.post("/console/logout")
    assert console_nurse.get("/console/").status_code == 302


def test_every_message_has_its_chinese_text_and_the_catalogue_is_compiled():
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder = Path("app/console/translations/zh/LC_MESSAGES")
    catalog = read_po((folder / "messages.po").open("rb"))
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not untranslated
    compiled = read_mo((folder / "messages.mo").open("rb"))
    key = lambda m: m.id if isinstance(m.id, str) else m.id[0]  # noqa: E731
    assert {key(m) for m in compiled if m.id} == {key(m) for m in catalog if m.id}


def test_an_investigator_signs_with_the_password_and_a_wrong_one_is_told_beside_the_field(browser, make_user,
                                                                                          enroll, nurse):
    from app.extensions import db
    from app.models import AdverseEvent, AuditEntry

    patient = enroll()
    body = {"ctcae_term": "Nausea", "grade": 2, "onset_date": "2026-03-02", "serious": False,
            "attribution": {"haic": "possible", "sintilimab": "unlikely", "procedure": "unrelated"},
            "immune_related": False, "aesi": False}
    event = nurse.post(f"/api/v1/patients/{patient['id']}/adverse-events", json=body).get_json()
    make_user("dr-web", "investigator")
    browser.login("dr-web")
    browser.get("/console/adverse-events")
    assert "Nausea" in browser.text
    response = browser.post(f"/console/adverse-events/{event['id']}/sign", {"version": event["version"],
                                                                             "password": "not my password"})
    assert response.status_code == 403 and 'id="password-error"' in browser.text
    response = browser.post(f"/console/adverse-events/{event['id']}/sign", {"version": event["version"],
                                                                             "password": PASSWORD})
    assert response.status_code == 302
    assert db.session.get(AdverseEvent, event["id"]).signed_at is not None
    assert db.session.query(AuditEntry).filter_by(action="sign_off", entity_id=str(event["id"])).one().actor == "dr-web"


def test_reports_show_the_safety_summary_and_the_figures(browser, make_user):
    make_user("coord-web", "coordinator")
    browser.login("coord-web")
    page = browser.get("/console/reports")
    assert page.status_code == 200 and "any_ae" in browser.text
    figure = browser.get("/console/reports/km.png?curve=pfs")
    assert figure.status_code == 200 and figure.data.startswith(b"\x89PNG")
    assert browser.get("/console/reports/km.png?curve=nope").status_code == 404


def test_a_statistician_downloads_the_exports_from_the_reports_page(browser, make_user):
    import io
    import zipfile

    from app.extensions import db
    from app.models import AuditEntry

    make_user("stat-web", "statistician")
    browser.login("stat-web")
    page = browser.get("/console/reports")
    assert "SDTM (SAS XPT v5, zip)" in browser.text and "Safety tables (XLSX)" in browser.text
    adsl = browser.get("/console/exports/adsl")
    assert adsl.status_code == 200 and adsl.data.startswith("\ufeff".encode())
    sdtm = browser.get("/console/exports/sdtm-xpt")
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(sdtm.data)).namelist()
    assert browser.get("/console/reports/safety.xlsx").data[:2] == b"PK"
    assert browser.get("/console/exports/nope").status_code == 404
    assert [e.entity_id for e in db.session.query(AuditEntry).filter_by(action="export")] == ["adsl", "sdtm:xpt"]
    assert page.status_code == 200


def test_a_nurse_has_no_export_links(console_nurse):
    console_nurse.get("/console/reports")
    assert "ADSL" not in console_nurse.text
    assert console_nurse.get("/console/exports/adsl").status_code == 403


def test_a_coordinator_assigns_a_relatives_text_to_the_patient(browser, make_user, enroll, site):
    from app.extensions import db
    from app.models import Message
    from tests.conftest import FROZEN_NOW

    patient = enroll()
    text = Message(direction="inbound", site_id=site.id, to_number=site.phone, from_number="+8613911112222",
                   body="我是她女儿，妈妈今天拉肚子5次", purpose="unknown_sender", status="received",
                   received_at=FROZEN_NOW, provider_sid="SMrelative1")
    db.session.add(text)
    db.session.commit()
    make_user("coord-web", "coordinator")
    browser.login("coord-web")
    browser.get("/console/messages/unmatched")
    assert "妈妈今天拉肚子5次" in browser.text
    response = browser.post(f"/console/messages/{text.id}/assign", {"patient_id": ""})
    assert response.status_code == 422 and 'id="patient_id-error"' in browser.text
    response = browser.post(f"/console/messages/{text.id}/assign", {"patient_id": str(patient["id"])})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Message, text.id).patient_id == patient["id"]
    browser.get("/console/messages/unmatched")
    assert "妈妈今天拉肚子5次" not in browser.text


def test_the_follow_up_worklist_shows_phones_and_records_a_call(browser, make_user, enroll):
    from app.extensions import db
    from app.models import ContactAttempt

    patient = enroll()
    make_user("coord-web", "coordinator")
    browser.login("coord-web")
    browser.get("/console/follow-up")
    assert patient["study_id"] in browser.text and f'href="tel:{patient["phone"]}"' in browser.text
    response = browser.post(f"/console/follow-up/{patient['id']}/contacts", {"channel": "phone", "outcome": "nonsense"})
    assert response.status_code == 422 and 'id="outcome-error"' in browser.text  # beside the field, worklist kept
    assert patient["study_id"] in browser.text
    response = browser.post(f"/console/follow-up/{patient['id']}/contacts",
                            {"channel": "phone", "outcome": "reached", "notes": "家属接听，患者一切好"})
    assert response.status_code == 302
    attempt = db.session.query(ContactAttempt).one()
    assert (attempt.outcome, attempt.notes) == ("reached", "家属接听，患者一切好")


def test_the_patient_page_shows_scans_with_their_responses_and_the_contact_log(browser, make_user, coordinator):
    from tests.followup.past_patients import enroll_on

    patient = enroll_on(coordinator, date(2026, 1, 5), dosed=True)
    scans = ({"date": "2026-01-02", "target_lesions": [{"lesion_id": "L1", "organ": "liver", "nodal": False,
                                                        "diameter_mm": 50}], "non_target": "none", "new_lesions": False},
             {"date": "2026-02-02", "target_lesions": [{"lesion_id": "L1", "organ": "liver", "nodal": False,
                                                        "diameter_mm": 30}], "non_target": "none", "new_lesions": False})
    for body in scans:
        assert coordinator.post(f"/api/v1/patients/{patient['id']}/tumor-assessments", json=body).status_code == 201
    contact = {"channel": "phone", "outcome": "message_left", "notes": "留言给女儿"}
    assert coordinator.post(f"/api/v1/patients/{patient['id']}/contacts", json=contact).status_code == 201
    make_user("nurse-scans", "nurse")
    browser.login("nurse-scans")
    browser.get(f"/console/patients/{patient['id']}")
    page = re.sub(r">\s+<", "><", browser.text)
    assert "Scans (RECIST 1.1)" in page
    assert "<td>2026-02-02</td><td>follow_up</td><td>30.0</td><td>-40.0 %</td><td>-40.0 %</td><td>no</td><td>PR</td>" in page
    assert "Best overall response: <strong>NE</strong>" in page  # a PR not yet confirmed (RECIST 1.1 §4.4)
    assert "Contact log" in page and "message_left" in page and "留言给女儿" in page
