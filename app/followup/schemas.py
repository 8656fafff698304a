from marshmallow import Schema, fields, validate

from app.common.pagination import ListArgs
from app.models.contact import CONTACT_CHANNELS, CONTACT_OUTCOMES


class FollowUpArgs(ListArgs):
    """`limit`/`cursor` page the worklist in urgency order; `updated_since` keeps the patients
    whose record, visits or contact log changed after it (tablet delta sync)."""

    site = fields.String(load_default=None)
    overdue = fields.Boolean(load_default=None)
    lost_to_follow_up_candidate = fields.Boolean(load_default=None)


class LastAttemptSchema(Schema):
    contacted_at = fields.AwareDateTime()
    outcome = fields.String()
    channel = fields.String()


class FollowUpRowSchema(Schema):
    patient_id = fields.Integer()
    study_id = fields.String()
    site = fields.String()
    status = fields.String()
    phase = fields.String(metadata={"description": "treatment (seen at visits) or survival (12-weekly)"})
    last_known_alive = fields.Date(allow_none=True)
    days_since_contact = fields.Integer(allow_none=True)
    next_contact_due = fields.Date(allow_none=True)
    window_end = fields.Date(allow_none=True, metadata={"description": "overdue after this day"})
    overdue = fields.Boolean()
    lost_to_follow_up_candidate = fields.Boolean()
    last_attempt = fields.Nested(LastAttemptSchema, allow_none=True)


class FollowUpSchema(Schema):
    as_of = fields.DateTime()
    items = fields.List(fields.Nested(FollowUpRowSchema))
    lost_to_follow_up_candidates = fields.List(fields.String(), metadata={"description": "study ids"})
    next_cursor = fields.String(allow_none=True)


class ContactCreateSchema(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(CONTACT_CHANNELS))
    outcome = fields.String(required=True, validate=validate.OneOf(CONTACT_OUTCOMES))
    contacted_at = fields.AwareDateTime(load_default=None, format="iso")
    notes = fields.String(load_default=None, validate=validate.Length(max=4000))


class ContactSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    contacted_at = fields.AwareDateTime()
    contact_date = fields.Date()
    channel = fields.String()
    outcome = fields.String()
    notes = fields.String(allow_none=True)
    recorded_by_id = fields.Integer(allow_none=True)
    event_id = fields.Integer(allow_none=True)
    proves_life = fields.Function(lambda c: c.event_id is not None)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
