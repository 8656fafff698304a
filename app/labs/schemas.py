"""Lab result input and output schemas (API.md "Second wave": lab results)."""
from marshmallow import Schema, fields, validate

from app.common.pagination import ListArgs
from app.labs.units import LAB_RESULT_TESTS

_NUMBER = dict(allow_nan=False, validate=validate.Range(min=0, min_inclusive=True))
_LIMIT = dict(load_default=None, allow_none=True, allow_nan=False,
              validate=validate.Range(min=0, min_inclusive=False))


class ResultInSchema(Schema):
    test = fields.String(required=True, validate=validate.OneOf(LAB_RESULT_TESTS))
    value = fields.Float(required=True, **_NUMBER)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    uln = fields.Float(**_LIMIT)
    lln = fields.Float(**_LIMIT)


class CollectionCreateSchema(Schema):
    collected_on = fields.Date(required=True)
    visit_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    results = fields.List(fields.Nested(ResultInSchema), required=True, validate=validate.Length(min=1, max=60))


class ResultCorrectionSchema(Schema):
    value = fields.Float(**_NUMBER)
    unit = fields.String(validate=validate.Length(min=1, max=20))
    uln = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, min_inclusive=False))
    lln = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, min_inclusive=False))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ResultSchema(Schema):
    id = fields.Integer()
    test = fields.String()
    value = fields.Float()
    unit = fields.String()
    uln = fields.Float(allow_none=True)
    lln = fields.Float(allow_none=True)
    value_si = fields.Float()
    unit_si = fields.String()
    uln_si = fields.Float(allow_none=True)
    lln_si = fields.Float(allow_none=True)
    times_uln = fields.Float(allow_none=True)
    ctcae_term = fields.String(allow_none=True)
    ctcae_version = fields.String(allow_none=True)
    grade = fields.Integer(allow_none=True)
    baseline_result_id = fields.Integer(allow_none=True)
    updated_at = fields.AwareDateTime()


class CollectionSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    collected_on = fields.Date()
    visit_id = fields.Integer(allow_none=True)
    results = fields.List(fields.Nested(ResultSchema))
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    version = fields.Integer()


class CollectionListArgs(ListArgs):
    test = fields.String(load_default=None, validate=validate.OneOf(LAB_RESULT_TESTS))
