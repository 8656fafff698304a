"""/sms/inbound and /sms/status: signatures, keywords, duplicates, ordering; the messages list."""
import pytest

from tests.notifications.sms_support import plain_sms

from app.extensions import db
from app.models import Alert, AuditEntry, Message, Patient
from app.notifications.dispatcher import Dispatcher
from tests.notifications.fake_twilio import DEFAULT_AUTH_TOKEN
from tests.notifications.sms_support import PUBLIC_BASE_URL, outbound, post_signed, twilio_config

INBOUND = PUBLIC_BASE_URL + "/sms/inbound"
STATUS = PUBLIC_BASE_URL + "/sms/status"


@pytest.fixture
def app_config(app_config, fake_twilio):
    return twilio_config(app_config, fake_twilio)


@pytest.fixture
def patient(enroll):
    return enroll(language="en")


def inbound(client, fake, sender, body):
    webhook = fake.inbound_message(INBOUND, sender, body)
    return client.post("/sms/inbound", data=webhook.params, headers=webhook.headers), webhook


def test_signed_inbound_is_stored_and_proves_life(client, fake_twilio, patient):
    response, webhook = inbound(client, fake_twilio, patient["phone"], "I feel fine")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert b"<Response" in response.data
    [message] = db.session.scalars(db.select(Message)).all()
    assert (message.direction, message.patient_id, message.status) == ("inbound", patient["id"], "received")
    assert message.provider_sid == webhook.params["MessageSid"]
    assert db.session.get(Patient, patient["id"]).last_contact_date.isoformat() == "2026-03-02"


@pytest.mark.parametrize("how", ["forged", "wrong_url", "missing", "tampered"])
def test_bad_signatures_are_refused(client, fake_twilio, patient, how):
    params = {"MessageSid": "SM" + "1" * 32, "From": patient["phone"], "To": "+15005550006", "Body": "STOP"}
    if how == "forged":
        response = post_signed(client, INBOUND, params, "not-the-token")
    elif how == "wrong_url":  # signed for the internal URL a proxy would show, not the public one
        response = post_signed(client, INBOUND, params, DEFAULT_AUTH_TOKEN, "http://10.0.0.5:8000/sms/inbound")
    elif how == "missing":
        response = client.post("/sms/inbound", data=params)
    else:
        webhook = fake_twilio.inbound_message(INBOUND, patient["phone"], "hello")
        response = client.post("/sms/inbound", data={**webhook.params, "Body": "STOP"}, headers=webhook.headers)
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert db.session.scalars(db.select(Message)).all() == []
    assert not db.session.get(Patient, patient["id"]).sms_opted_out


def test_duplicate_webhook_is_processed_once(client, fake_twilio, patient):
    webhook = fake_twilio.inbound_message(INBOUND, patient["phone"], "HELP")
    for _ in range(2):
        assert client.post("/sms/inbound", data=webhook.params, headers=webhook.headers).status_code == 200
    assert len(db.session.scalars(db.select(Message).filter_by(direction="inbound")).all()) == 1
    [reply] = outbound()
    assert reply.purpose == "keyword" and "+861088196114" in reply.body


@pytest.mark.parametrize("word", ["STOP", "stop!", "退订", "TD", "Unsubscribe"])
def test_opt_out_then_back_in(app, client, fake_twilio, patient, word):
    inbound(client, fake_twilio, patient["phone"], word)
    assert db.session.get(Patient, patient["id"]).sms_opted_out
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="sms:opt_out")) is not None
    inbound(client, fake_twilio, patient["phone"], "START")
    db.session.expire_all()
    assert not db.session.get(Patient, patient["id"]).sms_opted_out
    assert [m.purpose for m in outbound()] == ["keyword", "keyword"]
    dispatcher = Dispatcher.from_app(app)
    assert dispatcher.sweep().sent == 2  # confirmations go out, opt-out or not
    dispatcher.close()


def test_opted_out_patient_text_is_still_recorded(client, fake_twilio, patient):
    inbound(client, fake_twilio, patient["phone"], "STOP")
    inbound(client, fake_twilio, patient["phone"], "my legs hurt")
    texts = [m.body for m in db.session.scalars(db.select(Message).filter_by(direction="inbound"))]
    assert texts == ["STOP", "my legs hurt"]


def test_unknown_sender_gets_one_neutral_reply_a_day(client, fake_twilio, site):
    for body in ("who is this?", "hello?"):
        inbound(client, fake_twilio, "+8613911112222", body)
    stored = db.session.scalars(db.select(Message).filter_by(direction="inbound")).all()
    assert [m.purpose for m in stored] == ["unknown_sender"] * 2 and stored[0].patient_id is None
    [reply] = outbound()
    assert reply.to_number == "+8613911112222" and "+861088196114" in reply.body and reply.patient_id is None


def test_inbound_with_missing_fields_is_a_422(client, patient):
    params = {"Body": "hi"}
    response = post_signed(client, INBOUND, params, DEFAULT_AUTH_TOKEN)
    assert response.status_code == 422 and "MessageSid" in response.get_json()["errors"]


def _sent_message(app, patient, clock):
    from app.notifications import outbox

    message = outbox.enqueue(to_number=patient["phone"], sms=plain_sms("hi"), purpose="reply", now=clock.now(),
                             patient=db.session.get(Patient, patient["id"]))
    db.session.commit()
    dispatcher = Dispatcher.from_app(app)
    dispatcher.sweep()
    dispatcher.close()
    return db.session.get(Message, message.id)


def test_status_callbacks_move_forward_only(app, client, fake_twilio, patient, clock):
    message = _sent_message(app, patient, clock)
    url = f"{STATUS}?m={message.id}"
    for status, expected in [("delivered", "delivered"), ("sent", "delivered"), ("failed", "delivered")]:
        webhook = fake_twilio.status_callback(url, message.provider_sid, status)
        response = client.post(webhook.path_with_query, data=webhook.params, headers=webhook.headers)
        assert response.status_code == 204
        db.session.expire_all()
        assert db.session.get(Message, message.id).status == expected
    assert db.session.get(Message, message.id).delivered_at == clock.now()


def test_callback_overtaking_the_dispatcher_is_kept(client, fake_twilio, patient, clock):
    from app.notifications import outbox

    message = outbox.enqueue(to_number=patient["phone"], sms=plain_sms("hi"), purpose="reply", now=clock.now(),
                             patient=db.session.get(Patient, patient["id"]))
    db.session.commit()
    outbox.claim_due(clock.now(), 1, "sweep-1")
    db.session.commit()
    webhook = fake_twilio.status_callback(f"{STATUS}?m={message.id}", "SM" + "9" * 32, "delivered")
    assert client.post(webhook.path_with_query, data=webhook.params, headers=webhook.headers).status_code == 204
    assert outbox.mark_sent(message.id, "sweep-1", clock.now(), "SM" + "9" * 32, plain_sms("hi"))
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(Message, message.id)
    assert (row.status, row.provider_sid) == ("delivered", "SM" + "9" * 32)


@pytest.mark.parametrize("code, opted_out, unreachable", [(21610, True, False), (30005, False, True),
                                                          (30007, False, False)])
def test_status_error_codes(app, client, fake_twilio, patient, clock, code, opted_out, unreachable):
    message = _sent_message(app, patient, clock)
    webhook = fake_twilio.status_callback(f"{STATUS}?m={message.id}", message.provider_sid, "undelivered", code)
    assert client.post(webhook.path_with_query, data=webhook.params, headers=webhook.headers).status_code == 204
    db.session.expire_all()
    row, person = db.session.get(Message, message.id), db.session.get(Patient, patient["id"])
    assert (row.status, row.error_code) == ("undelivered", str(code))
    assert (person.sms_opted_out, person.sms_unreachable) == (opted_out, unreachable)
    alerts = db.session.scalars(db.select(Alert).filter_by(kind="sms_unreachable")).all()
    assert len(alerts) == int(unreachable)


def test_status_callback_signature_is_checked(client, fake_twilio):
    webhook = fake_twilio.status_callback(f"{STATUS}?m=1", "SM" + "1" * 32, "delivered")
    response = client.post("/sms/status?m=2", data=webhook.params, headers=webhook.headers)
    assert response.status_code == 403


def test_messages_list_both_directions_with_status(app, client, fake_twilio, patient, clock, nurse):
    _sent_message(app, patient, clock)
    inbound(client, fake_twilio, patient["phone"], "thanks")
    body = nurse.get(f"/api/v1/patients/{patient['id']}/messages").get_json()
    assert [(m["direction"], m["status"]) for m in body["items"]] == [("outbound", "sent"), ("inbound", "received")]
    assert body["next_cursor"] is None
    only_in = nurse.get(f"/api/v1/patients/{patient['id']}/messages?direction=inbound").get_json()
    assert [m["body"] for m in only_in["items"]] == ["thanks"]
    later = nurse.get(f"/api/v1/patients/{patient['id']}/messages?updated_since=2026-03-03T00:00:00%2B00:00")
    assert later.get_json()["items"] == []
    assert nurse.get("/api/v1/patients/999/messages").status_code == 404
