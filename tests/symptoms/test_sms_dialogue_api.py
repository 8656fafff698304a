"""Symptom conversations end to end: signed Twilio webhooks in, outbox replies and nurse pages out."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Message, SymptomReport
from app.notifications.dispatcher import Dispatcher
from tests.notifications.fake_twilio import fake_twilio_fixture
from tests.notifications.sms_support import PUBLIC_BASE_URL, outbound, twilio_config
from tests.symptoms.conftest import ON_CALL_PHONE

INBOUND = PUBLIC_BASE_URL + "/sms/inbound"
fake_twilio = pytest.fixture(fake_twilio_fixture)


@pytest.fixture
def app_config(app_config, fake_twilio):
    return twilio_config(app_config, fake_twilio)


def text(client, fake, patient, body):
    webhook = fake.inbound_message(INBOUND, patient.phone, body)
    response = client.post("/sms/inbound", data=webhook.params, headers=webhook.headers)
    assert response.status_code == 200
    return [m.body for m in outbound() if m.purpose in ("reply", "urgent_reply")]


def test_question_answer_and_recorded_through_the_webhook(client, fake_twilio, patient, nurse):
    assert "How bad is the nausea" in text(client, fake_twilio, patient, "feel sick")[-1]
    assert text(client, fake_twilio, patient, "2")[-1] == "Thank you, we have recorded your report."
    (report,) = nurse.get(f"/api/v1/patients/{patient.id}/symptom-reports").get_json()["items"]
    assert (report["status"], report["items"][0]["patient_grade"]) == ("complete", 2)
    assert db.session.get(type(patient), patient.id).last_contact_date is not None  # proof of life


def test_red_flag_pages_the_nurse_and_both_messages_go_out(app, client, fake_twilio, patient, on_call, clock):
    replies = text(client, fake_twilio, patient, "穿刺的地方出血")
    assert "急诊" in replies[0] or "call" in replies[0].lower()
    (page,) = outbound(purpose="alert")
    assert page.to_number == ON_CALL_PHONE
    dispatcher = Dispatcher.from_app(app)
    try:
        dispatcher.sweep()
    finally:
        dispatcher.close()
    sent_to = sorted(m["to"] for m in fake_twilio.messages)
    assert sent_to == sorted([patient.phone, ON_CALL_PHONE])
    report = db.session.scalar(select(SymptomReport))
    assert report.escalated and report.items[0].red_flags == ["catheter_site_bleeding"]


def test_duplicate_webhook_grades_once(client, fake_twilio, patient):
    webhook = fake_twilio.inbound_message(INBOUND, patient.phone, "severe headache")
    for _ in range(2):
        client.post("/sms/inbound", data=webhook.params, headers=webhook.headers)
    assert len(db.session.scalars(select(SymptomReport)).all()) == 1
    assert len(db.session.scalars(select(Message).filter_by(purpose="reply")).all()) == 1


def test_keywords_do_not_reach_the_dialogue(client, fake_twilio, patient):
    text(client, fake_twilio, patient, "HELP")
    assert db.session.scalars(select(SymptomReport)).all() == []
