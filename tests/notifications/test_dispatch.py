"""The outbox and dispatcher with the real twilio client against the loopback fake."""
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Alert, Message, Patient
from app.notifications import outbox
from app.notifications.dispatcher import Dispatcher
from tests.notifications.sms_support import outbound, plain_sms, twilio_config


@pytest.fixture
def app_config(app_config, fake_twilio):
    return twilio_config(app_config, fake_twilio)


@pytest.fixture
def dispatcher(app):
    dispatcher = Dispatcher.from_app(app, rng=lambda: 0.0)
    yield dispatcher
    dispatcher.close()


@pytest.fixture
def patient(enroll):
    return db.session.get(Patient, enroll(language="en")["id"])


def queue(patient, clock, body="Hello", purpose="reply", **kwargs):
    message = outbox.enqueue(to_number=patient.phone, sms=plain_sms(body), purpose=purpose, now=clock.now(),
                             patient=patient, **kwargs)
    db.session.commit()
    return message.id


def test_nothing_is_sent_for_a_rolled_back_transaction(patient, clock, dispatcher, fake_twilio):
    outbox.enqueue(to_number=patient.phone, sms=plain_sms("never"), purpose="reply", now=clock.now(), patient=patient)
    db.session.rollback()
    assert dispatcher.sweep().claimed == 0 and fake_twilio.requests == []


def test_sends_with_status_callback_and_records_the_sid(patient, clock, dispatcher, fake_twilio):
    message_id = queue(patient, clock)
    stats = dispatcher.sweep()
    assert (stats.claimed, stats.sent) == (1, 1)
    [created] = fake_twilio.messages
    assert created["to"] == patient.phone and created["body"] == "Hello"
    assert created["status_callback"] == f"https://haic.example.org/sms/status?m={message_id}"
    message = db.session.get(Message, message_id)
    assert (message.status, message.provider_sid, message.attempts) == ("sent", created["sid"], 1)
    assert message.claim_token is None and message.sent_at == clock.now()
    assert dispatcher.sweep().claimed == 0  # sent once


@pytest.mark.parametrize("status", [429, 500])
def test_retryable_errors_back_off_then_succeed(patient, clock, dispatcher, fake_twilio, status):
    message_id = queue(patient, clock)
    fake_twilio.fail_next(2, status=status)
    assert dispatcher.sweep().retried == 1
    message = db.session.get(Message, message_id)
    assert message.status == "queued" and message.next_attempt_at == clock.now() + timedelta(seconds=15)
    assert dispatcher.sweep().claimed == 0  # not due yet: backoff is respected
    clock.set(clock.now() + timedelta(seconds=15))
    assert dispatcher.sweep().retried == 1
    clock.set(clock.now() + timedelta(minutes=5))
    assert dispatcher.sweep().sent == 1
    message = db.session.get(Message, message_id)
    assert (message.status, message.attempts) == ("sent", 3)
    assert len(fake_twilio.requests) == 3 and len(fake_twilio.messages) == 1


def test_retries_stop_after_max_attempts(patient, clock, dispatcher, fake_twilio):
    message_id = queue(patient, clock)
    fake_twilio.fail_next(10, status=503)
    for _ in range(5):
        dispatcher.sweep()
        clock.set(clock.now() + timedelta(hours=2))
    message = db.session.get(Message, message_id)
    assert (message.status, message.attempts, message.error_code) == ("failed", 5, "503")
    assert len(fake_twilio.requests) == 5


def test_invalid_number_fails_at_once(patient, clock, dispatcher, fake_twilio):
    fake_twilio.fail_number(patient.phone, status=400, code=21211)
    message_id = queue(patient, clock)
    assert dispatcher.sweep().failed == 1
    message = db.session.get(Message, message_id)
    assert (message.status, message.error_code, message.attempts) == ("failed", "21211", 1)


def test_21610_opts_the_patient_out_and_cancels_the_rest(patient, clock, dispatcher, fake_twilio):
    fake_twilio.fail_number(patient.phone, status=400, code=21610, message="unsubscribed")
    first = queue(patient, clock, body="one")
    dispatcher.sweep()
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).sms_opted_out
    assert db.session.get(Message, first).status == "failed"
    second = queue(patient, clock, body="two")
    assert dispatcher.sweep().cancelled == 1
    assert db.session.get(Message, second).error_message == "patient opted out of SMS"
    assert len(fake_twilio.requests) == 1


def test_unreachable_error_flags_the_patient_and_opens_one_alert(patient, clock, dispatcher, fake_twilio):
    fake_twilio.fail_number(patient.phone, status=400, code=30003, message="Unreachable handset")
    queue(patient, clock, body="one")
    queue(patient, clock, body="two")
    dispatcher.sweep()
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).sms_unreachable
    [alert] = db.session.scalars(db.select(Alert)).all()
    assert (alert.kind, alert.status, alert.occurrences) == ("sms_unreachable", "open", 2)


def test_expired_lease_is_recovered_and_sent(patient, clock, dispatcher, fake_twilio):
    message_id = queue(patient, clock)
    assert outbox.claim_due(clock.now(), 10, "dead-sweep") == [message_id]  # a sweep that died
    db.session.commit()
    assert dispatcher.sweep().claimed == 0  # leased: nobody else takes it
    clock.set(clock.now() + timedelta(minutes=5))
    stats = dispatcher.sweep()
    assert (stats.recovered, stats.sent) == (1, 1)
    assert outbox.mark_sent(message_id, "dead-sweep", clock.now(), "SMlate", plain_sms("x")) is False  # lease lost


def test_daily_budget_defers_to_the_next_morning(patient, clock, dispatcher, fake_twilio):
    ids = [queue(patient, clock, body=f"m{i}", purpose="system") for i in range(5)]
    stats = dispatcher.sweep()
    assert (stats.sent, stats.deferred) == (4, 1)
    last = db.session.get(Message, ids[-1])
    # 2026-03-02 09:00 in Beijing: the next send is 08:00 on the 3rd (end of quiet hours).
    assert last.status == "queued" and last.next_attempt_at.isoformat() == "2026-03-03T00:00:00+00:00"
    assert last.attempts == 0


@pytest.mark.parametrize("purpose", ["reply", "urgent_reply", "keyword", "alert"])
def test_the_daily_budget_never_holds_replies_or_pages(patient, clock, dispatcher, fake_twilio, purpose):
    """Issue 11 item 1: the budget counts what we start, never an answer to the patient or a page."""
    [queue(patient, clock, body=f"m{i}", purpose="checkin") for i in range(4)]
    assert dispatcher.sweep().sent == 4
    answer = queue(patient, clock, body="call now", purpose=purpose)
    assert dispatcher.sweep().sent == 1
    assert db.session.get(Message, answer).status == "sent"


def test_messages_to_one_patient_go_out_in_the_order_written(patient, clock, dispatcher, fake_twilio):
    ids = [queue(patient, clock, body=f"part {i}") for i in range(6)]
    dispatcher.sweep()
    sent = [db.session.get(Message, i) for i in ids]
    assert [m.status for m in sent] == ["sent"] * 6
    assert [m["body"] for m in fake_twilio.messages] == [f"part {i}" for i in range(6)]


def test_quiet_hours_hold_study_messages_but_not_replies(patient, clock, dispatcher, fake_twilio):
    clock.set(clock.now().replace(hour=14))  # 22:00 in Beijing
    system = queue(patient, clock, body="study news", purpose="system")
    reply = queue(patient, clock, body="answer", purpose="reply")
    dispatcher.sweep()
    assert db.session.get(Message, reply).status == "sent"
    held = db.session.get(Message, system)
    assert held.status == "queued" and held.next_attempt_at.isoformat() == "2026-03-03T00:00:00+00:00"


def test_withdrawn_patients_get_nothing(patient, clock, dispatcher, fake_twilio):
    patient.status = "withdrawn"
    db.session.commit()
    message_id = queue(patient, clock)
    assert dispatcher.sweep().cancelled == 1
    assert db.session.get(Message, message_id).error_message == "patient is withdrawn"
    assert outbound(status="cancelled")[0].id == message_id


def test_the_outbox_keeps_the_template_and_the_gateway_gets_it(app, patient, clock):
    from app.notifications.gateways.base import SendResult
    from app.notifications.templates import render

    class Recording:
        def __init__(self):
            self.calls = []

        def send(self, to, body, *, status_callback_url=None, template=None):
            self.calls.append((body, template))
            return SendResult("SM1", "sent")

    sms = render("symptom_escalated", "en", phone="+861088196114")
    message_id = outbox.enqueue(to_number=patient.phone, sms=sms, purpose="reply", now=clock.now(), patient=patient).id
    db.session.commit()
    gateway = Recording()
    sweeper = Dispatcher.from_app(app, gateway=gateway)
    try:
        assert sweeper.sweep().sent == 1
    finally:
        sweeper.close()
    assert gateway.calls == [(sms.text, sms.template)]
    row = db.session.get(Message, message_id)
    assert (row.template_name, row.template_params) == (
        "symptom_escalated", {"language": "en", "params": [["phone", "+861088196114"]]})
    assert outbox.template_ref(row) == sms.template


def test_a_throttled_urgent_reply_is_retried_within_seconds(patient, clock, dispatcher, fake_twilio):
    """PROTOCOL.md: an urgent reply reaches the provider within 60 s; throttling is retried fast."""
    fake_twilio.fail_next(1, 429, 20429)
    urgent = queue(patient, clock, body="call now", purpose="urgent_reply")
    ordinary = queue(patient, clock, body="later", purpose="checkin")
    fake_twilio.fail_next(1, 429, 20429)
    dispatcher.sweep()
    waits = {m: db.session.get(Message, m).next_attempt_at - clock.now() for m in (urgent, ordinary)}
    assert waits[urgent] <= timedelta(seconds=2) < timedelta(seconds=15) <= waits[ordinary]
