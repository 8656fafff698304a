"""/sms/inbound and /sms/status (Twilio webhooks, signed) and /api/v1/patients/{id}/messages."""
from flask import Response, g
from flask_smorest import Blueprint
from sqlalchemy import select
from twilio.twiml.messaging_response import MessagingResponse

from app.common.access import load_visible, scope_to_site
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.pagination import paginate
from app.common.schemas import page_schema
from app.common.problems import Conflict, NotFound
from app.extensions import db
from app.models import Message, Patient
from app.notifications import inbox
from app.notifications.webhooks import twilio as twilio_webhook
from app.notifications import inbound
from app.notifications.schemas import AssignMessageSchema, MessageListArgs, MessageSchema, StaffMessageListArgs

blp = Blueprint("sms", __name__, description="SMS: Twilio webhooks and patients' messages")


def _empty_twiml():
    return Response(str(MessagingResponse()), status=200, mimetype="application/xml")


@blp.route("/sms/inbound", methods=["POST"])
def sms_inbound():
    """Twilio's inbound-message webhook: verified, stored in the inbox (its own commit, or the
    local spool when the database is down), answered; processed right after, off the answer."""
    inbox.accept_inbound(received_at=utcnow(), **twilio_webhook.inbound_text())
    inbox.process_soon()  # also after spooling: the worker replays the spool once the database is back
    return _empty_twiml()


@blp.route("/sms/status", methods=["POST"])
def sms_status():
    """Twilio's status callback: stored like an inbound text; moves the outbox row forward, never back."""
    inbox.accept_receipt(received_at=utcnow(), **twilio_webhook.receipt())
    inbox.process_soon()
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


@blp.route("/api/v1/messages", methods=["GET"])
@requires(Capability.MANAGE_MESSAGES)
@blp.arguments(StaffMessageListArgs, location="query")
@blp.response(200, page_schema(MessageSchema))
def list_site_messages(args):
    """Messages of the caller's site (all sites for admins); `unmatched=true`: inbound texts
    from numbers that belong to no patient, shown to the site that owns the number they were
    sent to (admins see those whose site is unknown)."""
    statement = scope_to_site(select(Message), g.actor, Message.site_id)
    if args["unmatched"]:
        statement = statement.where(Message.direction == "inbound", Message.patient_id.is_(None))
    return paginate(statement, Message, args)


@blp.route("/api/v1/messages/<int:message_id>/assign", methods=["POST"])
@requires(Capability.MANAGE_MESSAGES)
@blp.arguments(AssignMessageSchema)
@blp.response(200, MessageSchema)
def assign_message(args, message_id):
    """Say whose an unmatched text is: it joins that patient's messages and is processed as theirs
    (keywords, symptoms, replies). 409 when the message is not an unmatched inbound text."""
    message = db.session.get(Message, message_id)
    if message is None or message.site_id is not None and not (g.actor.is_admin or g.actor.site_id == message.site_id):
        raise NotFound(f"No message with id {message_id}.")
    patient = load_visible(Patient, args["patient_id"], g.actor, what="patient")
    try:
        return inbound.assign(g.actor, utcnow(), message, patient)
    except ValueError as error:
        raise Conflict(str(error), slug="not-unmatched")
