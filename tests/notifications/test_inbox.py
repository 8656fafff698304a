"""The inbox (issue 11 item 4): stored first, processed after, retried, spooled when the
database is down; unmatched texts (item 5); urgent replies never wait (item 1)."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Alert, AuditEntry, InboxEntry, Message, Patient, SymptomReport
from app.notifications import inbound_handlers, inbox
from app.notifications.templates import RenderedSms
from app.notifications.dispatcher import Dispatcher
from app.alerts.watchdog import alert_late_urgent_replies
from tests.notifications.sms_support import PUBLIC_BASE_URL, outbound, twilio_config

INBOUND = PUBLIC_BASE_URL + "/sms/inbound"
STRANGER = "+8613911112222"
SITE_PHONE = "+861088196114"  # the `site` fixture's phone: texts sent to it belong to BJ


@pytest.fixture
def app_config(app_config, fake_twilio, tmp_path):
    app_config.INBOX_SPOOL_DIR = str(tmp_path / "spool")
    return twilio_config(app_config, fake_twilio)


@pytest.fixture
def patient(enroll):
    return db.session.get(Patient, enroll(language="en")["id"])


@pytest.fixture
def dispatcher(app):
    dispatcher = Dispatcher.from_app(app, rng=lambda: 0.0)
    yield dispatcher
    dispatcher.close()


def text(client, fake, sender, body, to=None):
    webhook = fake.inbound_message(INBOUND, sender, body)
    params = dict(webhook.params)
    if to is not None:  # re-sign with another To
        from tests.notifications.fake_twilio import DEFAULT_AUTH_TOKEN, sign_webhook

        params["To"] = to
        webhook = sign_webhook(DEFAULT_AUTH_TOKEN, INBOUND, params)
    response = client.post("/sms/inbound", data=params, headers=webhook.headers)
    assert response.status_code == 200, response.data
    return params["MessageSid"]


def entries():
    return db.session.scalars(select(InboxEntry).order_by(InboxEntry.id)).all()


def replies():
    return [m.body for m in outbound() if m.purpose in ("reply", "urgent_reply", "keyword", "acknowledgement")]


def test_a_text_is_stored_in_the_inbox_then_processed_once(client, fake_twilio, patient):
    sid = text(client, fake_twilio, patient.phone, "feel sick")
    [entry] = entries()
    assert (entry.kind, entry.channel, entry.provider_ref, entry.state, entry.attempts) == \
        ("text", "twilio", sid, "done", 1)
    message = db.session.get(Message, entry.message_id)
    assert (message.direction, message.patient_id, message.body) == ("inbound", patient.id, "feel sick")
    assert len(replies()) == 1


def test_a_redelivered_text_is_stored_and_answered_once(client, fake_twilio, patient):
    webhook = fake_twilio.inbound_message(INBOUND, patient.phone, "feel sick")
    for _ in range(3):
        assert client.post("/sms/inbound", data=webhook.params, headers=webhook.headers).status_code == 200
    assert len(entries()) == 1 and len(replies()) == 1


def test_accept_inbound_returns_the_id_then_none_for_a_duplicate(app, clock):
    kwargs = dict(channel="aliyun", from_number="+8613800000009", to_number=None, body="发烧", received_at=clock.now(),
                  provider_ref="ALI-1", raw={"x": 1})
    first = inbox.accept_inbound(**kwargs)
    assert isinstance(first, int) and inbox.accept_inbound(**kwargs) is None
    assert inbox.accept_inbound(**{**kwargs, "channel": "tencent"}) is not None  # another provider's id space
    receipt = dict(channel="aliyun", provider_sid="BIZ-1", status="DELIVRD", error_code=None, received_at=clock.now())
    assert inbox.accept_receipt(**receipt) is not None and inbox.accept_receipt(**receipt) is None


def test_a_processing_failure_is_kept_retried_then_alerted(client, fake_twilio, patient, clock, monkeypatch, admin):
    def broken(*args):
        raise RuntimeError("symptom pipeline down")

    monkeypatch.setattr(inbound_handlers, "_text_handler", broken)
    text(client, fake_twilio, patient.phone, "feel sick")
    [entry] = entries()
    assert (entry.state, entry.attempts) == ("pending", 1) and "symptom pipeline down" in entry.last_error
    # the text is visible to the nurse even though it could not be processed
    assert db.session.get(Message, entry.message_id).body == "feel sick"
    for attempt in range(2, 6):
        clock.set(clock.now() + timedelta(hours=1))
        assert inbox.process_inbox(clock.now()).claimed == 1
    db.session.refresh(entry)
    assert (entry.state, entry.attempts) == ("failed", 5)
    [alert] = db.session.scalars(select(Alert).where(Alert.kind == "inbox_failure")).all()
    assert alert.patient_id == patient.id and "feel sick" in alert.detail
    assert inbox.health(clock.now())["failed"] == 1
    assert client.get("/health").get_json()["inbox"]["failed"] == 1
    # fixed: staff requeue it and it is processed exactly once
    monkeypatch.undo()
    assert inbox.retry_failed(entry.id, clock.now())
    db.session.commit()
    assert inbox.process_inbox(clock.now()).done == 1
    assert len(replies()) == 1


def test_failures_back_off_and_are_not_retried_early(client, fake_twilio, patient, clock, monkeypatch):
    monkeypatch.setattr(inbound_handlers, "_text_handler", lambda *a: 1 / 0)
    text(client, fake_twilio, patient.phone, "feel sick")
    assert inbox.process_inbox(clock.now()).claimed == 0  # not due yet
    clock.set(clock.now() + inbox.backoff(1))
    assert inbox.process_inbox(clock.now()).claimed == 1


def test_a_crashed_processor_leaves_the_row_to_another_sweep(app, clock):
    entry_id = inbox.accept_inbound(channel="twilio", from_number=STRANGER, to_number=None, body="hello",
                                    received_at=clock.now(), provider_ref="SM-crash")
    assert inbox._claim_due(clock.now(), 10, "dead-token") == [entry_id]
    db.session.commit()
    assert inbox.process_inbox(clock.now()).claimed == 0  # leased
    clock.set(clock.now() + inbox.LEASE)
    stats = inbox.process_inbox(clock.now())
    assert (stats.recovered, stats.done) == (1, 1)
    assert db.session.scalar(select(Message.body).where(Message.direction == "inbound")) == "hello"


def test_when_the_database_refuses_the_text_is_spooled_answered_and_replayed_once(
        app, client, fake_twilio, patient, monkeypatch, tmp_path, clock):
    real_insert = inbox.insert_entry

    def database_down(values, engine=None):
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(inbox, "insert_entry", database_down)
    text(client, fake_twilio, patient.phone, "feel sick")
    text(client, fake_twilio, patient.phone, "fever 38.4")
    assert entries() == [] and inbox.spooled_count() == 2
    assert not list((tmp_path / "spool").glob(".tmp-*"))  # only complete files
    assert inbox.replay_spool() == 0  # still down: the files stay
    monkeypatch.setattr(inbox, "insert_entry", real_insert)
    # a replay repeated after a crash (file stored but not yet deleted) stores nothing twice
    [first, _] = sorted((tmp_path / "spool").glob("*.json"))
    copy = first.with_name("zz-" + first.name)
    copy.write_bytes(first.read_bytes())
    assert inbox.replay_spool() == 3 and inbox.spooled_count() == 0
    assert [e.body for e in entries()] == ["feel sick", "fever 38.4"]
    inbox.process_inbox(clock.now())
    assert {e.state for e in entries()} == {"done"}
    assert len(db.session.scalars(select(Message).where(Message.direction == "inbound")).all()) == 2


def test_a_status_callback_goes_through_the_inbox(client, fake_twilio, patient, dispatcher, clock):
    text(client, fake_twilio, patient.phone, "feel sick")
    dispatcher.sweep()
    [reply] = outbound(purpose="reply")
    sent = fake_twilio.messages[-1]
    webhook = fake_twilio.status_callback(sent["status_callback"], sent["sid"], "delivered")
    path = webhook.url.removeprefix(PUBLIC_BASE_URL)
    assert client.post(path, data=webhook.params, headers=webhook.headers).status_code == 204
    receipts = [e for e in entries() if e.kind == "receipt"]
    assert len(receipts) == 1 and receipts[0].state == "done"
    db.session.refresh(reply)
    assert reply.status == "delivered"


# --- item 1: urgent replies never wait ---------------------------------------------------------

def test_four_texts_then_an_urgent_one_the_urgent_reply_goes_in_the_same_sweep(client, fake_twilio, patient,
                                                                                   dispatcher, clock):
    for body in ("feel sick", "2", "tired", "1"):
        text(client, fake_twilio, patient.phone, body)
        clock.set(clock.now() + timedelta(minutes=5))
    assert dispatcher.sweep().sent == 4  # the day's budget of 4 is spent
    text(client, fake_twilio, patient.phone, "chest pain and short of breath at rest")
    [urgent] = outbound(purpose="urgent_reply")
    stats = dispatcher.sweep()
    db.session.refresh(urgent)
    assert (stats.deferred, urgent.status) == (0, "sent")
    assert "emergency" in fake_twilio.messages[-1]["body"] or "emergency" in urgent.body


def test_an_urgent_reply_not_out_within_two_minutes_alerts_the_nurse(client, fake_twilio, patient, clock,
                                                                     dispatcher):
    fake_twilio.fail_next(10, 500)
    text(client, fake_twilio, patient.phone, "chest pain")
    dispatcher.sweep()
    clock.set(clock.now() + timedelta(seconds=119))
    assert alert_late_urgent_replies(clock.now()) == []
    clock.set(clock.now() + timedelta(seconds=2))
    [alert] = alert_late_urgent_replies(clock.now())
    assert (alert.kind, alert.patient_id) == ("urgent_reply_late", patient.id)
    assert alert_late_urgent_replies(clock.now() + timedelta(minutes=1)) == []  # one alert per reply


def test_an_urgent_turn_closes_the_dialogue_no_stale_question_follows(client, fake_twilio, patient):
    text(client, fake_twilio, patient.phone, "feel sick")
    assert "How bad is the nausea" in replies()[-1]
    text(client, fake_twilio, patient.phone, "今天大便有血，头晕")
    last = replies()[-1]
    assert "急诊" in last and "nausea" not in last
    report = db.session.scalar(select(SymptomReport).where(SymptomReport.patient_id == patient.id))
    assert report.status == "complete" and report.conversation is None
    assert "Nausea" in {i.ctcae_term for i in report.items}  # what was said is kept
    text(client, fake_twilio, patient.phone, "3")
    assert not any("How bad is the nausea" in r for r in replies()[1:])


def test_the_same_text_is_never_sent_twice_in_a_row(client, fake_twilio, patient):
    text(client, fake_twilio, patient.phone, "blah blah")
    text(client, fake_twilio, patient.phone, "more blah")
    text(client, fake_twilio, patient.phone, "still blah")
    bodies = replies()
    assert all(a != b for a, b in zip(bodies, bodies[1:]))


def test_a_reply_follows_the_language_the_patient_wrote_in(client, fake_twilio, enroll):
    zh_patient = enroll(language="zh")
    text(client, fake_twilio, zh_patient["phone"], "feel sick")
    assert "How bad is the nausea" in replies()[-1]
    text(client, fake_twilio, zh_patient["phone"], "2")  # digits only: the enrolled language
    assert "记录" in replies()[-1]


# --- item 5: texts from numbers that belong to no patient --------------------------------------

def test_an_unmatched_text_is_listed_alerted_answered_and_assignable(client, fake_twilio, patient, coordinator,
                                                                     nurse, admin):
    text(client, fake_twilio, STRANGER, "我是他女儿，我爸爸今天发烧39度", to=SITE_PHONE)
    [item] = coordinator.get("/api/v1/messages?unmatched=true").get_json()["items"]
    assert (item["from_number"], item["patient_id"]) == (STRANGER, None)
    [alert] = coordinator.get("/api/v1/alerts?kind=unmatched_message").get_json()["items"]
    assert alert["site"] == "BJ" and alert["patient_id"] is None and alert["message_id"] == item["id"]
    assert nurse.get("/api/v1/alerts?kind=unmatched_message").get_json()["items"] == []
    assert nurse.get("/api/v1/messages?unmatched=true").status_code == 403
    [answer] = outbound(purpose="unknown_sender")
    assert "only sends appointment reminders" not in answer.body and "研究团队" in answer.body
    response = coordinator.post(f"/api/v1/messages/{item['id']}/assign", json={"patient_id": patient.id})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["patient_id"] == patient.id
    assert coordinator.get("/api/v1/messages?unmatched=true").get_json()["items"] == []
    report = db.session.scalar(select(SymptomReport).where(SymptomReport.patient_id == patient.id))
    assert report is not None and "发烧" in report.text  # processed as the patient's text
    closed = coordinator.get(f"/api/v1/alerts/{alert['id']}").get_json()
    assert closed["status"] == "acknowledged" and patient.study_id in closed["acknowledgement_note"]
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "alert", AuditEntry.entity_id == str(alert["id"]),
                                                          AuditEntry.action == "alert_acknowledged")).all()
    assert entry.actor.startswith("coordinator") and entry.after["status"] == "acknowledged"
    assert coordinator.post(f"/api/v1/messages/{item['id']}/assign",
                            json={"patient_id": patient.id}).status_code == 409


def test_an_unmatched_text_to_an_unknown_number_is_for_admins(client, fake_twilio, coordinator, admin):
    text(client, fake_twilio, STRANGER, "hello?", to="+15550000000")
    assert coordinator.get("/api/v1/messages?unmatched=true").get_json()["items"] == []
    assert len(admin.get("/api/v1/messages?unmatched=true").get_json()["items"]) == 1
    [alert] = admin.get("/api/v1/alerts?kind=unmatched_message").get_json()["items"]
    assert alert["site"] is None


# --- item 10: keywords and opted-out patients --------------------------------------------------

@pytest.mark.parametrize("body", ["REVOKE", "optout", "Stop", "退订", "TD"])
def test_opt_out_keywords_opt_out_and_alert_staff(client, fake_twilio, patient, body):
    text(client, fake_twilio, patient.phone, body)
    db.session.refresh(patient)
    assert patient.sms_opted_out
    [alert] = db.session.scalars(select(Alert).where(Alert.kind == "opted_out")).all()
    assert alert.patient_id == patient.id


@pytest.mark.parametrize("body", ["STPO", "stop it please", "unsubscibe", "REVOK"])
def test_a_typo_or_unknown_keyword_never_opts_out(client, fake_twilio, patient, body):
    text(client, fake_twilio, patient.phone, body)
    db.session.refresh(patient)
    assert not patient.sms_opted_out


def test_a_chinese_patient_opts_back_in_without_english(client, fake_twilio, patient):
    text(client, fake_twilio, patient.phone, "退订")
    text(client, fake_twilio, patient.phone, "恢复")
    db.session.refresh(patient)
    assert not patient.sms_opted_out
    assert "恢复" in replies()[-1] or "START" in replies()[-1]


def test_help_describes_symptom_reporting(client, fake_twilio, patient):
    text(client, fake_twilio, patient.phone, "HELP")
    assert "symptom" in replies()[-1]


def test_an_opted_out_patient_gets_an_acknowledgement_and_the_nurse_an_alert(client, fake_twilio, patient,
                                                                             dispatcher):
    text(client, fake_twilio, patient.phone, "STOP")
    text(client, fake_twilio, patient.phone, "feel sick")
    assert replies()[-1] == "Thank you, we have recorded your report."
    dispatcher.sweep()
    assert fake_twilio.messages[-1]["body"] == "Thank you, we have recorded your report."  # not cancelled
    text(client, fake_twilio, patient.phone, "chest pain")
    assert replies()[-1] == "Thank you, we have recorded your report."  # no SMS for the urgent text
    [alert] = db.session.scalars(select(Alert).where(Alert.kind == "symptom")).all()
    assert "opted out" in alert.detail


# --- item 6: terms recorded at once, grades pending --------------------------------------------

def test_terms_are_recorded_at_once_with_grades_pending_then_filled(client, fake_twilio, patient, nurse, clock):
    text(client, fake_twilio, patient.phone, "nausea and vomiting")
    (report,) = nurse.get(f"/api/v1/patients/{patient.id}/symptom-reports").get_json()["items"]
    assert report["status"] == "awaiting_answer"
    pending = {i["ctcae_term"]: (i["patient_grade"], i["pending"]) for i in report["items"]}
    assert pending == {"Nausea": (None, True), "Vomiting": (None, True)}
    text(client, fake_twilio, patient.phone, "2")
    (report,) = nurse.get(f"/api/v1/patients/{patient.id}/symptom-reports").get_json()["items"]
    graded = {i["ctcae_term"]: (i["patient_grade"], i["pending"]) for i in report["items"]}
    assert graded["Nausea"] == (2, False) and graded["Vomiting"] == (None, True) and len(report["items"]) == 2


def test_an_expired_dialogue_keeps_what_was_said(client, fake_twilio, patient, nurse, clock):
    from app.symptoms.services import close_abandoned_reports

    text(client, fake_twilio, patient.phone, "nausea and vomiting")
    assert close_abandoned_reports(clock.now() + timedelta(hours=13)) == 1  # the job, half a day later
    db.session.commit()
    (report,) = nurse.get(f"/api/v1/patients/{patient.id}/symptom-reports").get_json()["items"]
    assert report["status"] == "complete"
    assert sorted((i["ctcae_term"], i["patient_grade"], i["pending"]) for i in report["items"]) == [
        ("Nausea", None, False), ("Vomiting", None, False)]


# --- item 8: baselines --------------------------------------------------------------------------

def test_baseline_is_recorded_audited_and_used_for_diarrhea(client, fake_twilio, patient, nurse):
    url = f"/api/v1/patients/{patient.id}/baselines"
    assert nurse.get(url).get_json() == {"stools_per_day": None, "recorded_on": None}
    response = nurse.post(url, json={"stools_per_day": 2})
    assert response.status_code == 201, response.get_json()
    assert nurse.get(url).get_json()["stools_per_day"] == 2 and nurse.get(url).get_json()["recorded_on"]
    assert nurse.post(url, json={"stools_per_day": -1}).status_code == 422
    text(client, fake_twilio, patient.phone, "diarrhea 5 times today")
    (report,) = nurse.get(f"/api/v1/patients/{patient.id}/symptom-reports").get_json()["items"]
    [item] = [i for i in report["items"] if i["ctcae_term"] == "Diarrhea"]
    assert item["measured_grade"] == 1  # 3 over a usual 2 a day: G1, not G2 over 0
    assert report["diarrhea_baseline"] == {"stools_per_day": 2, "recorded": True}


def test_without_a_baseline_the_report_says_zero_was_assumed(client, fake_twilio, patient, nurse):
    text(client, fake_twilio, patient.phone, "diarrhea 5 times today")
    (report,) = nurse.get(f"/api/v1/patients/{patient.id}/symptom-reports").get_json()["items"]
    [item] = [i for i in report["items"] if i["ctcae_term"] == "Diarrhea"]
    assert item["measured_grade"] == 2
    assert report["diarrhea_baseline"] == {"stools_per_day": 0, "recorded": False}


def test_a_baseline_after_c1d1_needs_a_reason(patient, nurse, clock):
    from app.models import Visit

    visit = db.session.scalars(select(Visit).where(Visit.patient_id == patient.id, Visit.kind == "haic")
                               .order_by(Visit.target_date)).first()
    visit.status, visit.actual_date = "completed", clock.now().date()
    db.session.commit()
    url = f"/api/v1/patients/{patient.id}/baselines"
    assert nurse.post(url, json={"stools_per_day": 3}).status_code == 422
    assert nurse.post(url, json={"stools_per_day": 3, "reason": "history taken late"}).status_code == 201
    from app.models import AuditEntry

    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "baseline_recorded")).all()
    assert entry.reason == "history taken late"


# --- item 11: "reported deceased" ----------------------------------------------------------------

def test_reported_deceased_opens_a_record_death_task_and_pauses_messages(patient, coordinator, clock, dispatcher,
                                                                          fake_twilio):
    from app.notifications import outbox

    response = coordinator.post(f"/api/v1/patients/{patient.id}/contacts",
                                json={"channel": "phone", "outcome": "reported_deceased",
                                      "contacted_at": clock.now().isoformat()})
    assert response.status_code == 201, response.get_json()
    [alert] = coordinator.get("/api/v1/alerts?kind=record_death").get_json()["items"]
    assert alert["patient_id"] == patient.id
    db.session.refresh(patient)
    assert patient.sms_paused_reason
    message = outbox.enqueue(to_number=patient.phone, sms=RenderedSms("your visit", None), purpose="reminder", now=clock.now(),
                             patient=patient)
    db.session.commit()
    dispatcher.sweep()
    db.session.refresh(message)
    assert message.status == "cancelled" and "paused" in message.error_message
    # a later proof of life lifts the pause
    coordinator.post(f"/api/v1/patients/{patient.id}/contacts",
                     json={"channel": "phone", "outcome": "reached", "contacted_at": clock.now().isoformat()})
    db.session.refresh(patient)
    assert patient.sms_paused_reason is None
