from marshmallow import Schema, fields, validate

from app.common.permissions import ROLES


class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String()
    role = fields.String()
    site = fields.Function(lambda u: u.site.code if u.site else None)
    phone = fields.String(allow_none=True)
    on_call = fields.Boolean()
    active = fields.Boolean()
    must_change_password = fields.Boolean()
    version = fields.Integer()


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(UserSchema)


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.@-]{2,80}$"))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    site = fields.String(load_default=None, validate=validate.Length(max=16))
    phone = fields.String(load_default=None, validate=validate.Length(max=32))
    on_call = fields.Boolean(load_default=False)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class UserUpdateSchema(Schema):
    """PATCH /users/{id}: only the fields sent change."""

    role = fields.String(validate=validate.OneOf(ROLES))
    site = fields.String(allow_none=True, validate=validate.Length(max=16))
    phone = fields.String(allow_none=True, validate=validate.Regexp(r"^\+[1-9]\d{6,14}$", error="E.164, e.g. +8613800000000."))
    on_call = fields.Boolean()
    active = fields.Boolean()
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class PasswordResetSchema(Schema):
    username = fields.String()
    one_time_password = fields.String(metadata={"description": "Shown once; the user must change it at the next call."})
    must_change_password = fields.Boolean()
