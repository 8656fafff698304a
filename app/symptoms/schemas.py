"""Symptom reports: the API.md item shape, for reading and for tablet entry."""
from marshmallow import Schema, fields, validate

from app.common.pagination import ListArgs
from app.common.statuses import ReportStatus
from app.ctcae import CTCAE_VERSION
from app.symptoms.grading.escalation import RED_FLAGS

_SCALE = validate.Range(min=0, max=4)


class SymptomItemSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "For corrections: PATCH /symptom-reports/{id}/items/{item_id}"})
    ctcae_term = fields.String()
    meddra_code = fields.String()
    ctcae_version = fields.String()
    patient_grade = fields.Integer(allow_none=True, metadata={"description": "PRO-CTCAE composite 0-3"})
    severity = fields.Integer(allow_none=True)
    frequency = fields.Integer(allow_none=True)
    interference = fields.Integer(allow_none=True)
    value = fields.Float(allow_none=True)
    unit = fields.String(allow_none=True)
    measured_grade = fields.Integer(allow_none=True, metadata={"description": "CTCAE grade from the value"})
    red_flags = fields.List(fields.String())


class SymptomReportSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    received_at = fields.AwareDateTime()
    channel = fields.String()
    text = fields.String()
    status = fields.String(metadata={"description": "awaiting_answer | complete"})
    escalated = fields.Boolean()
    items = fields.Method("_items", metadata={"description": "items; a term mentioned but not yet graded has "
                                                             "patient_grade null and pending true"})
    diarrhea_baseline = fields.Method("_baseline", metadata={
        "description": "for reports with a Diarrhea item: {stools_per_day, recorded}; recorded false = none was "
                       "recorded, 0 assumed"})
    entered_by_id = fields.Integer(allow_none=True)

    def _items(self, report):
        waiting = report.status == "awaiting_answer"
        return [{**SymptomItemSchema().dump(item),
                 "pending": waiting and item.patient_grade is None and item.measured_grade is None}
                for item in report.items]

    def _baseline(self, report):
        if not any(item.ctcae_term == "Diarrhea" for item in report.items):
            return None
        from app.symptoms.baselines import stools_per_day

        value = stools_per_day(report.patient_id)
        return {"stools_per_day": value or 0, "recorded": value is not None}
    version = fields.Integer()


class SymptomItemCreateSchema(Schema):
    ctcae_term = fields.String(required=True, validate=validate.Length(min=1, max=120))
    meddra_code = fields.String(load_default=None, allow_none=True)
    ctcae_version = fields.String(load_default=CTCAE_VERSION, validate=validate.Equal(CTCAE_VERSION))
    patient_grade = fields.Integer(load_default=None, allow_none=True, strict=True,
                                   validate=validate.Range(min=0, max=3))
    severity = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_SCALE)
    frequency = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_SCALE)
    interference = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_SCALE)
    value = fields.Float(load_default=None, allow_none=True, allow_nan=False,
                         validate=validate.Range(min=0, max=1000))
    unit = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=16))
    red_flags = fields.List(fields.String(validate=validate.OneOf(RED_FLAGS)), load_default=list)


class SymptomReportCreateSchema(Schema):
    received_at = fields.AwareDateTime(load_default=None, allow_none=True)
    channel = fields.String(load_default="tablet", validate=validate.Equal("tablet"))
    status = fields.String(load_default="complete", validate=validate.Equal("complete"))
    text = fields.String(load_default="", validate=validate.Length(max=5000))
    items = fields.List(fields.Nested(SymptomItemCreateSchema), required=True,
                        validate=validate.Length(min=1, max=50))


class SymptomReportListArgs(ListArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(list(ReportStatus)))


class BaselineSchema(Schema):
    stools_per_day = fields.Float(allow_none=True)
    recorded_on = fields.Date(allow_none=True)
    reason = fields.String(allow_none=True)


class BaselineCreateSchema(Schema):
    stools_per_day = fields.Float(required=True, validate=validate.Range(min=0, max=30))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class SymptomItemCorrectionSchema(Schema):
    """PATCH /symptom-reports/{id}/items/{item_id}: a nurse's correction of the grade."""

    patient_grade = fields.Integer(required=True, allow_none=True, strict=True, validate=validate.Range(min=0, max=3))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
