"""Twilio's webhooks: check the signature and read the form into the inbox's plain values.

No database work here: the view stores what this returns (inbox.accept_inbound / accept_receipt).
"""
from __future__ import annotations

from flask import current_app, request
from marshmallow import ValidationError

from app.common.problems import Forbidden, ValidationProblem
from app.notifications.schemas import InboundSmsForm, StatusCallbackForm, StatusCallbackQuery
from app.notifications.signatures import verify_twilio_signature

CHANNEL = "twilio"


def require_signature() -> None:
    """403 unless X-Twilio-Signature matches PUBLIC_BASE_URL + path + query and the form."""
    config = current_app.config
    query = request.query_string.decode("utf-8")
    path = request.path + (f"?{query}" if query else "")
    if not verify_twilio_signature(config.get("TWILIO_AUTH_TOKEN"), config["PUBLIC_BASE_URL"], path,
                                   request.form, request.headers.get("X-Twilio-Signature")):
        raise Forbidden("The X-Twilio-Signature does not match this request.")


def _load(schema, data):
    try:
        return schema().load(data)
    except ValidationError as exc:
        raise ValidationProblem("The webhook is missing fields.", errors=exc.messages)


def inbound_text() -> dict:
    """The verified inbound SMS as keyword arguments of `accept_inbound` (minus received_at)."""
    require_signature()
    form = _load(InboundSmsForm, request.form)
    return dict(channel=CHANNEL, from_number=form["From"], to_number=form["To"] or None, body=form["Body"],
                provider_ref=form["MessageSid"], raw={"form": request.form.to_dict()})


def receipt() -> dict:
    """The verified status callback as keyword arguments of `accept_receipt` (minus received_at)."""
    require_signature()
    form = _load(StatusCallbackForm, request.form)
    hint = _load(StatusCallbackQuery, request.args)["m"]
    error = form["ErrorCode"]
    return dict(channel=CHANNEL, provider_sid=form["MessageSid"], status=form["MessageStatus"],
                error_code=None if error is None else str(error), raw={"message_id": hint})
