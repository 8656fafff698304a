"""Visit reminders: planned ahead, decided at send time; quiet hours across zones; overdue visits."""
from datetime import date, datetime, timezone

import pytest

from tests.notifications.sms_support import plain_sms
from sqlalchemy import update

from app.extensions import db
from app.models import Message, Patient, Site, Visit
from app.notifications.dispatcher import Dispatcher
from app.notifications.reminders import plan_reminders
from app.common.jobs import run_job
from tests.notifications.sms_support import add_visit, outbound


@pytest.fixture
def dispatcher(app):
    dispatcher = Dispatcher.from_app(app)
    yield dispatcher
    dispatcher.close()


@pytest.fixture
def patient(enroll):
    """A patient whose protocol schedule is set aside, so each test books exactly the visits it needs."""
    patient = db.session.get(Patient, enroll()["id"])
    db.session.execute(update(Visit).where(Visit.patient_id == patient.id).values(status="cancelled"))
    db.session.commit()
    return patient


def at(text):
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def plan(clock):
    count = plan_reminders(clock.now())
    db.session.commit()
    return count


def test_two_reminders_per_visit_planned_once_and_sent_in_their_slot(patient, clock, dispatcher):
    visit = add_visit(patient.id, date(2026, 3, 5))  # Thursday; advance on Tuesday 10:00 Beijing
    clock.set(at("2026-03-01T12:00:00+08:00"))
    assert plan(clock) == 0  # too early: rows appear at most 36 h before their moment
    clock.set(at("2026-03-03T09:00:00+08:00"))
    assert plan(clock) == 1 and plan(clock) == 0
    [advance] = outbound()
    assert advance.idempotency_key == f"reminder:{visit.id}:advance:2026-03-05"
    assert advance.next_attempt_at == at("2026-03-03T10:00:00+08:00")
    assert dispatcher.sweep().claimed == 0
    clock.set(at("2026-03-03T10:00:00+08:00"))
    assert dispatcher.sweep().sent == 1
    body = db.session.get(Message, advance.id).body
    assert "3月5日（周四）" in body
    assert "研究门诊" in body and "Cancer" not in body  # the site's SMS name, never its full name
    clock.set(at("2026-03-04T20:00:00+08:00"))
    assert plan(clock) == 1
    clock.set(at("2026-03-05T08:00:00+08:00"))  # day-of at 07:00 waits for quiet hours to end
    assert dispatcher.sweep().sent == 1
    assert [m.status for m in outbound()] == ["sent", "sent"]


def test_visit_moved_after_planning_gets_no_stale_reminder(patient, clock, dispatcher):
    visit = add_visit(patient.id, date(2026, 3, 5))
    clock.set(at("2026-03-03T09:00:00+08:00"))
    plan(clock)
    visit.scheduled_date = date(2026, 3, 9)
    db.session.commit()
    clock.set(at("2026-03-03T10:00:00+08:00"))
    assert dispatcher.sweep().cancelled == 1
    [stale] = outbound()
    assert stale.status == "cancelled" and "moved" in stale.error_message
    clock.set(at("2026-03-07T09:00:00+08:00"))
    plan(clock)
    clock.set(at("2026-03-07T10:00:00+08:00"))
    dispatcher.sweep()
    fresh = outbound()[-1]
    assert fresh.status == "sent" and "3月9日" in fresh.body


def test_cancelled_visit_and_opted_out_patient_get_nothing(patient, clock, dispatcher):
    visit = add_visit(patient.id, date(2026, 3, 5))
    clock.set(at("2026-03-03T10:30:00+08:00"))
    plan(clock)
    visit.status = "cancelled"
    db.session.commit()
    assert dispatcher.sweep().cancelled == 1
    visit.status = "scheduled"
    patient.sms_opted_out = True
    db.session.commit()
    clock.set(at("2026-03-04T20:00:00+08:00"))
    assert plan(clock) == 0


def test_a_passed_moment_is_dropped_not_sent_late(patient, clock, dispatcher):
    add_visit(patient.id, date(2026, 3, 5))
    clock.set(at("2026-03-04T20:00:00+08:00"))
    assert plan(clock) == 2  # the advance one is late but still useful until midnight
    clock.set(at("2026-03-05T12:30:00+08:00"))  # the dispatcher was down until after both expired
    assert dispatcher.sweep().cancelled == 2
    assert {m.error_message for m in outbound()} == {"expired before it could be sent"}


def test_patient_quiet_hours_override_and_site_time_zone(patient, clock, dispatcher):
    site = db.session.get(Site, patient.site_id)
    site.timezone = "America/New_York"
    patient.quiet_start, patient.quiet_end = "20:00", "09:30"
    db.session.commit()
    add_visit(patient.id, date(2026, 3, 5), kind="labs")
    clock.set(at("2026-03-04T22:00:00-05:00"))
    plan(clock)
    day_of = outbound()[-1]
    assert day_of.next_attempt_at == at("2026-03-05T09:30:00-05:00")


@pytest.mark.parametrize("now, sendable", [
    ("2026-03-03T23:30:00+08:00", False),  # evening part of the window
    ("2026-03-04T07:59:00+08:00", False),  # after midnight, still quiet
    ("2026-03-04T08:00:00+08:00", True),
])
def test_system_messages_respect_quiet_hours_across_midnight(patient, clock, dispatcher, now, sendable):
    from app.notifications import outbox

    clock.set(at(now))
    outbox.enqueue(to_number=patient.phone, sms=plain_sms("news"), purpose="system", now=clock.now(), patient=patient)
    db.session.commit()
    stats = dispatcher.sweep()
    assert (stats.sent, stats.deferred) == ((1, 0) if sendable else (0, 1))
    if not sendable:
        assert outbound()[0].next_attempt_at == at("2026-03-04T08:00:00+08:00")


def test_overdue_visits_are_flagged_not_missed(app, patient, clock):
    past = add_visit(patient.id, date(2026, 3, 1), code="c1")
    today = add_visit(patient.id, date(2026, 3, 2), code="c2")
    assert run_job(app, "overdue-visits") == {"flagged": 1}
    assert run_job(app, "overdue-visits") == {"flagged": 0}
    db.session.expire_all()
    past, today = db.session.get(Visit, past.id), db.session.get(Visit, today.id)
    assert (past.status, past.flags) == ("scheduled", ["missed_candidate"])
    assert today.flags == []


def test_jobs_plan_and_sweep(app, patient, clock):
    add_visit(patient.id, date(2026, 3, 4))
    clock.set(at("2026-03-02T10:00:00+08:00"))
    assert run_job(app, "reminder-planning") == {"planned": 1}
    assert run_job(app, "outbox-sweep")["sent"] == 1


def test_cli_dispatch_runs_one_sweep(app, patient, clock):
    add_visit(patient.id, date(2026, 3, 4))
    clock.set(at("2026-03-02T10:00:00+08:00"))
    result = app.test_cli_runner().invoke(args=["reminders", "dispatch"])
    assert result.exit_code == 0, result.output
    assert "planned 1 reminder(s)" in result.output and "sent 1" in result.output
