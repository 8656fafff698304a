"""Input and output schemas for adverse events, candidates and the safety report."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.adverse_events.flags import ATTRIBUTION_SCALE
from app.common.pagination import ListArgs
from app.models.adverse_event import DRUG_ACTIONS, OUTCOMES, SERIOUSNESS_CRITERIA

_SCALE = validate.OneOf(ATTRIBUTION_SCALE)
_ACTION = validate.OneOf(DRUG_ACTIONS)
_GRADE = validate.Range(min=1, max=5)
_TEXT = validate.Length(max=4000)


class AttributionSchema(Schema):
    """Causality per cause on the five-step scale; the three study-treatment causes are required."""

    haic = fields.String(required=True, validate=_SCALE)
    sintilimab = fields.String(required=True, validate=_SCALE)
    procedure = fields.String(required=True, validate=_SCALE)
    disease = fields.String(validate=_SCALE)
    other = fields.String(validate=_SCALE)


class ActionTakenSchema(Schema):
    haic = fields.String(load_default="none", validate=_ACTION)
    sintilimab = fields.String(load_default="none", validate=_ACTION)


class _AssessmentFields(Schema):
    other_specify = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=500),
                                  metadata={"description": "verbatim text, required for an \"Other, specify\" term"})
    resolved_date = fields.Date(load_default=None, allow_none=True)
    outcome = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(OUTCOMES))
    serious = fields.Boolean(required=True)
    seriousness_criteria = fields.List(fields.String(validate=validate.OneOf(SERIOUSNESS_CRITERIA)),
                                       load_default=list)
    attribution = fields.Nested(AttributionSchema, required=True)
    action_taken = fields.Nested(ActionTakenSchema, load_default=lambda: {"haic": "none", "sintilimab": "none"})
    immune_related = fields.Boolean(required=True)
    aesi = fields.Boolean(required=True)
    description = fields.String(load_default=None, allow_none=True, validate=_TEXT)
    aware_at = fields.AwareDateTime(load_default=None, allow_none=True)

    @validates_schema
    def _unique_criteria(self, data, **kwargs):
        criteria = data.get("seriousness_criteria") or []
        if len(set(criteria)) != len(criteria):
            raise ValidationError("Each criterion once.", "seriousness_criteria")


class AdverseEventCreateSchema(_AssessmentFields):
    ctcae_term = fields.String(required=True, validate=validate.Length(min=1, max=120))
    grade = fields.Integer(required=True, strict=True, validate=_GRADE)
    onset_date = fields.Date(required=True)
    symptom_report_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    create_death_event = fields.Boolean(load_default=False)


class CandidateConfirmSchema(_AssessmentFields):
    """Symptom candidates need the clinician's `grade` and `onset_date`; a lab candidate takes its
    own (the value's grade, the collection day) unless given."""
    ctcae_term = fields.String(load_default=None, validate=validate.Length(min=1, max=120))
    grade = fields.Integer(load_default=None, strict=True, validate=_GRADE, metadata={"description": "clinician grade"})
    onset_date = fields.Date(load_default=None)
    create_death_event = fields.Boolean(load_default=False)


class AdverseEventUpdateSchema(Schema):
    resolved_date = fields.Date(allow_none=True)
    outcome = fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    serious = fields.Boolean()
    seriousness_criteria = fields.List(fields.String(validate=validate.OneOf(SERIOUSNESS_CRITERIA)))
    attribution = fields.Nested(AttributionSchema)
    action_taken = fields.Nested(ActionTakenSchema)
    immune_related = fields.Boolean()
    aesi = fields.Boolean()
    description = fields.String(allow_none=True, validate=_TEXT)
    aware_at = fields.AwareDateTime()
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class GradeChangeSchema(Schema):
    grade = fields.Integer(required=True, strict=True, validate=_GRADE)
    effective_date = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    create_death_event = fields.Boolean(load_default=False)


class SignOffSchema(Schema):
    password = fields.String(required=True, load_only=True)
    meaning = fields.String(load_default=None, validate=validate.Length(max=500))


class SaeReportedSchema(Schema):
    reported_at = fields.AwareDateTime(load_default=None)
    reference = fields.String(load_default=None, validate=validate.Length(max=200))


class AdverseEventListArgs(ListArgs):
    include_retracted = fields.Boolean(load_default=False)


class GradeEntrySchema(Schema):
    grade = fields.Integer()
    effective_date = fields.Date()
    recorded_at = fields.AwareDateTime()
    reason = fields.String(allow_none=True)


class AdverseEventSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    ctcae_term = fields.String()
    meddra_code = fields.String()
    soc = fields.String()
    ctcae_version = fields.String()
    other_specify = fields.String(allow_none=True)
    grade = fields.Integer()
    worst_grade = fields.Integer(attribute="derived.worst_grade")
    baseline_grade = fields.Integer(attribute="derived.baseline_grade", allow_none=True)
    patient_grade = fields.Integer(allow_none=True)
    onset_date = fields.Date()
    resolved_date = fields.Date(allow_none=True)
    ongoing = fields.Function(lambda e: e.resolved_date is None)
    outcome = fields.String(allow_none=True)
    serious = fields.Boolean()
    seriousness_criteria = fields.List(fields.String())
    attribution = fields.Dict()
    action_taken = fields.Dict()
    immune_related = fields.Boolean()
    aesi = fields.Boolean()
    description = fields.String(allow_none=True)
    symptom_report_id = fields.Integer(allow_none=True)
    teae = fields.Boolean(attribute="derived.teae")
    treatment_related = fields.Boolean(attribute="derived.treatment_related")
    first_dose_date = fields.Date(attribute="derived.first_dose_date", allow_none=True)
    history = fields.List(fields.Nested(GradeEntrySchema), attribute="grades")
    sae = fields.Function(lambda e: _sae(e) if e.serious else None)
    sign_off = fields.Function(lambda e: _signature(e) if e.signed_at else None)
    review_flags = fields.Function(lambda e: getattr(e, "review_flags", []),
                                   metadata={"description": "for the investigator, e.g. lab_grade_mismatch"})
    retracted_at = fields.AwareDateTime(allow_none=True)
    retracted_reason = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    version = fields.Integer()


def _iso(value):
    return value.isoformat() if value else None


def _sae(event):
    return {"aware_at": _iso(event.aware_at), "report_due_at": _iso(event.report_due_at),
            "reported_at": _iso(event.reported_at), "overdue": event.derived.report_overdue,
            "alert_id": event.deadline_alert_id}


def _signature(event):
    return {"signed_at": _iso(event.signed_at), "signed_by": event.signed_by.username if event.signed_by else None,
            "meaning": event.signature_meaning}


class CandidateSchema(Schema):
    """An AE candidate (API.md "Second wave"): `id` is opaque ("17" for a symptom item, "lab-3" for
    a lab value); symptom candidates keep their original fields beside the common ones."""
    id = fields.String()
    source = fields.String(metadata={"enum": ["symptom", "lab"]})
    ctcae_term = fields.String()
    grade = fields.Integer(allow_none=True)
    onset_date = fields.Date(allow_none=True)
    evidence = fields.Dict()
    symptom_item_id = fields.Integer(allow_none=True)
    symptom_report_id = fields.Integer(allow_none=True)
    received_at = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    text = fields.String(allow_none=True)
    meddra_code = fields.String(allow_none=True)
    patient_grade = fields.Integer(allow_none=True)
    red_flags = fields.List(fields.String(), allow_none=True)


def symptom_candidate(item, report, onset_date) -> dict:
    """A symptom item waiting for review, in the common candidate shape."""
    return {"id": str(item.id), "source": "symptom", "ctcae_term": item.ctcae_term, "grade": item.patient_grade,
            "onset_date": onset_date, "evidence": {"text": report.text, "channel": report.channel},
            "symptom_item_id": item.id, "symptom_report_id": report.id, "received_at": _iso(report.received_at),
            "channel": report.channel, "text": report.text, "meddra_code": item.meddra_code,
            "patient_grade": item.patient_grade, "red_flags": item.red_flags}


class CandidateListSchema(Schema):
    items = fields.List(fields.Nested(CandidateSchema))
    next_cursor = fields.String(allow_none=True)


class ReviewSchema(Schema):
    id = fields.Integer()
    symptom_item_id = fields.Integer()
    decision = fields.String()
    adverse_event_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime()


class SafetyArgs(Schema):
    cutoff = fields.Date(load_default=None)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class ProportionSchema(Schema):
    n = fields.Integer()
    pct = fields.Float(allow_none=True)


class TermRowSchema(Schema):
    ctcae_term = fields.String()
    soc = fields.String()
    any_grade = fields.Nested(ProportionSchema)
    grade_3_plus = fields.Nested(ProportionSchema)


class SocRowSchema(Schema):
    soc = fields.String()
    any_grade = fields.Nested(ProportionSchema)
    grade_3_plus = fields.Nested(ProportionSchema)


class SafetyReportSchema(Schema):
    cutoff = fields.Date()
    n_treated = fields.Integer()
    population = fields.Dict(metadata={"description": "the treated population (received >= 1 dose) and its counts"})
    any_ae = fields.Nested(ProportionSchema)
    teae = fields.Nested(ProportionSchema)
    trae = fields.Nested(ProportionSchema)
    irae = fields.Nested(ProportionSchema)
    aesi = fields.Nested(ProportionSchema)
    sae = fields.Nested(ProportionSchema)
    grade_3_plus = fields.Nested(ProportionSchema)
    by_term = fields.List(fields.Nested(TermRowSchema))
    by_soc = fields.List(fields.Nested(SocRowSchema))
