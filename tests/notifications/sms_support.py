"""Helpers for the SMS integration tests: an app wired to the fake Twilio, visits, dispatch."""
from datetime import date, timedelta

from app.extensions import db
from app.models import Message, Patient, Visit
from tests.notifications.fake_twilio import sign_webhook

PUBLIC_BASE_URL = "https://haic.example.org"


def twilio_config(app_config, fake):
    app_config.SMS_BACKEND = "twilio"
    app_config.PUBLIC_BASE_URL = PUBLIC_BASE_URL
    for key, value in fake.config().items():
        setattr(app_config, key, value)
    return app_config


def add_visit(patient_id, scheduled_date: date, kind="haic", code=None, status="scheduled"):
    patient = db.session.get(Patient, patient_id)
    visit = Visit(patient_id=patient.id, site_id=patient.site_id, protocol_version="NCT06184841-v1",
                  code=code or f"{kind}-{scheduled_date.isoformat()}", kind=kind, anchor="c1d1",
                  target_date=scheduled_date, window_start=scheduled_date - timedelta(days=3),
                  window_end=scheduled_date + timedelta(days=3), scheduled_date=scheduled_date, status=status)
    db.session.add(visit)
    db.session.commit()
    return visit


def outbound(**filters):
    statement = db.select(Message).filter_by(direction="outbound", **filters).order_by(Message.id)
    return db.session.scalars(statement).all()


def post_signed(client, url, params, auth_token, signature_url=None):
    """POST a webhook signed for `signature_url` (default: the URL itself)."""
    webhook = sign_webhook(auth_token, signature_url or url, params)
    path = url.removeprefix(PUBLIC_BASE_URL)
    return client.post(path, data=params, headers=webhook.headers)


def plain_sms(text: str):
    """A RenderedSms for outbox tests whose wording does not matter (a made-up template name)."""
    from app.notifications.gateways.base import TemplateRef
    from app.notifications.templates import RenderedSms

    return RenderedSms(text, TemplateRef("test_only", "en", (("text", text),)))
