"""The web symptom form: links (API, expiry, revocation, uses), the page and its submissions."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.forms import links
from app.models import Alert, AuditEntry, FormLink, Message, Patient, SymptomReport
from app.notifications.templates import find_sensitive_terms
from tests.forms.conftest import ON_CALL_PHONE

SITE_PHONE = "+861088196114"


def reports():
    return db.session.scalars(select(SymptomReport).order_by(SymptomReport.id)).all()


def test_staff_send_a_link_by_templated_sms(app, nurse, patient, clock):
    response = nurse.post(f"/api/v1/patients/{patient.id}/form-links")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    token = body["url"].rsplit("/r/", 1)[1]
    assert body["url"] == f"{app.config['PUBLIC_BASE_URL']}/r/{token}"
    assert len(token) == 16 and patient.study_id not in body["url"] and patient.phone[1:] not in body["url"]
    assert body["expires_at"].startswith((clock.now() + timedelta(hours=72)).isoformat()[:16])
    [message] = db.session.scalars(select(Message).filter_by(purpose="form_link")).all()
    assert body["url"] in message.body and message.to_number == patient.phone
    assert db.session.scalars(select(AuditEntry).filter_by(action="form_link_issued")).one()
    # A resend makes a new link; the one already in the patient's SMS keeps working.
    second = nurse.post(f"/api/v1/patients/{patient.id}/form-links").get_json()
    assert second["url"] != body["url"]
    assert links.resolve(token, clock.now()).problem is None


def test_only_staff_who_record_symptoms_may_send(login, patient):
    monitor = login("monitor")
    assert monitor.post(f"/api/v1/patients/{patient.id}/form-links").status_code == 403


def test_link_settings_come_from_config(app, nurse, patient, clock):
    app.config.update(FORM_LINK_TTL_HOURS=2, FORM_LINK_MAX_USES=1)
    nurse.post(f"/api/v1/patients/{patient.id}/form-links")
    link = db.session.scalars(select(FormLink)).one()
    assert (link.expires_at, link.max_uses) == (clock.now() + timedelta(hours=2), 1)


def test_the_page_is_in_the_patients_language_without_sensitive_words(client, patient, new_link):
    response = client.get(f"/r/{new_link(patient)}?from=singlemessage&isappinstalled=0")  # WeChat's own params
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "今天感觉怎么样" in html and "今天没有不舒服" in html and SITE_PHONE in html
    assert find_sensitive_terms(html) == [] and "Beijing Cancer Hospital" not in html
    assert "<script" not in html and "http://" not in html.replace(SITE_PHONE, "") and "https://" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer" and "default-src 'none'" in \
        response.headers["Content-Security-Policy"]


def test_english_page(client, enroll, new_link):
    patient = db.session.get(Patient, enroll(language="en")["id"])
    assert "How are you feeling today?" in client.get(f"/r/{new_link(patient)}").get_data(as_text=True)


def test_nothing_today_in_one_tap(client, patient, new_link):
    response = client.post(f"/r/{new_link(patient)}", data={"action": "nothing", "nonce": "a" * 32})
    assert response.status_code == 200 and "已记录" in response.get_data(as_text=True)
    [report] = reports()
    assert (report.channel, report.status, report.items, report.escalated) == ("form", "complete", [], False)


def test_answers_are_graded_like_any_report(client, patient, new_link, submit):
    response = submit(new_link(patient), {"s_nausea": "2", "s_vomiting": "1", "stools": "3", "text": "晚上睡不好"})
    assert response.status_code == 200 and "已收到" in response.get_data(as_text=True)
    [report] = reports()
    items = {item.ctcae_term: item for item in report.items}
    assert items["Nausea"].severity == 2 and items["Nausea"].patient_grade is not None
    assert items["Vomiting"].frequency == 1
    assert (items["Diarrhea"].value, items["Diarrhea"].unit) == (3, "stools/day")
    assert report.text == "晚上睡不好" and report.channel == "form"


def test_an_urgent_answer_shows_the_phone_at_once_and_pages_the_nurse(client, patient, new_link, submit, on_call):
    response = submit(new_link(patient), {"flag": "blood_vomit"})
    html = response.get_data(as_text=True)
    assert 'id="urgent"' in html and f'href="tel:{SITE_PHONE}"' in html
    assert html.index("urgent") < html.index("thanks")  # the phone comes first
    [alert] = db.session.scalars(select(Alert).filter_by(kind="symptom")).all()
    assert "red_flag:vomiting_blood" in alert.reasons
    pages = db.session.scalars(select(Message).filter_by(purpose="alert")).all()
    assert [page.to_number for page in pages] == [ON_CALL_PHONE]


def test_a_red_flag_in_free_text_escalates_too(client, patient, new_link, submit, on_call):
    response = submit(new_link(patient), {"s_tired": "1", "text": "昨天大便发黑"})
    assert 'id="urgent"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Alert).filter_by(kind="symptom")).all()


def test_double_submission_makes_one_report(client, patient, new_link):
    token = new_link(patient)
    data = {"nonce": "b" * 32, "action": "send", "s_cough": "2"}
    first, second = client.post(f"/r/{token}", data=data), client.post(f"/r/{token}", data=data)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert len(reports()) == 1 and db.session.scalars(select(FormLink)).one().uses == 1


def test_uses_are_limited(client, patient, new_link, submit):
    token = new_link(patient, max_uses=2)
    for _ in range(2):
        assert submit(token, {"s_cough": "1"}).status_code == 200
    response = submit(token, {"s_cough": "1"})
    assert response.status_code == 410 and "不能用了" in response.get_data(as_text=True)
    assert len(reports()) == 2


@pytest.mark.parametrize("how", ["expired", "revoked", "forged", "garbage"])
def test_bad_tokens_get_a_friendly_page(client, patient, new_link, clock, how):
    token = new_link(patient)
    if how == "expired":
        clock.set(clock.now() + timedelta(hours=72))
    elif how == "revoked":
        links.revoke("test", clock.now(), db.session.scalars(select(FormLink)).one(), "lost phone")
        db.session.commit()
    elif how == "forged":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    else:
        token = "x" * 500
    for response in (client.get(f"/r/{token}"), client.post(f"/r/{token}", data={"s_cough": "3"})):
        html = response.get_data(as_text=True)
        assert response.status_code in (404, 410) and response.mimetype == "text/html"
        assert "Traceback" not in html and patient.study_id not in html and patient.phone not in html
        assert "这个链接不能用了" in html
    assert reports() == []


def test_oversized_text_gets_a_clear_message_and_nothing_is_stored(client, patient, new_link, submit):
    response = submit(new_link(patient), {"s_cough": "1", "text": "咳" * 1001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "文字太长了" in html and 'id="text-error"' in html
    assert re.search(r'name="s_cough" value="1"\s*checked', html)  # the answers are kept
    assert reports() == [] and db.session.scalars(select(FormLink)).one().uses == 0


def test_a_huge_post_is_refused_with_a_page(client, patient, new_link):
    response = client.post(f"/r/{new_link(patient)}", data={"text": "x" * 200_000})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert reports() == []


def test_an_implausible_temperature_is_asked_again(client, patient, new_link, submit):
    response = submit(new_link(patient), {"temperature": "385"})
    assert response.status_code == 422 and "数字看起来不对" in response.get_data(as_text=True)
    assert reports() == []


def test_a_queued_link_sms_for_a_revoked_link_is_cancelled(app, nurse, patient, clock):
    from app.notifications.dispatcher import Dispatcher

    nurse.post(f"/api/v1/patients/{patient.id}/form-links")
    links.revoke("test", clock.now(), db.session.scalars(select(FormLink)).one())
    db.session.commit()
    dispatcher = Dispatcher.from_app(app)
    try:
        assert dispatcher.sweep().cancelled == 1
    finally:
        dispatcher.close()


def test_checkins_go_out_as_form_links_when_the_patient_prefers(app, nurse, patient, clock):
    from app.symptoms.checkins.services import plan_checkins

    response = nurse.patch(f"/api/v1/patients/{patient.id}", json={"checkin_channel": "form"})
    assert response.status_code == 200 and response.get_json()["checkin_channel"] == "form"
    from datetime import datetime

    later = datetime.fromisoformat("2026-03-06T10:15:00+08:00")  # the weekly check-in is due at 11:00
    planned = plan_checkins(later) + plan_checkins(later)  # twice: once only
    db.session.commit()
    messages = db.session.scalars(select(Message).where(Message.patient_id == patient.id,
                                                        Message.purpose.in_(("checkin", "form_link")))).all()
    assert planned == len(messages) >= 1 and {m.purpose for m in messages} == {"form_link"}
    assert "/r/" in messages[0].body


def test_a_site_can_make_form_links_its_check_in_channel(admin, nurse, patient, site):
    created = admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai",
                                                "checkin_channel": "form"})
    assert created.status_code == 201 and created.get_json()["checkin_channel"] == "form"
    assert admin.post("/api/v1/sites", json={"code": "GZ", "name": "Guangzhou", "timezone": "Asia/Shanghai",
                                             "checkin_channel": "wechat"}).status_code == 422
    site.checkin_channel = "form"
    db.session.commit()
    assert links.checkin_channel(patient) == "form"
    assert nurse.patch(f"/api/v1/patients/{patient.id}", json={"checkin_channel": "sms"}).status_code == 200
    assert links.checkin_channel(db.session.get(Patient, patient.id)) == "sms"  # the patient's own choice wins


def test_revoke_every_link_of_a_patient_from_the_cli(app, client, patient, new_link, submit):
    tokens = [new_link(patient), new_link(patient)]
    result = app.test_cli_runner().invoke(args=["forms", "revoke", str(patient.id), "--reason", "phone lost"])
    assert result.exit_code == 0 and "revoked 2 link(s)" in result.output
    assert all(submit(token, {"s_cough": "1"}).status_code == 410 for token in tokens)
    assert len(db.session.scalars(select(AuditEntry).filter_by(action="form_link_revoked")).all()) == 2
