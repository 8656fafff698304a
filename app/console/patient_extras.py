"""What the patient page shows besides the visits: AE candidates, labs and HAIC readiness.

Read through the domains' own read models (the same ones the API lists), so the page and
GET /patients/{id}/ae-candidates and /lab-results show the same things.
"""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.adverse_events import candidate_review
from app.console.vocabulary import N_
from app.extensions import db
from app.models import LabCollection

LAB_COLLECTIONS_SHOWN = 10


def care_data(patient, visits) -> dict:
    """`candidates` (pending, any source), `lab_collections` (latest first, results inline) and
    `haic_readiness` (the scheduled HAIC visits' go/no-go from `visits`, annotated rows)."""
    return {"candidates": candidate_review.pending(patient),
            "lab_collections": _collections(patient.id),
            "haic_readiness": [v for v in visits if v.kind == "haic" and v.status == "scheduled"][:2]}


def _collections(patient_id: int) -> list[LabCollection]:
    return db.session.scalars(select(LabCollection).options(selectinload(LabCollection.results))
                              .where(LabCollection.patient_id == patient_id)
                              .order_by(LabCollection.collected_on.desc(), LabCollection.id.desc())
                              .limit(LAB_COLLECTIONS_SHOWN)).all()


# Stored codes the care pages show through gettext (see vocabulary.py).
ATTRIBUTIONS = [N_("unrelated"), N_("unlikely"), N_("possible"), N_("probable"), N_("definite")]
RED_FLAGS = [N_("fever_measured"), N_("bloody_stool"), N_("vomiting_blood"), N_("chest_pain"), N_("dyspnea_at_rest"),
             N_("jaundice"), N_("confusion"), N_("catheter_site_bleeding")]
