from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate

from app.notifications.templates import find_sensitive_terms
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

def _no_disclosure(value):
    """Patients' SMS carry this name: it must not reveal a diagnosis or a treatment."""
    found = find_sensitive_terms(value)
    if found:
        raise ValidationError(f"An SMS name must not disclose the diagnosis or treatment ({', '.join(found)}).")


_TIME = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use HH:MM (24 h).")


class SiteCreateSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2,8}$", error="2-8 capital letters."))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(required=True, validate=validate.OneOf(sorted(available_timezones()),
                                                                   error="Not an IANA time zone."))
    phone = fields.String(load_default=None, validate=validate.Length(max=32))
    haic_daily_capacity = fields.Integer(load_default=4, validate=validate.Range(min=0, max=50))
    quiet_start = fields.String(load_default="21:00", validate=_TIME)
    quiet_end = fields.String(load_default="08:00", validate=_TIME)
    sms_name = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=40),
                                                                          _no_disclosure])
    checkin_channel = fields.String(load_default="sms", validate=validate.OneOf(("sms", "form")))


class SiteSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    timezone = fields.String()
    phone = fields.String(allow_none=True)
    haic_daily_capacity = fields.Integer()
    quiet_start = fields.String()
    quiet_end = fields.String()
    sms_name = fields.String(allow_none=True)
    haic_capacity = fields.Function(lambda site: site.haic_daily_capacity)
    checkin_channel = fields.String()
    enrolled_count = fields.Integer()
    version = fields.Integer()


class SiteUpdateSchema(Schema):
    """PATCH /sites/{code}: only the fields sent change. `haic_capacity` is the contract's
    name for `haic_daily_capacity` (both are accepted)."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    sms_name = fields.String(allow_none=True, validate=[validate.Length(min=1, max=40), _no_disclosure])
    phone = fields.String(allow_none=True, validate=validate.Regexp(r"^\+[1-9]\d{6,14}$", error="E.164, e.g. +861088196114."))
    timezone = fields.String(validate=validate.OneOf(sorted(available_timezones()), error="Not an IANA time zone."))
    haic_capacity = fields.Integer(validate=validate.Range(min=0, max=50))
    haic_daily_capacity = fields.Integer(validate=validate.Range(min=0, max=50))
    quiet_start = fields.String(validate=_TIME)
    quiet_end = fields.String(validate=_TIME)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class OnCallShiftSchema(Schema):
    user_id = fields.Integer(required=True)
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    username = fields.Function(lambda shift: shift.user.username, dump_only=True)
    phone = fields.Function(lambda shift: shift.user.phone, dump_only=True)

    @validates_schema
    def _order(self, data, **kwargs):
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("`ends_at` must come after `starts_at`.", "ends_at")
