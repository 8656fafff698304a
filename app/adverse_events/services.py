"""Use cases for adverse events: record, change the grade, update, retract.

Services take an explicit actor and now, flush, write the audit trail and never commit.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.adverse_events import candidate_sources, flags, seriousness, validation
from app.common.audit import log_change, require_reason, snapshot
from app.common.problems import Conflict, ValidationProblem
from app.extensions import db
from app.models import AdverseEvent, AdverseEventGrade, SymptomReport, Visit
from app.common.clock import site_today
from app.common.statuses import VisitStatus
from app.patients.services import active_events, record_event

DOSE_KINDS = ("haic", "sintilimab")
AUDITED = ("ctcae_term", "meddra_code", "grade", "onset_date", "resolved_date", "outcome", "serious",
           "seriousness_criteria", "attribution", "action_taken", "immune_related", "aesi", "description", "other_specify",
           "symptom_report_id", "patient_grade", "aware_at", "report_due_at", "reported_at", "signed_at",
           "retracted_at")
CAUSALITY_FIELDS = ("attribution", "immune_related", "serious", "seriousness_criteria")  # what a signature covers
EDITABLE = ("resolved_date", "outcome", "serious", "seriousness_criteria", "attribution", "action_taken",
            "immune_related", "aesi", "description", "aware_at")


@dataclass(frozen=True)
class Derived:
    """Flags computed from the record and the patient's first dose, never stored."""

    first_dose_date: date | None
    teae: bool
    treatment_related: bool
    worst_grade: int
    baseline_grade: int | None
    report_overdue: bool


def first_dose_date(patient_id) -> date | None:
    """The earliest completed HAIC or sintilimab visit: before it nothing is treatment-emergent."""
    return db.session.scalar(select(func.min(Visit.actual_date)).where(
        Visit.patient_id == patient_id, Visit.status == VisitStatus.COMPLETED, Visit.kind.in_(DOSE_KINDS)))


def history_of(event):
    """The event's grade history as flags.GradeEntry(effective_date, grade), in recorded order."""
    return [flags.GradeEntry(entry.effective_date, entry.grade) for entry in event.grades]


def derive(event, first_dose, now) -> Derived:
    """The derived flags of one event (TEAE, treatment-related, worst and baseline grade, SAE
    report overdue) given the patient's first dose date (None before dosing) and `now` (UTC)."""
    history = history_of(event)
    return Derived(first_dose, flags.is_teae(event.onset_date, history, first_dose),
                   flags.is_treatment_related(event.attribution), flags.worst_grade(history),
                   flags.baseline_grade(history, first_dose),
                   seriousness.is_overdue(event, now))


def annotate(events, now):
    """Attach `derived` and `review_flags` to each event (one first-dose query per patient,
    plus one per registered review check)."""
    flagged = candidate_sources.review_flags(events)
    doses = {}
    for event in events:
        if event.patient_id not in doses:
            doses[event.patient_id] = first_dose_date(event.patient_id)
        event.derived = derive(event, doses[event.patient_id], now)
        event.review_flags = flagged.get(event.id, [])
    return events


def _symptom_report(patient, report_id):
    if report_id is None:
        return None
    report = db.session.get(SymptomReport, report_id)
    if report is None or report.patient_id != patient.id:
        raise ValidationProblem(f"Symptom report {report_id} does not belong to this patient.",
                                errors={"symptom_report_id": ["Unknown symptom report for this patient."]})
    return report


def _ensure_death(actor, now, patient, term, death_date, create):
    """Grade 5 needs the patient's death event; offer to create it rather than guess."""
    deaths = [e for e in active_events(patient.id) if e.type == "death"]
    if deaths:
        if deaths[0].date < death_date:
            raise ValidationProblem(f"The patient's death is recorded on {deaths[0].date}, before {death_date}.",
                                    errors={"onset_date": ["After the recorded death."]})
        return
    if not create:
        raise Conflict(f"A grade 5 {term} means the patient died, but no death event is recorded. Record the "
                       f"death first, or resend with \"create_death_event\": true to record it on {death_date}.",
                       slug="death-event-required",
                       extra={"hint": {"create_death_event": True, "death_date": death_date.isoformat()}})
    record_event(actor, now, patient, type="death", date=death_date, reason=f"Grade 5 adverse event: {term}")


def _validate(patient, now, term, fields):
    fields["other_specify"] = validation.check_other_specify(term, fields.get("other_specify"))
    validation.check_grade(term, fields["grade"])
    validation.check_dates(patient, site_today(patient.site, now), fields["onset_date"], fields.get("resolved_date"))
    validation.check_seriousness(fields["serious"], fields["seriousness_criteria"])
    validation.check_fatal(fields["grade"], fields["serious"], fields["seriousness_criteria"], fields.get("outcome"))


def _add_grade(actor, now, event, grade, effective_date, reason=None):
    entry = AdverseEventGrade(grade=grade, effective_date=effective_date, recorded_at=now,
                              recorded_by_id=actor.id, reason=reason)
    event.grades.append(entry)  # the relationship adds it to the session and sets the key
    event.grade = grade
    return entry


def record_adverse_event(actor, now, patient, *, ctcae_term, create_death_event=False, **fields):
    """Record an AE with its first grade entry; grade 5 needs (or creates) the death event."""
    term = validation.lookup_term(ctcae_term)
    fields.setdefault("seriousness_criteria", [])
    _validate(patient, now, term, fields)
    _symptom_report(patient, fields.get("symptom_report_id"))
    if fields["grade"] == 5:
        fields["outcome"] = "fatal"
        _ensure_death(actor, now, patient, term.term, fields.get("resolved_date") or fields["onset_date"],
                      create_death_event)
    aware_at = fields.pop("aware_at", None)
    event = AdverseEvent(patient_id=patient.id, site_id=patient.site_id, ctcae_term=term.term,
                         meddra_code=term.meddra_code, soc=term.soc, ctcae_version=term.ctcae_version,
                         recorded_by_id=actor.id, **fields)
    db.session.add(event)
    db.session.flush()
    _add_grade(actor, now, event, fields["grade"], fields["onset_date"])
    seriousness.start_clock(event, now, aware_at)
    db.session.flush()
    log_change(actor, now, "create", "adverse_event", event.id, after=snapshot(event, AUDITED), site_id=event.site_id)
    return event


def _check_open(event):
    if event.retracted_at is not None:
        raise Conflict("This adverse event is retracted; it can no longer change.", slug="retracted")


def change_grade(actor, now, patient, event, *, grade, effective_date, reason, create_death_event=False):
    """A new entry in the grade history (never an overwrite); the current grade follows it."""
    reason = require_reason(reason)
    _check_open(event)
    term = validation.lookup_term(event.ctcae_term)
    validation.check_grade(term, grade)
    validation.check_grade_date(event.onset_date, site_today(patient.site, now), effective_date)
    if grade == 5:
        validation.check_fatal(5, event.serious, event.seriousness_criteria, "fatal")
        _ensure_death(actor, now, patient, term.term, effective_date, create_death_event)
        event.outcome = "fatal"
    before = snapshot(event, AUDITED)
    _add_grade(actor, now, event, grade, effective_date, reason)
    db.session.flush()
    log_change(actor, now, "grade", "adverse_event", event.id, before=before,
           after=snapshot(event, AUDITED) | {"effective_date": effective_date}, reason=reason, site_id=event.site_id)
    return event


def update_adverse_event(actor, now, patient, event, changes):
    """Change what a clinician may correct; every change needs a reason and re-checks the rules."""
    reason = require_reason(changes.pop("reason", None))
    _check_open(event)
    merged = {name: getattr(event, name) for name in EDITABLE} | changes
    if merged.get("serious") is False and "seriousness_criteria" not in changes:
        merged["seriousness_criteria"] = []
    validation.check_dates(patient, site_today(patient.site, now), event.onset_date, merged["resolved_date"])
    validation.check_seriousness(merged["serious"], merged["seriousness_criteria"])
    validation.check_fatal(event.grade, merged["serious"], merged["seriousness_criteria"], merged["outcome"])
    before = snapshot(event, AUDITED)
    was_serious = event.serious
    for name in EDITABLE:
        if name != "aware_at":
            setattr(event, name, merged[name])
    seriousness.follow_change(event, now, was_serious, changes.get("aware_at"))
    if any(before[name] != snapshot(event, CAUSALITY_FIELDS)[name] for name in CAUSALITY_FIELDS):
        _clear_signature(event)
    db.session.flush()
    log_change(actor, now, "update", "adverse_event", event.id, before=before, after=snapshot(event, AUDITED),
           reason=reason, site_id=event.site_id)
    return event


def _clear_signature(event):
    """A signature covers what was signed: a changed causality or seriousness needs a new one."""
    event.signed_at = event.signed_by_id = event.signature_meaning = None


def retract_adverse_event(actor, now, event, reason):
    """Records are never deleted: a wrong AE stays on file, retracted, and leaves the reports."""
    reason = require_reason(reason)
    _check_open(event)
    before = snapshot(event, AUDITED)
    event.retracted_at, event.retracted_reason = now, reason
    db.session.flush()
    log_change(actor, now, "retract", "adverse_event", event.id, before=before, after=snapshot(event, AUDITED),
           reason=reason, site_id=event.site_id)
    return event
