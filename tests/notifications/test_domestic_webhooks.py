"""Aliyun and Tencent end to end: reminders as templates, replies, receipts, opt-out, secrets."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models import Alert, AuditEntry, Message, Patient, SymptomReport, Visit
from app.notifications.dispatcher import Dispatcher
from app.notifications.reminders import plan_reminders
from tests.notifications.domestic_support import WEBHOOK_SECRET, domestic_config, write_codes_file
from tests.notifications.fake_domestic import FakeAliyun, FakeTencent
from tests.notifications.sms_support import add_visit, outbound

FAKES = {"aliyun": FakeAliyun, "tencent": FakeTencent}


@pytest.fixture(params=["aliyun", "tencent"])
def provider_name(request):
    return request.param


@pytest.fixture
def fake(provider_name):
    with FAKES[provider_name]() as server:
        yield server


@pytest.fixture
def codes(tmp_path):
    path = tmp_path / "codes.yaml"
    return path, write_codes_file(path)


@pytest.fixture
def app_config(app_config, provider_name, fake, codes):
    return domestic_config(app_config, provider_name, fake, codes[0])


@pytest.fixture
def dispatcher(app):
    dispatcher = Dispatcher.from_app(app, rng=lambda: 0.0)
    yield dispatcher
    dispatcher.close()


@pytest.fixture
def patient(enroll):
    patient = db.session.get(Patient, enroll(language="zh")["id"])
    db.session.execute(update(Visit).where(Visit.patient_id == patient.id).values(status="cancelled"))
    db.session.commit()
    return patient


def at(text):
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def national(patient):
    return patient.phone.removeprefix("+86")


def post_reply(client, provider, patient, text, secret=WEBHOOK_SECRET, **kwargs):
    if provider == "aliyun":
        return client.post(f"/sms/aliyun/{secret}/replies", json=[FakeAliyun.reply(national(patient), text, **kwargs)])
    return client.post(f"/sms/tencent/{secret}/replies", json=FakeTencent.reply(national(patient), text, **kwargs))


def post_receipt(client, provider, sid, patient, success=True, code=None):
    if provider == "aliyun":
        item = FakeAliyun.receipt(sid, national(patient), success, code or ("DELIVERED" if success else "UNDELIV"))
    else:
        item = FakeTencent.receipt(sid, national(patient), success, code or ("DELIVRD" if success else "UNDELIV"))
    return client.post(f"/sms/{provider}/{WEBHOOK_SECRET}/receipts", json=[item])


def ok_answer(provider):
    return {"code": 0, "msg": "成功"} if provider == "aliyun" else {"result": 0, "errmsg": "OK"}


def test_a_reminder_goes_out_as_its_template_code_with_its_parameters(provider_name, fake, codes, patient, clock,
                                                                      dispatcher):
    add_visit(patient.id, date(2026, 3, 5), kind="labs")  # advance reminder Tuesday 10:00 Beijing
    clock.set(at("2026-03-03T10:00:00+08:00"))
    assert plan_reminders(clock.now()) >= 1
    db.session.commit()
    assert dispatcher.sweep().sent == 1
    [sent] = fake.sent
    entry = codes[1]["reminder_advance_labs"]
    assert sent["template_code"] == entry[provider_name]
    values = {"date": "3月5日（周四）", "phone": "+861088196114", "site": "研究门诊"}
    expected = [values[name] for name in entry["params"]]
    assert (list(sent["params"].values()) if provider_name == "aliyun" else sent["params"]) == expected
    [message] = outbound(purpose="reminder")
    assert message.status == "sent" and message.provider_sid


def test_a_reply_with_a_red_flag_becomes_a_report_and_an_alert(provider_name, client, patient):
    response = post_reply(client, provider_name, patient, "今天吐血了")
    assert response.status_code == 200 and response.get_json() == ok_answer(provider_name)
    [inbound] = db.session.scalars(db.select(Message).filter_by(direction="inbound")).all()
    assert (inbound.patient_id, inbound.from_number, inbound.body) == (patient.id, patient.phone, "今天吐血了")
    [report] = db.session.scalars(db.select(SymptomReport)).all()
    assert report.patient_id == patient.id and report.escalated
    [alert] = db.session.scalars(db.select(Alert).filter_by(kind="symptom")).all()
    assert any(reason.startswith("red_flag:") for reason in alert.reasons)


def test_a_redelivered_reply_is_stored_once(provider_name, client, patient):
    kwargs = {"sequence_id": 777} if provider_name == "aliyun" else {"time": 1772413500}
    for _ in range(2):
        assert post_reply(client, provider_name, patient, "恶心", **kwargs).status_code == 200
    assert len(db.session.scalars(db.select(Message).filter_by(direction="inbound")).all()) == 1


def test_aliyun_batch_of_several_replies(client, provider_name, patient, enroll):
    if provider_name != "aliyun":
        pytest.skip("Tencent posts one reply per request")
    other = db.session.get(Patient, enroll()["id"])
    batch = [FakeAliyun.reply(national(patient), "恶心", 1), FakeAliyun.reply(national(other), "TD", 2),
             FakeAliyun.reply(national(patient), "恶心", 1)]  # the first one again, inside the batch
    assert client.post(f"/sms/aliyun/{WEBHOOK_SECRET}/replies", json=batch).status_code == 200
    assert len(db.session.scalars(db.select(Message).filter_by(direction="inbound")).all()) == 2
    assert db.session.get(Patient, other.id).sms_opted_out


@pytest.mark.parametrize("keyword", ["TD", "t", "退订", "ＴＤ"])
def test_domestic_opt_out_keywords(provider_name, client, patient, keyword):
    assert post_reply(client, provider_name, patient, keyword).status_code == 200
    assert db.session.get(Patient, patient.id).sms_opted_out


def test_chinese_opt_in_keyword(provider_name, client, patient):
    post_reply(client, provider_name, patient, "TD")
    post_reply(client, provider_name, patient, "订阅", **({"sequence_id": 2} if provider_name == "aliyun" else {"time": 2}))
    assert not db.session.get(Patient, patient.id).sms_opted_out


def sent_reminder(patient, clock, dispatcher):
    add_visit(patient.id, date(2026, 3, 5), kind="labs")
    clock.set(at("2026-03-03T10:00:00+08:00"))
    plan_reminders(clock.now())
    db.session.commit()
    dispatcher.sweep()
    [message] = outbound(purpose="reminder")
    return message


def test_a_receipt_moves_the_message_to_delivered_and_never_back(provider_name, client, patient, clock, dispatcher):
    message = sent_reminder(patient, clock, dispatcher)
    response = post_receipt(client, provider_name, message.provider_sid, patient)
    assert response.status_code == 200 and response.get_json() == ok_answer(provider_name)
    db.session.expire_all()
    assert db.session.get(Message, message.id).status == "delivered"
    post_receipt(client, provider_name, message.provider_sid, patient, success=False)  # late and contradictory
    db.session.expire_all()
    assert db.session.get(Message, message.id).status == "delivered"


def test_an_unsubscribe_receipt_opts_the_patient_out(provider_name, client, patient, clock, dispatcher):
    message = sent_reminder(patient, clock, dispatcher)
    assert post_receipt(client, provider_name, message.provider_sid, patient, success=False,
                        code="MBBLACK").status_code == 200
    db.session.expire_all()
    assert db.session.get(Message, message.id).status == "undelivered"
    assert db.session.get(Patient, patient.id).sms_opted_out
    assert db.session.scalars(db.select(AuditEntry).filter_by(action="sms:opt_out")).one()


@pytest.mark.parametrize("path", ["replies", "receipts"])
def test_a_wrong_secret_is_refused_and_stores_nothing(provider_name, client, patient, path):
    body = ([FakeAliyun.reply(national(patient), "TD")] if provider_name == "aliyun"
            else FakeTencent.reply(national(patient), "TD"))
    for secret in ("wrong-" + "x" * 40, WEBHOOK_SECRET[:-1]):
        response = client.post(f"/sms/{provider_name}/{secret}/{path}", json=body)
        assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert db.session.scalars(db.select(Message)).all() == []
    assert not db.session.get(Patient, patient.id).sms_opted_out


def test_the_previous_secret_works_during_rotation(provider_name, app, client, patient):
    app.config["SMS_WEBHOOK_SECRET_PREVIOUS"] = WEBHOOK_SECRET
    app.config["SMS_WEBHOOK_SECRET"] = "new-" + "y" * 40
    assert post_reply(client, provider_name, patient, "恶心").status_code == 200
    assert post_reply(client, provider_name, patient, "恶心", secret="new-" + "y" * 40,
                      **({"sequence_id": 5} if provider_name == "aliyun" else {"time": 5})).status_code == 200
    app.config["SMS_WEBHOOK_SECRET_PREVIOUS"] = None
    assert post_reply(client, provider_name, patient, "恶心").status_code == 403


def test_source_allowlist(provider_name, app, client, patient):
    app.config["SMS_WEBHOOK_ALLOWED_IPS"] = "10.0.0.0/8, 203.0.113.7"
    assert post_reply(client, provider_name, patient, "TD").status_code == 403  # the test client is 127.0.0.1
    assert db.session.scalars(db.select(Message)).all() == []
    app.config["SMS_WEBHOOK_ALLOWED_IPS"] = "127.0.0.0/8"
    assert post_reply(client, provider_name, patient, "TD").status_code == 200


def test_malformed_bodies_are_400_not_500(provider_name, client):
    response = client.post(f"/sms/{provider_name}/{WEBHOOK_SECRET}/replies", data="not json",
                           content_type="application/json")
    assert response.status_code in (400, 422)


def test_the_opt_out_confirmation_goes_out_as_its_template(provider_name, fake, codes, client, patient, dispatcher):
    post_reply(client, provider_name, patient, "TD")
    assert dispatcher.sweep().sent == 1
    [sent] = fake.sent
    entry = codes[1]["reply_opt_out"]
    assert sent["template_code"] == entry[provider_name] and entry["params"] == ["phone"]
    assert (list(sent["params"].values()) if provider_name == "aliyun" else sent["params"]) == ["+861088196114"]


def test_a_message_matching_no_template_fails_without_retry(provider_name, fake, patient, clock, dispatcher):
    from app.notifications import outbox
    from app.notifications.templates import RenderedSms

    outbox.enqueue(to_number=patient.phone, sms=RenderedSms("a free text no template has", None), purpose="reply",
                   now=clock.now(), patient=patient)
    db.session.commit()
    assert dispatcher.sweep().failed == 1 and fake.sent == []
    [message] = outbound(purpose="reply")
    assert "template-only" in message.error_message
