"""Schema helpers shared by every domain."""
from marshmallow import Schema, fields

_PAGE_SCHEMAS = {}


def page_schema(item_schema):
    """`{"items": [...], "next_cursor": ...}` for an item schema (one class per item schema)."""
    name = f"{item_schema.__name__.removesuffix('Schema')}PageSchema"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = type(name, (Schema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(allow_none=True),
        })
    return _PAGE_SCHEMAS[name]


class ReasonSchema(Schema):
    reason = fields.String(required=True)
