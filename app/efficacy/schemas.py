from marshmallow import Schema, fields, validate

from app.efficacy.services import ENDPOINTS


class ReportArgs(Schema):
    cutoff = fields.Date(load_default=None, metadata={"description": "data cutoff; default today"})
    site = fields.String(load_default=None)


class FigureArgs(ReportArgs):
    format = fields.String(load_default=None, validate=validate.OneOf(("png", "svg")),
                           metadata={"description": "png or svg; overrides the URL's suffix"})
    dpi = fields.Integer(load_default=300, validate=validate.Range(min=72, max=600),
                         metadata={"description": "resolution of PNG output in dots per inch"})


class KmArgs(FigureArgs):
    endpoint = fields.String(load_default="os", validate=validate.OneOf(ENDPOINTS))


class SwimmerArgs(FigureArgs):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=300))


class RateSchema(Schema):
    responders = fields.Integer()
    n_evaluable = fields.Integer()
    rate = fields.Float(allow_none=True)
    ci_lower = fields.Float(allow_none=True)
    ci_upper = fields.Float(allow_none=True)
    method = fields.String()


class LandmarkSchema(Schema):
    months = fields.Integer()
    days = fields.Integer()
    survival = fields.Float(allow_none=True)
    ci_lower = fields.Float(allow_none=True)
    ci_upper = fields.Float(allow_none=True)


class SurvivalSchema(Schema):
    n = fields.Integer()
    events = fields.Integer()
    median_days = fields.Float(allow_none=True)
    ci_lower_days = fields.Float(allow_none=True)
    ci_upper_days = fields.Float(allow_none=True)
    method = fields.String()
    landmarks = fields.List(fields.Nested(LandmarkSchema))


class PopulationSchema(Schema):
    """The population a report counts (PROTOCOL.md: treated = received >= 1 dose)."""

    name = fields.String()
    definition = fields.String()
    n_enrolled = fields.Integer()
    n_treated = fields.Integer()
    n_not_treated = fields.Integer()
    n_response_evaluable = fields.Integer()
    n_liver_evaluable = fields.Integer()


class EfficacySchema(Schema):
    cutoff = fields.Date()
    n_treated = fields.Integer()
    population = fields.Nested(PopulationSchema)
    orr = fields.Nested(RateSchema)
    liver_response_rate = fields.Nested(RateSchema)
    orr_all_treated = fields.Nested(RateSchema, metadata={
        "description": "confirmed CR + PR over every treated patient (beside the evaluable ORR)"})
    os = fields.Nested(SurvivalSchema)
    pfs = fields.Nested(SurvivalSchema)
    pfssens = fields.Nested(SurvivalSchema, metadata={
        "description": "sensitivity PFS: a clinical progression without a PD scan is an event"})
    dor = fields.Nested(SurvivalSchema)
    ttr = fields.Nested(SurvivalSchema)
    median_follow_up_days = fields.Float(allow_none=True)
    follow_up = fields.Nested(SurvivalSchema)
