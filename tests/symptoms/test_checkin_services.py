"""Check-ins through the outbox: queued once, sent under the send-time rules, answered with '0'."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Message, SymptomReport
from app.notifications import inbound
from app.notifications.dispatcher import Dispatcher
from app.symptoms.checkins.services import PURPOSE, plan_checkins
from tests.notifications.sms_support import add_visit, outbound


@pytest.fixture
def dispatcher(app):
    dispatcher = Dispatcher.from_app(app)
    yield dispatcher
    dispatcher.close()


def at(text):
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def plan(clock, when):
    clock.set(at(when))
    count = plan_checkins(clock.now())
    db.session.commit()
    return count


def haic_done(patient, on: date):
    visit = add_visit(patient.id, on, kind="haic", status="completed")
    visit.actual_date = on
    db.session.commit()
    return visit


def test_weekly_checkin_queued_once_with_its_moment_and_expiry(patient, clock):
    assert plan(clock, "2026-03-06T09:30:00+08:00") == 0  # 11:00 is more than an hour away
    assert plan(clock, "2026-03-06T10:15:00+08:00") == 1
    assert plan(clock, "2026-03-06T10:45:00+08:00") == 0
    [message] = outbound()
    assert (message.purpose, message.patient_id, message.to_number) == (PURPOSE, patient.id, patient.phone)
    assert message.idempotency_key == f"checkin:{patient.id}:weekly:2026-03-06"
    assert message.next_attempt_at == at("2026-03-06T11:00:00+08:00")
    assert message.expires_at == at("2026-03-06T20:00:00+08:00")
    assert "weekly check-in" in message.body and patient.site.phone in message.body


def test_three_daily_checkins_after_a_session_then_weekly(patient, clock):
    haic_done(patient, date(2026, 3, 2))
    days = ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07"]
    counts = [plan(clock, f"{d}T12:00:00+08:00") for d in days]
    assert counts == [1, 1, 1, 1, 0]
    assert [m.idempotency_key.split(":", 2)[2] for m in outbound()] == [
        "post_haic:2026-03-03", "post_haic:2026-03-04", "post_haic:2026-03-05", "weekly:2026-03-06"]
    assert "hospital stay" in outbound()[0].body


@pytest.mark.parametrize("change", [{"sms_opted_out": True}, {"status": "follow_up"}, {"status": "deceased"}])
def test_nothing_planned_off_treatment_or_opted_out(patient, clock, change):
    haic_done(patient, date(2026, 3, 2))
    for name, value in change.items():
        setattr(patient, name, value)
    db.session.commit()
    assert plan(clock, "2026-03-03T10:30:00+08:00") == 0
    assert plan(clock, "2026-03-06T10:30:00+08:00") == 0


def test_opt_out_after_queueing_cancels_at_send_time(patient, clock, dispatcher):
    plan(clock, "2026-03-06T10:30:00+08:00")
    patient.sms_opted_out = True
    db.session.commit()
    clock.set(at("2026-03-06T11:00:00+08:00"))
    assert dispatcher.sweep().cancelled == 1
    assert outbound()[0].error_message == "patient opted out of SMS"


def test_patient_quiet_hours_defer_and_the_evening_drops_it(patient, clock, dispatcher):
    patient.quiet_start, patient.quiet_end = "08:00", "13:00"  # a night-shift worker sleeps late
    db.session.commit()
    plan(clock, "2026-03-06T10:30:00+08:00")
    clock.set(at("2026-03-06T11:00:00+08:00"))
    assert dispatcher.sweep().deferred == 1
    assert outbound()[0].next_attempt_at == at("2026-03-06T13:00:00+08:00")
    clock.set(at("2026-03-06T13:00:00+08:00"))
    assert dispatcher.sweep().sent == 1


def test_checkin_sent_then_reply_zero_records_no_symptoms_and_proof_of_life(patient, clock, dispatcher):
    plan(clock, "2026-03-06T10:30:00+08:00")
    clock.set(at("2026-03-06T11:00:00+08:00"))
    assert dispatcher.sweep().sent == 1
    clock.set(at("2026-03-06T11:20:00+08:00"))
    inbound.receive(clock.now(), sid="SM-checkin-reply", from_number=patient.phone, to_number="+10000000000",
                    body="0")
    db.session.commit()
    [report] = db.session.scalars(select(SymptomReport).where(SymptomReport.patient_id == patient.id)).all()
    assert (report.status, report.text, report.items) == ("complete", "0", [])
    assert patient.last_contact_date == date(2026, 3, 6)
    assert [m.purpose for m in outbound()] == [PURPOSE]  # no reply to an all-clear
    assert db.session.scalar(select(Message).where(Message.direction == "inbound")).body == "0"


def test_cli_plans_and_reports(app, patient, clock):
    clock.set(at("2026-03-06T10:30:00+08:00"))
    result = app.test_cli_runner().invoke(args=["checkins", "plan"])
    assert result.exit_code == 0, result.output
    assert "queued 1 check-in(s)" in result.output
    assert len(outbound(purpose=PURPOSE)) == 1
