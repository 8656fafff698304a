"""Status vocabularies: StrEnum constants in code, CHECK constraints in the database."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.common.statuses import AlertStatus, MessageStatus, ReportStatus, VisitStatus, check_in
from app.extensions import db
from tests.conftest import FROZEN_NOW
from tests.notifications.sms_support import plain_sms


def test_a_status_is_its_string():
    assert VisitStatus.SCHEDULED == "scheduled" and f"{MessageStatus.QUEUED}" == "queued"
    assert check_in("status", AlertStatus) == "status IN ('open', 'acknowledged')"


def _rows(patient):
    from app.models import Alert, Visit
    from app.notifications.outbox import enqueue
    from app.symptoms.services import new_report

    message = enqueue(to_number=patient.phone, sms=plain_sms("hi"), purpose="system", now=FROZEN_NOW, patient=patient)
    report = new_report(patient, FROZEN_NOW, "tablet")
    alert = Alert(patient_id=patient.id, site_id=patient.site_id, kind="symptom", status=AlertStatus.OPEN,
                  reasons=[], opened_at=FROZEN_NOW, last_event_at=FROZEN_NOW, occurrences=1)
    db.session.add(alert)
    db.session.flush()
    visit = db.session.query(Visit).filter_by(patient_id=patient.id).first()
    return {"messages": message.id, "symptom_reports": report.id, "alerts": alert.id, "visits": visit.id}


@pytest.mark.parametrize("table, enum", [
    ("messages", MessageStatus), ("symptom_reports", ReportStatus), ("alerts", AlertStatus), ("visits", VisitStatus),
])
def test_the_database_refuses_a_status_outside_the_vocabulary(app, enroll, table, enum):
    from app.models import Patient

    patient = db.session.get(Patient, enroll()["id"])
    row_id = _rows(patient)[table]
    db.session.commit()
    update = text(f"UPDATE {table} SET status = :status WHERE id = :id")
    for status in enum:  # every member is accepted...
        db.session.execute(update, {"status": status.value, "id": row_id})
    with pytest.raises(IntegrityError):  # ...and nothing else
        db.session.execute(update, {"status": "bogus", "id": row_id})
    db.session.rollback()
