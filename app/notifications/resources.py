"""/sms/inbound and /sms/status (Twilio webhooks, signed) and /api/v1/patients/{id}/messages."""
from flask import Response, current_app, g, request
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy import select
from twilio.twiml.messaging_response import MessagingResponse

from app.common.access import load_visible
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.pagination import paginate
from app.common.problems import Forbidden, ValidationProblem
from app.common.schemas import page_schema
from app.models import Message, Patient
from app.notifications import inbound, status
from app.notifications.schemas import (InboundSmsForm, MessageListArgs, MessageSchema, StatusCallbackForm,
                                       StatusCallbackQuery)
from app.notifications.signatures import verify_twilio_signature

blp = Blueprint("sms", __name__, description="SMS: Twilio webhooks and patients' messages")


def _require_twilio_signature():
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


def _empty_twiml():
    return Response(str(MessagingResponse()), status=200, mimetype="application/xml")


@blp.route("/sms/inbound", methods=["POST"])
def sms_inbound():
    """Twilio's inbound-message webhook: stored once per MessageSid; replies go through the outbox."""
    _require_twilio_signature()
    form = _load(InboundSmsForm, request.form)
    inbound.receive(utcnow(), sid=form["MessageSid"], from_number=form["From"], to_number=form["To"],
                    body=form["Body"])
    return _empty_twiml()


@blp.route("/sms/status", methods=["POST"])
def sms_status():
    """Twilio's status callback: moves the outbox row forward, never back."""
    _require_twilio_signature()
    form = _load(StatusCallbackForm, request.form)
    hint = _load(StatusCallbackQuery, request.args)["m"]
    status.apply_status_callback(utcnow(), sid=form["MessageSid"], provider_status=form["MessageStatus"],
                                 error_code=form["ErrorCode"], message_id=hint)
    return Response(status=204)


@blp.route("/api/v1/patients/<int:patient_id>/messages", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(MessageListArgs, location="query")
@blp.response(200, page_schema(MessageSchema))
def list_messages(args, patient_id):
    load_visible(Patient, patient_id, g.actor, what="patient")
    statement = select(Message).where(Message.patient_id == patient_id)
    if args["direction"]:
        statement = statement.where(Message.direction == args["direction"])
    if args["status"]:
        statement = statement.where(Message.status == args["status"])
    return paginate(statement, Message, args)
