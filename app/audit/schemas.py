from marshmallow import Schema, fields

from app.common.pagination import ListArgs


class AuditArgs(ListArgs):
    entity = fields.String(load_default=None)
    id = fields.String(load_default=None)


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    actor = fields.String()
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    reason = fields.String(allow_none=True)
