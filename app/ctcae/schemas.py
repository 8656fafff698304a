"""Schemas of the term search endpoint."""
from marshmallow import Schema, fields, validate


class TermSearchArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=100))
    lang = fields.String(load_default="en", validate=validate.OneOf(("en", "zh")))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class TermSchema(Schema):
    term = fields.String()
    meddra_code = fields.String()
    soc = fields.String()
    grades = fields.List(fields.Integer(), metadata={"description": "the grades CTCAE v5.0 defines for the term"})
    names_zh = fields.List(fields.String())
    lay_en = fields.String(allow_none=True)
    lay_zh = fields.String(allow_none=True)
    source = fields.String(metadata={"description": "curated (with synonyms and Chinese) or official"})
    ctcae_version = fields.String()


class TermListSchema(Schema):
    items = fields.List(fields.Nested(TermSchema))
