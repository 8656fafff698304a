"""/sms/inbound and /sms/status (Twilio webhooks, signed) and /api/v1/patients/{id}/messages."""
from flask import Response, g
from flask_smorest import Blueprint
from sqlalchemy import select
from twilio.twiml.messaging_response import MessagingResponse

from app.common.access import load_visible
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.pagination import paginate
from app.common.schemas import page_schema
from app.models import Message, Patient
from app.notifications import inbox
from app.notifications.webhooks import twilio as twilio_webhook
from app.notifications.schemas import MessageListArgs, MessageSchema

blp = Blueprint("sms", __name__, description="SMS: Twilio webhooks and patients' messages")


def _empty_twiml():
    return Response(str(MessagingResponse()), status=200, mimetype="application/xml")


@blp.route("/sms/inbound", methods=["POST"])
def sms_inbound():
    """Twilio's inbound-message webhook: verified, stored in the inbox (its own commit, or the
    local spool when the database is down), answered; processed right after, off the answer."""
    if inbox.accept_inbound(received_at=utcnow(), **twilio_webhook.inbound_text()) is not None:
        inbox.process_soon()
    return _empty_twiml()


@blp.route("/sms/status", methods=["POST"])
def sms_status():
    """Twilio's status callback: stored like an inbound text; moves the outbox row forward, never back."""
    if inbox.accept_receipt(received_at=utcnow(), **twilio_webhook.receipt()) is not None:
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
