from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.models.patient import EVENT_TYPES, PATIENT_STATUSES

_TIME = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use HH:MM (24 h).")


class QuietHoursSchema(Schema):
    start = fields.String(required=True, validate=_TIME)
    end = fields.String(required=True, validate=_TIME)

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if data["start"] == data["end"]:
            raise ValidationError("Quiet hours need different start and end times.", "end")


class PatientCreateSchema(Schema):
    screening_id = fields.Integer(required=True, strict=True)
    phone = fields.String(required=True, validate=validate.Length(min=3, max=32))
    language = fields.String(required=True, validate=validate.OneOf(("zh", "en")))
    treatment_start = fields.Date(required=True)
    weight_kg = fields.Float(load_default=None, allow_none=True, allow_nan=False,
                             validate=validate.Range(min=20, max=300))
    quiet_hours = fields.Nested(QuietHoursSchema, load_default=None, allow_none=True)


class PatientUpdateSchema(Schema):
    phone = fields.String(validate=validate.Length(min=3, max=32))
    language = fields.String(validate=validate.OneOf(("zh", "en")))
    weight_kg = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=20, max=300))
    quiet_hours = fields.Nested(QuietHoursSchema, allow_none=True)
    sms_opted_out = fields.Boolean()
    treatment_start = fields.Date(metadata={"description": "correct the planned C1D1 before dosing (with a reason)"})
    # "sms" | "form" (web-link check-ins); null falls back to the site's setting.
    checkin_channel = fields.String(allow_none=True, validate=validate.OneOf(("sms", "form")))
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))


class PatientSchema(Schema):
    id = fields.Integer()
    study_id = fields.String()
    site = fields.Function(lambda p: p.site.code)
    initials = fields.String()
    status = fields.String(validate=validate.OneOf(PATIENT_STATUSES))
    treatment_start = fields.Date(metadata={"description": "the planned C1D1"})
    c1d1 = fields.Date(allow_none=True, metadata={"description": "the first dose actually given; null before dosing"})
    protocol_version = fields.String()
    language = fields.String()
    phone = fields.String()
    weight_kg = fields.Float(allow_none=True)
    quiet_hours = fields.Function(lambda p: {"start": p.quiet_start, "end": p.quiet_end} if p.quiet_start else None)
    sms_opted_out = fields.Boolean()
    sms_unreachable = fields.Boolean()
    screening_id = fields.Integer()
    enrolled_at = fields.AwareDateTime()
    last_contact_date = fields.Date(allow_none=True)
    checkin_channel = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    version = fields.Integer()


class PatientListArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)
    updated_since = fields.AwareDateTime(load_default=None)
    site = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(PATIENT_STATUSES))


class EventCreateSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    date = fields.Date(required=True)
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))
    details = fields.String(load_default=None, validate=validate.Length(max=4000))


class EventSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    type = fields.String()
    date = fields.Date()
    source = fields.String(allow_none=True, metadata={"description": "progression: radiological or clinical"})
    treatment_beyond_progression = fields.Boolean()
    reason = fields.String(allow_none=True)
    details = fields.String(allow_none=True)
    retracted_at = fields.AwareDateTime(allow_none=True)
    retracted_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    version = fields.Integer()


class EventResultSchema(Schema):
    event = fields.Nested(EventSchema)
    patient = fields.Nested(PatientSchema)
