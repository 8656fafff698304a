"""Use cases for laboratory results: record a collection, correct a result, and what a graded
value sets off (AE candidates, a raised AE grade, a hold alert for the coming session).

Services take an explicit actor and now, write their audit entries, flush, and never commit.
"""
from sqlalchemy import select

from app.adverse_events.services import change_grade, first_dose_date
from app.common.audit import log_change, require_reason, snapshot
from app.common.problems import Conflict, ValidationProblem
from app.extensions import db
from app.labs import alerts, grading
from app.labs.candidates import Action, Known, decide
from app.visits.readiness_queries import baseline_result
from app.labs.units import MissingLowerLimit, normalise_result
from app.models import AdverseEvent, LabAeCandidate, LabCollection, LabResult, Visit
from app.common.clock import site_today
from app.common.proof_of_life import touch_contact
from app.screening.labs import LabUnitError, MissingReferenceRange, UnknownTest, UnknownUnit

RESULT_FIELDS = ("test", "value", "unit", "uln", "lln", "value_si", "unit_si", "times_uln", "ctcae_term", "grade")


def record_collection(actor, now, patient, *, collected_on, results, visit_id=None) -> LabCollection:
    """Store one draw `{"collected_on", "results": [{"test", "value", "unit", "uln"?, "lln"?}]}`
    graded by CTCAE v5.0. 422 (naming `results.<i>.<field>`) for a unit that does not fit the
    test, a missing reference limit, an implausible value, a test sent twice or a future date;
    a given `visit_id` must be one of the patient's labs visits, which then completes."""
    _check_date(patient, now, collected_on)
    _check_unique(results)
    visit = _labs_visit(patient, visit_id)
    collection = LabCollection(patient_id=patient.id, site_id=patient.site_id, collected_on=collected_on,
                               visit_id=visit_id, recorded_by_id=actor.id)
    db.session.add(collection)
    first_dose = first_dose_date(patient.id)
    graded = [_new_result(patient, collection, index, entry, first_dose) for index, entry in enumerate(results)]
    db.session.flush()
    log_change(actor, now, "create", "lab_collection", collection.id, site_id=patient.site_id,
               after={"collected_on": collected_on, "visit_id": visit_id,
                      "results": [snapshot(result, RESULT_FIELDS) for result, _ in graded]})
    if visit is not None and visit.status == "scheduled":
        _complete_labs_visit(actor, now, patient, visit, collected_on)
    for result, baseline in graded:
        _follow_grade(actor, now, patient, result, baseline, first_dose)
    alerts.alert_coming_sessions(actor, now, patient, collected_on)
    return collection


def correct_result(actor, now, patient, result, changes, reason) -> LabResult:
    """Correct one result's `value`/`unit`/`uln`/`lln` with a reason (audited before/after); it is
    re-normalised and re-graded, its waiting candidates superseded and the grade followed again."""
    reason = require_reason(reason)
    entry = {"test": result.test, "value": result.value, "unit": result.unit, "uln": result.uln,
             "lln": result.lln} | changes
    before = snapshot(result, RESULT_FIELDS)
    first_dose = first_dose_date(patient.id)
    baseline = _baseline_for(patient, result.test, result.collected_on, first_dose, exclude=result.id)
    _apply(result, _normalised(0, entry, prefix=""), entry, baseline)
    collection = db.session.get(LabCollection, result.collection_id)
    collection.updated_at = now  # the tablet's updated_since sees the corrected collection
    for candidate in _pending_of_result(result.id):
        _decide(actor, now, candidate, "superseded", f"result corrected: {reason}", site_id=patient.site_id)
    db.session.flush()
    log_change(actor, now, "correct", "lab_result", result.id, before=before,
               after=snapshot(result, RESULT_FIELDS), reason=reason, site_id=patient.site_id)
    _follow_grade(actor, now, patient, result, baseline, first_dose)
    alerts.alert_coming_sessions(actor, now, patient, result.collected_on)
    return result


def _check_date(patient, now, collected_on):
    if collected_on > site_today(patient.site, now):
        raise ValidationProblem("A sample cannot be collected in the future.",
                                errors={"collected_on": ["After today at the site."]})


def _check_unique(results):
    seen = set()
    for index, entry in enumerate(results):
        if entry["test"] in seen:
            raise ValidationProblem(f"{entry['test']} was sent more than once in one collection.",
                                    errors={f"results.{index}.test": ["Sent more than once; send one value."]})
        seen.add(entry["test"])


def _labs_visit(patient, visit_id):
    if visit_id is None:
        return None
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.patient_id != patient.id:
        raise ValidationProblem(f"Visit {visit_id} is not one of this patient's visits.",
                                errors={"visit_id": ["Unknown visit for this patient."]})
    if visit.kind != "labs":
        raise ValidationProblem(f"Visit {visit.code} is a {visit.kind} visit, not a labs visit.",
                                errors={"visit_id": ["Not a labs visit."]})
    return visit


def _complete_labs_visit(actor, now, patient, visit, collected_on):
    """The draw is the labs visit: it took place on the collection day (no dose, nothing shifts)."""
    before = {"status": visit.status, "actual_date": visit.actual_date}
    visit.status, visit.actual_date = "completed", collected_on
    db.session.flush()
    log_change(actor, now, "visit:complete", "visit", visit.id, before=before,
               after={"status": visit.status, "actual_date": collected_on}, reason="lab results recorded",
               site_id=visit.site_id)
    touch_contact(patient, collected_on)


_ERROR_FIELD = ((UnknownTest, "test"), (UnknownUnit, "unit"), (MissingReferenceRange, "uln"),
                (MissingLowerLimit, "lln"))


def _normalised(index, entry, prefix="results.{index}."):
    try:
        return normalise_result(entry)
    except LabUnitError as error:
        field = next((name for kind, name in _ERROR_FIELD if isinstance(error, kind)), "value")
        raise ValidationProblem(str(error), errors={f"{prefix.format(index=index)}{field}": [str(error)]})


def _new_result(patient, collection, index, entry, first_dose):
    si = _normalised(index, entry)
    baseline = _baseline_for(patient, si.test, collection.collected_on, first_dose)
    result = LabResult(patient_id=patient.id, collected_on=collection.collected_on)
    _apply(result, si, entry, baseline)
    collection.results.append(result)
    return result, baseline


def _baseline_for(patient, test, collected_on, first_dose, exclude=None):
    """The baseline a result is graded against: none for results of the baseline period itself."""
    if first_dose is None or collected_on <= first_dose:
        return None
    baseline = baseline_result(patient.id, test, first_dose)
    return None if baseline is not None and baseline.id == exclude else baseline


def _apply(result, si, entry, baseline):
    result.test, result.value, result.unit = si.test, float(entry["value"]), str(entry["unit"])
    result.uln, result.lln = _number(entry.get("uln")), _number(entry.get("lln"))
    result.value_si, result.unit_si, result.times_uln = si.value_si, si.unit_si, si.times_uln
    result.uln_si, result.lln_si = si.uln_si, si.lln_si
    graded = grading.grade(si.test, si.value_si, lln_si=si.lln_si, times_uln=si.times_uln,
                           baseline_times_uln=baseline.times_uln if baseline else None,
                           baseline_si=baseline.value_si if baseline else None)
    result.ctcae_term, result.grade = graded.ctcae_term, graded.grade
    result.ctcae_version = grading.CTCAE_VERSION if graded.ctcae_term else None
    result.baseline_result_id = baseline.id if baseline is not None else None


def _number(value):
    return None if value is None else float(value)


# --- from a grade to AE candidates ---------------------------------------------------------

def _follow_grade(actor, now, patient, result, baseline, first_dose):
    """Propose, replace or raise (see `candidates.decide`); values of the baseline period propose nothing."""
    if result.ctcae_term is None or first_dose is None or result.collected_on <= first_dose:
        return
    pending = _pending_of_term(patient.id, result.ctcae_term)
    event = _open_event(patient.id, result.ctcae_term, result.collected_on)
    known = Known(baseline_grade=_baseline_grade(result.test, baseline),
                  pending_grade=pending.grade if pending else None,
                  open_ae_grade=event.grade if event else None)
    action = decide(result.grade, known)
    if action is Action.RAISE_AE:
        _raise_event(actor, now, patient, event, result)
    elif action is Action.REPLACE:
        _decide(actor, now, pending, "superseded", f"a worse value (lab result {result.id})",
                site_id=patient.site_id)
        _propose(actor, now, patient, result, onset=pending.onset_date)  # the AE began with the first value
    elif action is Action.PROPOSE:
        _propose(actor, now, patient, result)


def _baseline_grade(test, baseline):
    if baseline is None:
        return None
    if grading.baseline_abnormal(test, baseline.times_uln):
        return 0  # v5.0 grades this test relative to its abnormal baseline already
    return baseline.grade


def _pending_of_term(patient_id, term):
    return db.session.scalar(select(LabAeCandidate).where(
        LabAeCandidate.patient_id == patient_id, LabAeCandidate.ctcae_term == term,
        LabAeCandidate.status == "pending").order_by(LabAeCandidate.id.desc()).limit(1))


def _pending_of_result(result_id):
    return db.session.scalars(select(LabAeCandidate).where(
        LabAeCandidate.lab_result_id == result_id, LabAeCandidate.status == "pending")).all()


def _open_event(patient_id, term, day):
    """The patient's AE for `term` that is ongoing on `day` (not retracted, started by then)."""
    events = db.session.scalars(select(AdverseEvent).where(
        AdverseEvent.patient_id == patient_id, AdverseEvent.ctcae_term == term,
        AdverseEvent.retracted_at.is_(None), AdverseEvent.onset_date <= day)
        .order_by(AdverseEvent.onset_date.desc(), AdverseEvent.id.desc())).all()
    return next((event for event in events if event.resolved_date is None or event.resolved_date >= day), None)


def _propose(actor, now, patient, result, onset=None):
    candidate = LabAeCandidate(patient_id=patient.id, lab_result_id=result.id, ctcae_term=result.ctcae_term,
                               grade=result.grade, onset_date=onset or result.collected_on, status="pending")
    db.session.add(candidate)
    db.session.flush()
    log_change(actor, now, "lab_candidate_proposed", "lab_ae_candidate", candidate.id, site_id=patient.site_id,
               after={"ctcae_term": candidate.ctcae_term, "grade": candidate.grade, "lab_result_id": result.id})
    return candidate


def _raise_event(actor, now, patient, event, result):
    """A worse value raises the open AE's grade history, and the value stays linked to the AE."""
    reason = (f"Laboratory value: {result.test} {result.value:g} {result.unit} on "
              f"{result.collected_on.isoformat()} is grade {result.grade} (lab result {result.id})")
    change_grade(actor, now, patient, event, grade=result.grade, effective_date=result.collected_on, reason=reason)
    link = LabAeCandidate(patient_id=patient.id, lab_result_id=result.id, ctcae_term=result.ctcae_term,
                          grade=result.grade, onset_date=result.collected_on, status="applied",
                          adverse_event_id=event.id, decided_at=now, reason=reason)
    db.session.add(link)
    db.session.flush()


def _decide(actor, now, candidate, status, reason, event=None, site_id=None):
    candidate.status, candidate.reason, candidate.decided_at = status, reason, now
    candidate.decided_by_id = getattr(actor, "id", None)
    candidate.adverse_event_id = event.id if event is not None else candidate.adverse_event_id
    db.session.flush()
    log_change(actor, now, f"lab_candidate_{status}", "lab_ae_candidate", candidate.id, reason=reason,
               after={"status": status, "adverse_event_id": candidate.adverse_event_id}, site_id=site_id)
    return candidate


def require_pending(candidate):
    if candidate.status != "pending":
        raise Conflict(f"This laboratory candidate is {candidate.status}.", slug="already-reviewed")
    return candidate


def confirm_candidate(actor, now, patient, candidate, fields):
    """The nurse confirms: an AE with the candidate's term, grade and onset unless given; the
    candidate keeps the AE and the value linked."""
    from app.adverse_events.services import record_adverse_event

    require_pending(candidate)
    fields = dict(fields)
    fields.pop("ctcae_term", None)
    fields["grade"] = fields.get("grade") or candidate.grade
    fields["onset_date"] = fields.get("onset_date") or candidate.onset_date
    event = record_adverse_event(actor, now, patient, ctcae_term=candidate.ctcae_term, **fields)
    _decide(actor, now, candidate, "confirmed", fields.get("description"), event=event,
            site_id=patient.site_id)
    return event


def dismiss_candidate(actor, now, patient, candidate, reason):
    require_pending(candidate)
    return _decide(actor, now, candidate, "dismissed", require_reason(reason), site_id=patient.site_id)
