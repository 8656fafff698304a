"""Schemas: Twilio's webhook forms (input) and messages (output)."""
from marshmallow import EXCLUDE, Schema, fields, validate

from app.common.pagination import ListArgs

_SID = validate.Length(min=2, max=64)


class InboundSmsForm(Schema):
    """The fields of Twilio's inbound-message webhook we use; the rest are ignored."""

    class Meta:
        unknown = EXCLUDE

    MessageSid = fields.String(required=True, validate=_SID)
    From = fields.String(required=True, validate=validate.Length(min=1, max=20))
    To = fields.String(load_default="", validate=validate.Length(max=20))
    Body = fields.String(load_default="", validate=validate.Length(max=1600))


class StatusCallbackForm(Schema):
    class Meta:
        unknown = EXCLUDE

    MessageSid = fields.String(required=True, validate=_SID)
    MessageStatus = fields.String(required=True, validate=validate.Length(min=1, max=20))
    ErrorCode = fields.Integer(load_default=None, allow_none=True)


class StatusCallbackQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    m = fields.Integer(load_default=None)  # our message id, in the callback URL we gave Twilio


class MessageListArgs(ListArgs):
    direction = fields.String(load_default=None, validate=validate.OneOf(("inbound", "outbound")))
    status = fields.String(load_default=None, validate=validate.Length(max=12))


class MessageSchema(Schema):
    id = fields.Integer()
    direction = fields.String()
    patient_id = fields.Integer(allow_none=True)
    visit_id = fields.Integer(allow_none=True)
    purpose = fields.String()
    status = fields.String()
    from_number = fields.String(allow_none=True)
    to_number = fields.String()
    body = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True)
    provider_sid = fields.String(allow_none=True)
    error_code = fields.String(allow_none=True)
    error_message = fields.String(allow_none=True)
    received_at = fields.AwareDateTime(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class StaffMessageListArgs(ListArgs):
    unmatched = fields.Boolean(load_default=False, metadata={"description": "true: inbound texts from numbers that belong to no patient (to assign)."})


class AssignMessageSchema(Schema):
    patient_id = fields.Integer(required=True)
