"""Visit input and output schemas (API.md "Visits")."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.common.statuses import VisitStatus
from app.visits.readiness_queries import visit_readiness
from app.models.visit import VISIT_KINDS, VISIT_STATUSES
from app.schedules.planned_visit import timing

MAX_VIEW_DAYS = 31  # the nurse's views are a day or a week; a month at most per request
_REASON = validate.Length(min=1, max=2000)


def visit_timing(visit):
    """on_time / early / late / out_of_window for a completed visit; None before that."""
    if visit.status != VisitStatus.COMPLETED or visit.actual_date is None:
        return None
    return timing(visit.actual_date, visit.target_date, visit.window_start, visit.window_end)


def readiness_of(visit):
    """The HAIC go/no-go (API.md "Second wave"); lists set `visit.readiness` for the page at once,
    a single visit computes its own."""
    state = getattr(visit, "readiness", None)
    return state if state is not None else visit_readiness(visit)


class ReadinessFailureSchema(Schema):
    test = fields.String()
    value = fields.Float()
    unit = fields.String()
    limit = fields.String()
    collected_on = fields.String()


class ReadinessSchema(Schema):
    status = fields.String(metadata={"enum": ["ready", "labs_missing", "hold", "not_applicable"]})
    failing = fields.List(fields.Nested(ReadinessFailureSchema))
    missing = fields.List(fields.String())
def visit_timing_label(visit):
    """The nurse's label of the actual day (completed) or the booked day (scheduled)."""
    from app.visits.timing_labels import timing_label

    day = visit.actual_date if visit.status == "completed" else (
        visit.scheduled_date if visit.status == "scheduled" else None)
    return timing_label(day, visit.target_date, visit.window_start, visit.window_end)


class VisitSchema(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    code = fields.String()
    kind = fields.String(metadata={"enum": list(VISIT_KINDS)})
    cycle = fields.Integer(allow_none=True)
    target_date = fields.Date()
    window_start = fields.Date()
    window_end = fields.Date()
    scheduled_date = fields.Date()
    status = fields.String(metadata={"enum": list(VISIT_STATUSES)})
    actual_date = fields.Date(allow_none=True)
    timing = fields.Function(visit_timing, allow_none=True)
    timing_label = fields.Function(lambda v: visit_timing_label(v), allow_none=True, metadata={
        "description": "For nurses: 'on target', 'in window, 2 days late', 'out of window, ...' "
                       "(of the actual day when completed, else of the booked day)"})
    flags = fields.List(fields.String())
    protocol_version = fields.String()
    version = fields.Integer()
    # Extensions beyond the contract.
    anchor = fields.String()
    panels = fields.List(fields.String())
    planned_dose_mg = fields.Float(allow_none=True)
    dose_mg = fields.Float(allow_none=True)
    notes = fields.String(allow_none=True)
    status_reason = fields.String(allow_none=True)
    readiness = fields.Function(readiness_of, metadata={"type": "object"})


class DayViewVisitSchema(VisitSchema):
    """A visit in the nurse's day/week view, with who the patient is inline."""

    study_id = fields.String()
    initials = fields.String()
    site = fields.String()


class DayViewSchema(Schema):
    items = fields.List(fields.Nested(DayViewVisitSchema))
    next_cursor = fields.String(allow_none=True)


class MovedSchema(Schema):
    visit = fields.Nested(VisitSchema)
    moved = fields.List(fields.Nested(VisitSchema))


class ReschedulePreviewArgs(Schema):
    date = fields.Date(required=True, metadata={"description": "The day the visit would be booked on (YYYY-MM-DD)."})


class PlannedMoveSchema(Schema):
    """One visit as the reschedule would leave it (rescheduling.Move)."""

    visit_id = fields.Function(lambda m: m.row.id, metadata={"description": "The visit that would move."})
    code = fields.Function(lambda m: m.row.code, metadata={"description": "Its protocol visit code (C03-SINT, IMG-W06...)."})
    kind = fields.Function(lambda m: m.row.kind, metadata={"description": "haic, sintilimab, labs, imaging, safety_follow_up or survival_follow_up."})
    version = fields.Function(lambda m: m.row.version, metadata={"description": "Its version now (changes when it is written)."})
    from_date = fields.Date(attribute="old_date", metadata={"description": "Booked now, YYYY-MM-DD."})
    to_date = fields.Date(attribute="new_date", metadata={"description": "Booked after the reschedule, YYYY-MM-DD."})
    window_start = fields.Date(attribute="plan.window_start", metadata={"description": "Its protocol window after the reschedule: first day, YYYY-MM-DD."})
    window_end = fields.Date(attribute="plan.window_end", metadata={"description": "Its protocol window after the reschedule: last day, YYYY-MM-DD."})
    flags = fields.List(fields.String(), metadata={"description": "Its flags after the reschedule (out_of_window, capacity, closed_day, beyond_treatment_limit...)."})
    cancelled = fields.Boolean(metadata={"description": "True when the move pushes it past the protocol's treatment limit: the reschedule cancels it."})


class ReschedulePreviewSchema(Schema):
    visit = fields.Nested(VisitSchema, metadata={"description": "The visit as it is now (its ETag is the If-Match for the reschedule)."})
    moves = fields.List(fields.Nested(PlannedMoveSchema), metadata={"description": "Every visit the reschedule would change, the visit itself included, by booked day; empty when it is already booked that day."})


class VisitListArgs(Schema):
    """The nurse's views: `from`/`to` default to today at the site (inclusive)."""

    site = fields.String(load_default=None)
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(VISIT_KINDS))
    status = fields.String(load_default=None, validate=validate.OneOf(VISIT_STATUSES))
    include_cancelled = fields.Boolean(load_default=False, metadata={
        "description": "Cancelled visits are hidden unless asked for (or `status=cancelled`)."})
    updated_since = fields.AwareDateTime(load_default=None, format="iso")
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=2000))
    cursor = fields.String(load_default=None)

    @validates_schema
    def _range(self, data, **kwargs):
        first, last = data.get("from_"), data.get("to")
        if first and last and last < first:
            raise ValidationError("`to` is before `from`.", "to")
        if first and last and (last - first).days >= MAX_VIEW_DAYS:
            raise ValidationError(f"Ask for at most {MAX_VIEW_DAYS} days at a time.", "to")


class RescheduleSchema(Schema):
    date = fields.Date(required=True)
    reason = fields.String(required=True, validate=_REASON)


class CompleteSchema(Schema):
    actual_date = fields.Date(required=True)
    dose_mg = fields.Float(load_default=None, allow_none=True, allow_nan=False,
                           validate=validate.Range(min=0, max=5000, min_inclusive=False))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    override_reason = fields.String(load_default=None, allow_none=True, validate=_REASON, metadata={
        "description": "completing a HAIC session on hold (investigator): why it goes ahead"})


class VisitReasonSchema(Schema):
    reason = fields.String(required=True, validate=_REASON)


class VisitCorrectionSchema(Schema):
    """PATCH /visits/{id}: correct a completed visit's actual date and/or dose (with If-Match)."""

    actual_date = fields.Date()
    dose_mg = fields.Float(allow_none=True, allow_nan=False,
                           validate=validate.Range(min=0, max=5000, min_inclusive=False))
    reason = fields.String(required=True, validate=_REASON)

    @validates_schema
    def _something(self, data, **kwargs):
        if "actual_date" not in data and "dose_mg" not in data:
            raise ValidationError("Send `actual_date`, `dose_mg` or both.", "_schema")
