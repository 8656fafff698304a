from marshmallow import Schema, fields, validate

from app.assessments.lesions import NEW_LESION_SITES
from app.models.assessment import NON_TARGET_STATES

RESPONSES = ("CR", "PR", "SD", "PD", "NE", "NON_CR_NON_PD")


class LesionSchema(Schema):
    lesion_id = fields.String(required=True, validate=validate.Length(min=1, max=20))
    organ = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "liver, lymph_node, lung, bone, adrenal, peritoneum, esophagus or other; common "
                       "spellings (\"Liver segment VII\", \"hepatic\", \"lymph node\") are normalised"})
    nodal = fields.Boolean(load_default=False)
    diameter_mm = fields.Float(required=True, allow_none=True, allow_nan=False,
                               validate=validate.Range(min=0, max=500),
                               metadata={"description": "Longest diameter in mm (node: short axis); null = not evaluated."})
    too_small_to_measure = fields.Boolean(load_default=False, metadata={"description": "counts 5 mm"})


class AssessmentCreateSchema(Schema):
    date = fields.Date(required=True)
    target_lesions = fields.List(fields.Nested(LesionSchema), load_default=list,
                                 validate=validate.Length(max=20))
    non_target = fields.String(required=True, validate=validate.OneOf(NON_TARGET_STATES))
    new_lesions = fields.Boolean(required=True)
    new_lesion_sites = fields.List(fields.String(validate=validate.OneOf(NEW_LESION_SITES)), load_default=list,
                                   metadata={"description": "where the new lesions are; required with new_lesions"})
    non_target_liver = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(NON_TARGET_STATES),
                                     metadata={"description": "the liver's own non-target state"})
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
    new_lesion_sites = fields.Function(lambda v: list(v["assessment"].new_lesion_sites or []))
    non_target_liver = fields.Function(lambda v: v["assessment"].non_target_liver)
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
    response_start_date = fields.Date(allow_none=True, metadata={
        "description": "Date YYYY-MM-DD of the first CR or PR of the confirmed series (TTR and DOR start here)."})
    progression_date = fields.Date(allow_none=True)
    progression_source = fields.String(allow_none=True, metadata={
        "description": "radiological (confirmed PD scan), clinical (progression without a PD scan) or null"})
    liver_confirmed = fields.Boolean()
    response_evaluable = fields.Boolean()
    liver_evaluable = fields.Boolean()
    baseline_date = fields.Date(allow_none=True)
    timepoints = fields.List(fields.Nested(TimepointSchema))
