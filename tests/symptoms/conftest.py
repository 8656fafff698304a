"""Fixtures for the symptom integration tests (the pure tests here use none of them)."""
from datetime import date

import pytest
from tests.support.shared import require_shared

ON_CALL_PHONE = "+8613800000001"


@pytest.fixture
def patient(app, enroll):
    """An enrolled English-speaking patient, as an ORM object."""
    from app.extensions import db
    from app.models import Patient

    return db.session.get(Patient, enroll(language="en")["id"])


@pytest.fixture
def on_call(make_user):
    return make_user("oncall", "nurse", phone=ON_CALL_PHONE, on_call=True)


@pytest.fixture
def sms(app, clock, patient):
    """sms(text, hours_later=0) -> reply texts: one inbound text through the service, committed like a request."""
    from datetime import timedelta

    from app.extensions import db
    from app.models import Message
    from app.symptoms.services import handle_inbound_text

    def send(text, at=None):
        replies = handle_inbound_text(at or clock.now(), patient, Message(direction="inbound", body=text))
        db.session.commit()
        return [reply.text for reply in replies]

    send.later = lambda hours: clock.now() + timedelta(hours=hours)
    return send


@pytest.fixture
def sintilimab_given(app, patient):
    """A completed sintilimab dose: fever becomes a red flag."""
    from tests.notifications.sms_support import add_visit

    return add_visit(patient.id, date(2026, 2, 27), kind="sintilimab", code="C1D1-SIN", status="completed")


@pytest.fixture
def official_csv():
    """NCI's table as ../shared/data/ctcae_v5.csv; skips on a checkout without ../shared."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ctcae_v5.csv"
    require_shared(path, "official CTCAE table")
    return path
