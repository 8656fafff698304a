"""From symptom to AE: patient-reported symptoms wait as candidates until a nurse decides.

Confirming creates an AE with the clinician's grade and keeps the patient's composite
grade beside it; dismissing needs a reason. Either way the decision is kept and audited.
"""
from sqlalchemy import select

from app.adverse_events.services import record_adverse_event
from app.common.audit import log_change, require_reason
from app.common.problems import Conflict, NotFound
from app.extensions import db
from app.models import SymptomItem, SymptomReport, SymptomReview


def pending_candidates(patient_id):
    """(item, report) pairs the patient graded >= 1 or flagged, with no decision yet."""
    reviewed = select(SymptomReview.symptom_item_id)
    statement = (select(SymptomItem, SymptomReport).join(SymptomReport, SymptomItem.report_id == SymptomReport.id)
                 .where(SymptomReport.patient_id == patient_id, SymptomItem.id.not_in(reviewed))
                 .order_by(SymptomReport.received_at, SymptomItem.id))
    return [(item, report) for item, report in db.session.execute(statement).all()
            if (item.patient_grade or 0) >= 1 or item.red_flags]


def load_candidate(item_id, patient):
    """The (SymptomItem, SymptomReport) row of one AE candidate of `patient`. Raises NotFound (404)
    when the item is not this patient's, Conflict (409, "already-reviewed") when it was reviewed."""
    row = db.session.execute(select(SymptomItem, SymptomReport).join(
        SymptomReport, SymptomItem.report_id == SymptomReport.id).where(SymptomItem.id == item_id)).first()
    if row is None or row[1].patient_id != patient.id:
        raise NotFound(f"No symptom item {item_id} for this patient.")
    if db.session.scalar(select(SymptomReview).where(SymptomReview.symptom_item_id == item_id)) is not None:
        raise Conflict("This symptom was already reviewed.", slug="already-reviewed")
    return row


def _review(actor, now, patient, item, decision, *, event=None, reason=None):
    review = SymptomReview(symptom_item_id=item.id, patient_id=patient.id, decision=decision,
                           adverse_event_id=event.id if event else None, reason=reason,
                           decided_at=now, decided_by_id=actor.id)
    db.session.add(review)
    db.session.flush()
    log_change(actor, now, f"symptom_{decision}", "symptom_item", item.id, reason=reason, site_id=patient.site_id,
           after={"adverse_event_id": review.adverse_event_id, "ctcae_term": item.ctcae_term,
                  "patient_grade": item.patient_grade})
    return review


def confirm_candidate(actor, now, patient, item, report, fields):
    """The nurse's clinician grade becomes the AE grade; the patient's composite stays beside it."""
    fields = dict(fields)
    term = fields.pop("ctcae_term", None) or item.ctcae_term
    event = record_adverse_event(actor, now, patient, ctcae_term=term, symptom_report_id=report.id,
                                 patient_grade=item.patient_grade, **fields)
    _review(actor, now, patient, item, "confirmed", event=event, reason=fields.get("description"))
    return event


def dismiss_candidate(actor, now, patient, item, reason):
    """Record that a symptom item is not an adverse event (`reason` required, 422 without); audited, flushed.
    Returns the SymptomReview."""
    return _review(actor, now, patient, item, "dismissed", reason=require_reason(reason))
