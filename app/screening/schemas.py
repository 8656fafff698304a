"""Screening input and output. `facts` keys are the API contract (../shared/API.md)."""
from marshmallow import Schema, fields, validate

LAB_TESTS = ("alt", "ast", "alp", "total_bilirubin", "pt", "inr", "wbc", "anc", "platelets", "hemoglobin",
             "bun", "creatinine", "hbv_dna")
HISTOLOGIES = ("squamous_cell_carcinoma", "adenosquamous", "adenocarcinoma", "other")
LIVER_PATTERNS = ("metachronous_after_esophagectomy", "synchronous_progressed_after_first_line",
                  "liver_main_threat", "other")
HISTORY = ("esophagogastric_bleeding", "hepatic_encephalopathy", "massive_ascites", "abdominal_infection")


def _nullable(field_class, *args, **kwargs):
    return field_class(*args, allow_none=True, **kwargs)


class LabSchema(Schema):
    test = fields.String(required=True, validate=validate.OneOf(LAB_TESTS))
    value = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    uln = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=0, min_inclusive=False))
    lln = fields.Float(load_default=None, allow_none=True, allow_nan=False, validate=validate.Range(min=0))


class MetastasisSchema(Schema):
    site = fields.String(required=True, validate=validate.Length(min=1, max=80))
    locally_treatable = fields.Boolean(required=True)


class FactsSchema(Schema):
    ecog = _nullable(fields.Integer, validate=validate.Range(min=0, max=5))
    histology = _nullable(fields.String, validate=validate.OneOf(HISTOLOGIES))
    metastatic_confirmed = _nullable(fields.Boolean)
    liver_metastasis_pattern = _nullable(fields.String, validate=validate.OneOf(LIVER_PATTERNS))
    predicted_survival_months = _nullable(fields.Float, allow_nan=False, validate=validate.Range(min=0, max=600))
    child_pugh_score = _nullable(fields.Integer, validate=validate.Range(min=5, max=15))
    labs = fields.List(fields.Nested(LabSchema), allow_none=True)
    hbv_infected = _nullable(fields.Boolean)
    hbv_on_antiviral = _nullable(fields.Boolean)
    history = fields.List(fields.String(validate=validate.OneOf(HISTORY)), allow_none=True)
    extrahepatic_metastases = fields.List(fields.Nested(MetastasisSchema), allow_none=True)
    tumor_adjacent_to_hollow_organ = _nullable(fields.Boolean)
    residual_liver_volume_ml = _nullable(fields.Float, allow_nan=False, validate=validate.Range(min=0, max=5000))
    sintilimab_allergy = _nullable(fields.Boolean)
    prior_immunotherapy = _nullable(fields.Boolean)
    immunosuppressant_within_4_weeks = _nullable(fields.Boolean)
    systemic_steroid_mg_prednisone_per_day = _nullable(fields.Float, allow_nan=False,
                                                       validate=validate.Range(min=0, max=2000))
    consent_signed_on = _nullable(fields.Date)
    consent_version = _nullable(fields.String, validate=validate.Length(max=40))
    contraception_agreed = _nullable(fields.Boolean)


class ScreeningCreateSchema(Schema):
    site = fields.String(required=True, validate=validate.Length(max=16))
    screened_on = fields.Date(required=True)
    initials = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{1,4}$",
                                                                    error="1-4 letters (pinyin initials)."))
    sex = fields.String(required=True, validate=validate.OneOf(("female", "male", "other")))
    birth_date = fields.Date(required=True)
    facts = fields.Nested(FactsSchema, required=True)


class ScreeningUpdateSchema(Schema):
    facts = fields.Nested(FactsSchema, required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class CriterionSchema(Schema):
    id = fields.String()
    kind = fields.String()
    title = fields.String()
    met = fields.Boolean(allow_none=True)
    reason = fields.String()
    missing = fields.List(fields.String())


class ScreeningSchema(Schema):
    id = fields.Integer()
    site = fields.Function(lambda s: s.site.code)
    screened_on = fields.Date()
    initials = fields.String()
    sex = fields.String()
    birth_date = fields.Date()
    facts = fields.Raw()
    eligible = fields.Boolean(allow_none=True)
    criteria = fields.List(fields.Nested(CriterionSchema))
    reasons_ineligible = fields.List(fields.String())
    missing = fields.List(fields.String())
    patient_id = fields.Function(lambda s: s.patient.id if s.patient else None)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    version = fields.Integer()


class ScreeningListArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)
    updated_since = fields.AwareDateTime(load_default=None)
    site = fields.String(load_default=None)
    eligible = fields.String(load_default=None, validate=validate.OneOf(("true", "false", "pending")))
    screened_from = fields.Date(load_default=None, data_key="from")
    screened_to = fields.Date(load_default=None, data_key="to")


class ReasonCountSchema(Schema):
    id = fields.String()
    title = fields.String()
    n = fields.Integer()


class ScreeningSummarySchema(Schema):
    screened = fields.Integer()
    eligible = fields.Integer()
    ineligible = fields.Integer()
    pending = fields.Integer()
    enrolled = fields.Integer()
    by_reason = fields.List(fields.Nested(ReasonCountSchema))


class ScreeningPageSchema(Schema):
    items = fields.List(fields.Nested(ScreeningSchema))
    next_cursor = fields.String(allow_none=True)
    summary = fields.Nested(ScreeningSummarySchema)
