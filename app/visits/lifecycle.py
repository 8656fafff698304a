"""Use cases on one visit: reschedule, complete, miss, cancel.

Status (scheduled, completed, missed, cancelled) only moves forward from `scheduled`:
a visit that is history never changes. Moving or giving a dose re-anchors the later
treatment cycles through the engine (`shift_treatment`, planned in rescheduling.py without
writing, so a client can preview it); imaging never moves with them.
"""
from datetime import date

from app.common.audit import log_change, require_reason
from app.common.permissions import Capability, has_capability
from app.common.problems import Conflict, Forbidden, ValidationProblem
from app.extensions import db
from app.common.clock import site_today
from app.common.proof_of_life import touch_contact
from app.visits.readiness_queries import VisitKey, readiness_map
from app.visits.readiness import HOLD
from app.common.statuses import MISSED_CANDIDATE, VisitStatus
from app.schedules.planned_visit import BEYOND_TREATMENT_LIMIT, DOSE_KINDS
from app.visits import engine_io as io
from app.visits.closing import close_visit as _close, require_scheduled as _require_scheduled
from app.visits.rescheduling import plan_shift, preview_reschedule
from app.visits.services import replan_on_c1d1

HOLD_OVERRIDDEN = "hold_overridden"  # a flag on a HAIC session given despite a lab hold


def reschedule_visit(actor, now, visit, new_date: date, reason: str):
    """Book `visit` on `new_date`; a treatment visit drags the later cycles with it.

    Returns (visit, other visits moved): the moves of `rescheduling.preview_reschedule`, applied
    and audited. 422 for a day in the past or a dose that would come sooner than the protocol's
    minimum interval after the previous one.
    """
    reason = require_reason(reason)
    moves = preview_reschedule(now, visit, new_date)
    if not moves:
        return visit, []
    before = {move.row.id: io.raw_state(move.row) for move in moves}  # only the rows that move
    moved = [_apply(actor, now, move.row, move.plan, reason, "visit:reschedule") for move in moves]
    db.session.flush()  # once for the lot: the updates and audit rows go in batches
    moved = [row for row in moved if row is not visit]
    _log_reschedule(actor, now, visit, [visit, *moved], before, reason)
    return visit, moved


# The audit entry an undo reads: every visit the reschedule changed, before and after.
RESCHEDULE_ACTION = "visit:reschedule_group"
RESCHEDULE_ENTITY = "visit_reschedule"  # apart from the visit's own entries


def _log_reschedule(actor, now, visit, rows, before, reason):
    log_change(actor, now, RESCHEDULE_ACTION, RESCHEDULE_ENTITY, visit.id,
               before={"visits": {str(row.id): io.state_of(before[row.id]) for row in rows}},
               after={"visits": {str(row.id): io.state(row) for row in rows}},
               reason=reason, site_id=visit.site_id)


def complete_visit(actor, now, visit, actual_date: date, dose_mg=None, notes=None, override_reason=None):
    """Record that `visit` took place on `actual_date` (proof of life). A dose given on
    another day than booked re-anchors the later cycles. Returns (visit, visits moved).

    A HAIC session whose pre-cycle labs hold it (readiness `hold` on `actual_date`) completes only
    with an `override_reason` from a user who may override the hold (409 without, 403 for others);
    the override is audited with the failing values."""
    _require_scheduled(visit, VisitStatus.COMPLETED)
    patient = visit.patient
    if actual_date > site_today(patient.site, now):
        raise ValidationProblem("A visit cannot be completed in the future.",
                                errors={"actual_date": ["After today at the site."]})
    if dose_mg is not None and visit.kind not in DOSE_KINDS:
        raise ValidationProblem(f"A {visit.kind} visit has no dose.",
                                errors={"dose_mg": ["Only HAIC and sintilimab visits have a dose."]})
    _check_hold(actor, now, visit, actual_date, override_reason)
    before = io.state(visit)
    visit.status, visit.actual_date, visit.dose_mg = VisitStatus.COMPLETED, actual_date, dose_mg
    visit.notes = notes
    visit.flags = [flag for flag in visit.flags or [] if flag != MISSED_CANDIDATE]
    db.session.flush()
    log_change(actor, now, "visit:complete", "visit", visit.id, before=before, after=io.state(visit),
           site_id=visit.site_id)
    touch_contact(patient, actual_date)
    if visit.kind not in DOSE_KINDS:
        return visit, []
    first_dose = _is_first_dose(patient, visit)
    db.session.expire(patient, ["c1d1"])  # C1D1 is derived from the doses given
    reason = f"{visit.code} given on {actual_date.isoformat()}"
    moved = [] if actual_date == visit.scheduled_date else shift_from(actor, now, visit, actual_date, reason,
                                                                       "visit:shift")
    if first_dose and actual_date != patient.treatment_start and not _on_treatment_scan(patient, actual_date):
        # PROTOCOL.md: imaging is re-planned once, at the first dose, from the actual C1D1.
        moved += replan_on_c1d1(actor, now, patient, actual_date, f"C1D1 is the first dose, {actual_date}",
                                imaging_only=True)
    return visit, moved


def _is_first_dose(patient, visit) -> bool:
    """True when no other dose of the patient was given on or before this one."""
    return not any(row is not visit and row.kind in DOSE_KINDS and row.status == "completed"
                   and row.actual_date is not None and row.actual_date <= visit.actual_date
                   for row in io.patient_visits(patient.id))


def _on_treatment_scan(patient, c1d1) -> bool:
    from sqlalchemy import select

    from app.models import TumorAssessment

    return db.session.scalar(select(TumorAssessment.id).where(
        TumorAssessment.patient_id == patient.id, TumorAssessment.retracted_at.is_(None),
        TumorAssessment.date > c1d1).limit(1)) is not None


def _check_hold(actor, now, visit, actual_date, override_reason):
    if visit.kind != "haic":
        return
    state = readiness_map([VisitKey(visit.id, visit.kind, visit.patient_id, visit.protocol_version,
                                    actual_date)])[visit.id]
    if state["status"] != HOLD:
        return
    if not (override_reason or "").strip():
        raise Conflict(f"{visit.code} is on hold: its pre-cycle labs fail the protocol's limits. An investigator "
                       "may complete it with an override_reason.", slug="haic-hold", extra={"readiness": state})
    if not has_capability(actor.role, Capability.OVERRIDE_HAIC_HOLD):
        raise Forbidden("Only an investigator may override a HAIC hold.")
    log_change(actor, now, "visit:haic_hold_override", "visit", visit.id, reason=override_reason.strip(),
               after={"failing": state["failing"], "actual_date": actual_date}, site_id=visit.site_id)
    visit.flags = [*(visit.flags or []), HOLD_OVERRIDDEN]


def miss_visit(actor, now, visit, reason: str):
    """Record that the patient did not come. Only a visit whose day has come can be missed."""
    reason = require_reason(reason)
    _require_scheduled(visit, VisitStatus.MISSED)
    if visit.scheduled_date > site_today(visit.patient.site, now):
        raise ValidationProblem("A visit still to come cannot be missed; cancel or reschedule it.",
                                errors={"reason": ["The visit's day has not come yet."]})
    return _close(actor, now, visit, VisitStatus.MISSED, reason, "visit:miss")


def cancel_visit(actor, now, visit, reason: str):
    """Cancel one scheduled visit (the rest of the schedule stays as it is)."""
    reason = require_reason(reason)
    _require_scheduled(visit, VisitStatus.CANCELLED)
    return _close(actor, now, visit, VisitStatus.CANCELLED, reason, "visit:cancel")


def shift_from(actor, now, visit, new_date, reason, action) -> list:
    """Move treatment `visit` (or re-anchor on its given dose) and everything it drags along
    (`rescheduling.plan_shift`), audited as `action`. Returns the rows changed (flushed once,
    with their audit entries). Cycles pushed past the protocol's treatment limit are cancelled:
    the protocol gives no dose after C1D1 + max_months.
    """
    changed = [_apply(actor, now, move.row, move.plan, reason, action) for move in plan_shift(visit, new_date)]
    db.session.flush()  # once for the lot: the updates and audit rows go in batches
    return changed


def _apply(actor, now, row, plan, reason, action):
    before = io.state(row)
    io.place(row, plan)
    if BEYOND_TREATMENT_LIMIT in plan.flags:
        row.status = VisitStatus.CANCELLED
        row.status_reason = f"{reason}: beyond the protocol's treatment limit"
    log_change(actor, now, action, "visit", row.id, before=before, after=io.state(row), reason=reason,
               site_id=row.site_id)
    return row
