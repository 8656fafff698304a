"""Scheduler wiring: each job opens its own app context, uses the injected clock and commits."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Alert, AuditEntry, Message, Patient, SymptomReport
from app.common.jobs import ACTOR, run_job
from tests.adverse_events.conftest import ae_body
from tests.conftest import FROZEN_NOW
from tests.notifications.sms_support import add_visit


@pytest.fixture
def patient(enroll):
    return db.session.get(Patient, enroll(language="en")["id"])


def committed(model, **filters):
    """Rows as another connection sees them: the job must have committed."""
    db.session.rollback()
    return db.session.scalars(select(model).filter_by(**filters)).all()


def test_scheduler_registers_every_job_once_with_fixed_ids(app):
    from scheduler import build_scheduler

    ids = [job.id for job in build_scheduler(app).get_jobs()]
    assert sorted(ids) == sorted(set(ids))
    assert {"outbox-sweep", "reminder-planning", "overdue-visits", "checkin-planning", "sae-deadlines",
            "abandoned-symptom-dialogues"} <= set(ids)


def test_checkin_planning_job(app, patient, clock):
    clock.set(datetime(2026, 3, 6, 2, 30, tzinfo=timezone.utc))  # 10:30 in Beijing, C1D1 + 4
    assert run_job(app, "checkin-planning") == {"planned": 1}
    assert run_job(app, "checkin-planning") == {"planned": 0}
    [message] = committed(Message, purpose="checkin")
    assert message.idempotency_key == f"checkin:{patient.id}:weekly:2026-03-06"


def test_sae_deadline_job(app, nurse, patient, clock):
    add_visit(patient.id, date(2026, 2, 27), kind="sintilimab", code="SIN-0227", status="completed")
    response = nurse.post(f"/api/v1/patients/{patient.id}/adverse-events",
                          json=ae_body(ctcae_term="Fever", grade=3, serious=True,
                                       seriousness_criteria=["hospitalisation"]))
    assert response.status_code == 201, response.get_json()
    clock.set(FROZEN_NOW + timedelta(hours=23))
    assert run_job(app, "sae-deadlines") == {"alerts_opened": 0}
    clock.set(FROZEN_NOW + timedelta(hours=25))
    assert run_job(app, "sae-deadlines") == {"alerts_opened": 1}
    assert run_job(app, "sae-deadlines") == {"alerts_opened": 0}
    [alert] = committed(Alert, kind="sae_deadline")
    assert alert.patient_id == patient.id
    assert committed(AuditEntry, action="sae_overdue_alert")[0].actor == ACTOR


def test_abandoned_dialogue_job(app, patient, clock):
    from app.symptoms.services import handle_inbound_text

    replies = handle_inbound_text(clock.now(), patient, Message(direction="inbound", body="nausea"))
    db.session.commit()
    assert replies  # a severity question: the dialogue waits for the answer
    clock.set(FROZEN_NOW + timedelta(hours=1))
    assert run_job(app, "abandoned-symptom-dialogues") == {"closed": 0}
    clock.set(FROZEN_NOW + timedelta(hours=13))
    assert run_job(app, "abandoned-symptom-dialogues") == {"closed": 1}
    [report] = committed(SymptomReport, patient_id=patient.id)
    assert report.status == "complete" and [i.ctcae_term for i in report.items] == ["Nausea"]
