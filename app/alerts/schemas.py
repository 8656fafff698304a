"""Alerts as the nurse's list shows them."""
from marshmallow import Schema, fields, validate

from app.common.pagination import ListArgs
from app.common.statuses import AlertStatus


def _site_code(alert):
    if alert.patient is not None:
        return alert.patient.site.code
    from app.extensions import db
    from app.models import Site

    site = db.session.get(Site, alert.site_id) if alert.site_id else None
    return site.code if site else None  # an unmatched text nobody knows the site of


class AlertSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "symptom, symptom_unclear, sae_deadline, sms_unreachable, ..."})
    status = fields.String(metadata={"description": "open | acknowledged"})
    patient_id = fields.Integer(allow_none=True)
    study_id = fields.Function(lambda a: a.patient.study_id if a.patient else None)
    site = fields.Function(lambda a: _site_code(a))
    ctcae_term = fields.String(allow_none=True)
    grade = fields.Integer(allow_none=True)
    reasons = fields.List(fields.String())
    urgent = fields.Function(lambda a: any(r.startswith("red_flag:") for r in a.reasons or ()))
    detail = fields.String(allow_none=True)
    symptom_report_id = fields.Integer(allow_none=True)
    message_id = fields.Integer(allow_none=True)
    opened_at = fields.AwareDateTime()
    last_event_at = fields.AwareDateTime()
    occurrences = fields.Integer()
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    acknowledged_by_id = fields.Integer(allow_none=True)
    acknowledgement_note = fields.String(allow_none=True)
    notes = fields.Method("_notes")
    version = fields.Integer()

    def _notes(self, alert):
        return [{"id": n.id, "at": n.at.isoformat(), "author": n.author.username if n.author else None,
                 "note": n.note} for n in alert.notes]


class AlertListArgs(ListArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(list(AlertStatus)))
    kind = fields.String(load_default=None, validate=validate.Length(max=30))
    patient_id = fields.Integer(load_default=None)
    site = fields.String(load_default=None)


class AcknowledgeSchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class AlertNoteSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))
