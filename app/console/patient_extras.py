"""What the patient page shows besides the visits: AE candidates, labs and HAIC readiness,
scans with their RECIST responses, and the follow-up contact log.

Read through the domains' own read models (the same ones the API lists), so the page and
GET /patients/{id}/ae-candidates, /lab-results, /tumor-assessments, /response and /contacts
show the same things.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.adverse_events import candidate_review
from app.assessments import services as assessments
from app.console.vocabulary import N_
from app.extensions import db
from app.models import ContactAttempt, LabCollection

LAB_COLLECTIONS_SHOWN = 10
CONTACTS_SHOWN = 20


def care_data(patient, visits) -> dict:
    """`candidates` (pending, any source), `lab_collections` (latest first, results inline) and
    `haic_readiness` (the scheduled HAIC visits' go/no-go from `visits`, annotated rows)."""
    return {"candidates": candidate_review.pending(patient),
            "lab_collections": _collections(patient.id),
            "haic_readiness": [v for v in visits if v.kind == "haic" and v.status == "scheduled"][:2]}


def outcome_data(patient) -> dict:
    """`scans` (each active scan with what RECIST 1.1 derives for it, oldest first, as
    GET /patients/{id}/tumor-assessments), `response` (best overall response and dates, as
    GET /patients/{id}/response) and `contacts` (the latest follow-up contact attempts)."""
    return {"scans": assessments.assessment_views(patient),
            "response": assessments.patient_response(patient),
            "contacts": db.session.scalars(select(ContactAttempt).where(ContactAttempt.patient_id == patient.id)
                                           .order_by(ContactAttempt.contacted_at.desc())
                                           .limit(CONTACTS_SHOWN)).all()}


def _collections(patient_id: int) -> list[LabCollection]:
    return db.session.scalars(select(LabCollection).options(selectinload(LabCollection.results))
                              .where(LabCollection.patient_id == patient_id)
                              .order_by(LabCollection.collected_on.desc(), LabCollection.id.desc())
                              .limit(LAB_COLLECTIONS_SHOWN)).all()


# Stored codes the care pages show through gettext (see vocabulary.py).
ATTRIBUTIONS = [N_("unrelated"), N_("unlikely"), N_("possible"), N_("probable"), N_("definite")]
RED_FLAGS = [N_("fever_measured"), N_("bloody_stool"), N_("vomiting_blood"), N_("chest_pain"), N_("dyspnea_at_rest"),
             N_("jaundice"), N_("confusion"), N_("catheter_site_bleeding")]
