"""Laboratory AE candidates as a source of the AE candidate list (`lab-<id>`)."""
from sqlalchemy import select

from app.adverse_events.candidate_sources import CandidateSource
from app.common.problems import NotFound
from app.extensions import db
from app.labs import services
from app.models import LabAeCandidate

PREFIX = "lab"


def candidate_dict(candidate: LabAeCandidate) -> dict:
    """`{"id": "lab-3", "source": "lab", "ctcae_term", "grade", "onset_date", "evidence"}`; evidence
    names the value that proposed it (and the baseline it was graded against)."""
    result = candidate.result
    return {"id": f"{PREFIX}-{candidate.id}", "source": "lab", "ctcae_term": candidate.ctcae_term,
            "grade": candidate.grade, "onset_date": candidate.onset_date,
            "evidence": {"lab_result_id": result.id, "test": result.test, "value": result.value,
                         "unit": result.unit, "value_si": result.value_si, "unit_si": result.unit_si,
                         "uln": result.uln, "lln": result.lln, "collected_on": result.collected_on.isoformat(),
                         "baseline_result_id": result.baseline_result_id}}


def pending(patient, updated_since=None) -> list[dict]:
    """The patient's pending lab candidates (changed after `updated_since` when given)."""
    statement = select(LabAeCandidate).where(LabAeCandidate.patient_id == patient.id, LabAeCandidate.status == "pending")
    if updated_since is not None:
        statement = statement.where(LabAeCandidate.updated_at > updated_since)
    rows = db.session.scalars(statement.order_by(LabAeCandidate.onset_date, LabAeCandidate.id)).all()
    return [candidate_dict(row) for row in rows]


def load(candidate_id: int, patient) -> LabAeCandidate:
    candidate = db.session.get(LabAeCandidate, candidate_id)
    if candidate is None or candidate.patient_id != patient.id:
        raise NotFound(f"No laboratory candidate lab-{candidate_id} for this patient.")
    return services.require_pending(candidate)


def dismiss(actor, now, patient, candidate, reason) -> dict:
    row = services.dismiss_candidate(actor, now, patient, candidate, reason)
    return {"id": row.id, "symptom_item_id": None, "decision": "dismissed", "adverse_event_id": None,
            "reason": row.reason, "decided_at": row.decided_at}


LAB_SOURCE = CandidateSource(prefix=PREFIX, pending=pending, load=load, confirm=services.confirm_candidate,
                             dismiss=dismiss)
