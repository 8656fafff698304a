from marshmallow import Schema, fields, validate

from app.models.assessment import NON_TARGET_STATES

RESPONSES = ("CR", "PR", "SD", "PD", "NE", "NON_CR_NON_PD")


class LesionSchema(Schema):
    lesion_id = fields.String(required=True, validate=validate.Length(min=1, max=20))
    organ = fields.String(required=True, validate=validate.Length(min=1, max=40))
    nodal = fields.Boolean(load_default=False)
    diameter_mm = fields.Float(required=True, allow_none=True, allow_nan=False,
                               validate=validate.Range(min=0, max=500),
                               metadata={"description": "longest diameter (node: short axis); null = not evaluated"})
    too_small_to_measure = fields.Boolean(load_default=False, metadata={"description": "counts 5 mm"})


class AssessmentCreateSchema(Schema):
    date = fields.Date(required=True)
    target_lesions = fields.List(fields.Nested(LesionSchema), load_default=list,
                                 validate=validate.Length(max=20))
    non_target = fields.String(required=True, validate=validate.OneOf(NON_TARGET_STATES))
    new_lesions = fields.Boolean(required=True)
    modality = fields.String(load_default=None, validate=validate.OneOf(("ct", "mri", "pet_ct", "other")))
    notes = fields.String(load_default=None, validate=validate.Length(max=4000))


class AssessmentSchema(Schema):
    """A scan with what RECIST derives for it; responses are null for the baseline."""

    id = fields.Function(lambda v: v["assessment"].id)
    patient_id = fields.Function(lambda v: v["assessment"].patient_id)
    date = fields.Function(lambda v: v["assessment"].date.isoformat())
    target_lesions = fields.Function(lambda v: v["assessment"].target_lesions)
    non_target = fields.Function(lambda v: v["assessment"].non_target)
    new_lesions = fields.Function(lambda v: v["assessment"].new_lesions)
    modality = fields.Function(lambda v: v["assessment"].modality)
    notes = fields.Function(lambda v: v["assessment"].notes)
    role = fields.String(metadata={"description": "baseline, follow_up or superseded_baseline"})
    timepoint_response = fields.String(allow_none=True, validate=validate.OneOf(RESPONSES))
    target_response = fields.String(allow_none=True)
    non_target_response = fields.String(allow_none=True)
    liver_response = fields.String(allow_none=True)
    sum_mm = fields.Float(allow_none=True)
    liver_sum_mm = fields.Float(allow_none=True)
    change_from_baseline_pct = fields.Float(allow_none=True)
    change_from_nadir_pct = fields.Float(allow_none=True)
    retracted_at = fields.Function(lambda v: v["assessment"].retracted_at and v["assessment"].retracted_at.isoformat())
    version = fields.Function(lambda v: v["assessment"].version)


class AssessmentListSchema(Schema):
    items = fields.List(fields.Nested(AssessmentSchema))
    next_cursor = fields.String(allow_none=True)


class TimepointSchema(Schema):
    date = fields.Date()
    response = fields.String()
    liver_response = fields.String(allow_none=True)
    sum_mm = fields.Float(allow_none=True)


class ResponseSchema(Schema):
    best_overall_response = fields.String()
    confirmed = fields.Boolean()
    liver_best_response = fields.String(allow_none=True)
    first_response_date = fields.Date(allow_none=True)
    progression_date = fields.Date(allow_none=True)
    liver_confirmed = fields.Boolean()
    response_evaluable = fields.Boolean()
    liver_evaluable = fields.Boolean()
    baseline_date = fields.Date(allow_none=True)
    timepoints = fields.List(fields.Nested(TimepointSchema))
