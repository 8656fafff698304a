"""AE candidates of one patient, whatever their source: list, confirm, dismiss.

The use cases behind GET /patients/{id}/ae-candidates and .../{candidate_id}/confirm|dismiss,
shared by the API and the console. Symptom items have numeric ids ("17"); other domains'
candidates carry their source's prefix ("lab-3", candidate_sources.py) and are dispatched to it.
"""
from app.adverse_events import candidate_sources, candidates
from app.adverse_events.schemas import symptom_candidate
from app.common.clock import local_date
from app.common.problems import NotFound, ValidationProblem


def pending(patient, updated_since=None) -> list[dict]:
    """Pending candidates of `patient` shaped like `CandidateSchema`: symptoms first (onset = the
    report's day at the site), then each registered source's; with `updated_since`, only those
    whose source changed after it."""
    rows = candidates.pending_candidates(patient.id)
    if updated_since is not None:
        rows = [(item, report) for item, report in rows if report.updated_at > updated_since]
    zone = patient.site.timezone
    items = [symptom_candidate(item, report, local_date(report.received_at, zone)) for item, report in rows]
    for source in candidate_sources.sources():
        items += source.pending(patient, updated_since)
    return items


def confirm(actor, now, patient, candidate_id: str, fields: dict):
    """The candidate becomes an AdverseEvent (returned, flushed, audited). A symptom candidate
    needs the clinician's `grade` and `onset_date` (422 without). 404 for an id that is not
    this patient's candidate, 409 when it was already decided."""
    source, raw_id = candidate_sources.resolve(candidate_id)
    if source is not None:
        return source.confirm(actor, now, patient, source.load(int(raw_id), patient), fields)
    _require_clinician_grade(fields)
    item, report = candidates.load_candidate(_symptom_item_id(raw_id), patient)
    return candidates.confirm_candidate(actor, now, patient, item, report, fields)


def dismiss(actor, now, patient, candidate_id: str, reason: str):
    """Record that the candidate is not an AE (`reason` required); returns the review (a
    SymptomReview, or the source's review dict). 404/409 as for `confirm`."""
    source, raw_id = candidate_sources.resolve(candidate_id)
    if source is not None:
        return source.dismiss(actor, now, patient, source.load(int(raw_id), patient), reason)
    item, _report = candidates.load_candidate(_symptom_item_id(raw_id), patient)
    return candidates.dismiss_candidate(actor, now, patient, item, reason)


def _require_clinician_grade(fields):
    missing = {name: ["Required for a symptom candidate."] for name in ("grade", "onset_date")
               if fields.get(name) is None}
    if missing:
        raise ValidationProblem("Confirming a symptom needs the clinician's grade and the onset date.", errors=missing)


def _symptom_item_id(raw_id):
    if not raw_id:
        raise NotFound("No such AE candidate for this patient.")
    return int(raw_id)
