from zoneinfo import available_timezones

from marshmallow import Schema, fields, validate

def _no_disclosure(value):
    """Patients' SMS carry this name: it must not reveal a diagnosis or a treatment."""
    from marshmallow import ValidationError

    from app.notifications.templates import find_sensitive_terms

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
    checkin_channel = fields.String()
    enrolled_count = fields.Integer()
    version = fields.Integer()
