"""Corrections of recorded visits the EDC way, and the undo of a reschedule.

- `correct_completed_visit`: a completed visit's actual date and dose, with a reason; the
  before and after go to the audit trail (API.md `PATCH /api/v1/visits/{id}`). A corrected
  dose day re-anchors the later treatment cycles as a dose given that day would have.
- `undo_reschedule`: gives every visit the last reschedule of a visit moved its place back
  (API.md `POST /api/v1/visits/{id}/reschedule/undo`), read from the reschedule's audit entry.
"""
from datetime import date

from sqlalchemy import select

from app.common.audit import log_change, require_reason
from app.common.problems import Conflict, ValidationProblem
from app.extensions import db
from app.models import AuditEntry, Visit
from app.common.clock import site_today
from app.schedules.planned_visit import DOSE_KINDS
from app.visits import engine_io as io
from app.visits.lifecycle import RESCHEDULE_ACTION, RESCHEDULE_ENTITY, shift_from

UNDO_ACTION = "visit:reschedule_undo"
_RESTORED = ("scheduled_date", "target_date", "window_start", "window_end", "flags", "status", "status_reason")
_NOT_SENT = object()


def correct_completed_visit(actor, now, visit: Visit, reason: str, *, actual_date=_NOT_SENT, dose_mg=_NOT_SENT):
    """Correct the actual date and/or dose of a completed visit. Returns (visit, visits moved).

    Raises ValidationProblem (422) without a reason, for a date in the future or a dose on a
    visit that has none; Conflict (409) when the visit is not completed (use complete/miss).
    """
    reason = require_reason(reason)
    if visit.status != "completed":
        raise Conflict(f"Visit {visit.code} is {visit.status}: only a completed visit is corrected here.",
                       slug="visit-not-completed")
    if actual_date is not _NOT_SENT:
        if actual_date is None or actual_date > site_today(visit.patient.site, now):
            raise ValidationProblem("The actual date must be a day that has come.",
                                    errors={"actual_date": ["Missing or after today at the site."]})
    if dose_mg is not _NOT_SENT and dose_mg is not None and visit.kind not in DOSE_KINDS:
        raise ValidationProblem(f"A {visit.kind} visit has no dose.",
                                errors={"dose_mg": ["Only HAIC and sintilimab visits have a dose."]})
    before = io.state(visit)
    old_day = visit.actual_date
    if actual_date is not _NOT_SENT:
        visit.actual_date = actual_date
    if dose_mg is not _NOT_SENT:
        visit.dose_mg = dose_mg
    db.session.flush()
    log_change(actor, now, "visit:correct", "visit", visit.id, before=before, after=io.state(visit),
               reason=reason, site_id=visit.site_id)
    if visit.kind not in DOSE_KINDS or visit.actual_date == old_day:
        return visit, []
    moved = shift_from(actor, now, visit, visit.actual_date, f"correction: {reason}", "visit:shift")
    return visit, [row for row in moved if row is not visit]


def _last_reschedule(visit: Visit) -> AuditEntry | None:
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == RESCHEDULE_ENTITY, AuditEntry.entity_id == str(visit.id),
                                 AuditEntry.action.in_((RESCHEDULE_ACTION, UNDO_ACTION)))
        .order_by(AuditEntry.id.desc()).limit(1)).all()
    return entries[0] if entries and entries[0].action == RESCHEDULE_ACTION else None


def undo_reschedule(actor, now, visit: Visit, reason: str) -> tuple[Visit, list[Visit]]:
    """Put back every visit the last reschedule of `visit` moved. Returns (visit, others restored).

    Raises Conflict (409) when there is nothing to undo, or when a visit it moved has changed
    since (completed, moved again): the undo then changes nothing.
    """
    reason = require_reason(reason)
    entry = _last_reschedule(visit)
    if entry is None:
        raise Conflict(f"Visit {visit.code} has no reschedule to undo.", slug="nothing-to-undo")
    rows = {str(row.id): row for row in io.patient_visits(visit.patient_id)}
    changed_since = [rows[key].code for key, after in entry.after["visits"].items()
                     if key not in rows or _restorable(io.state(rows[key])) != _restorable(after)]
    if changed_since:
        raise Conflict("These visits changed after the reschedule; move them by hand: "
                       + ", ".join(changed_since) + ".", slug="changed-since")
    restored = []
    for key, old in entry.before["visits"].items():
        row = rows[key]
        before = io.state(row)
        for name in _RESTORED:
            value = old[name]
            setattr(row, name, date.fromisoformat(value) if name.endswith(("_date", "_start", "_end"))
                    and value else value)
        restored.append(row)
        db.session.flush()
        log_change(actor, now, "visit:reschedule_undone", "visit", row.id, before=before, after=io.state(row),
                   reason=reason, site_id=row.site_id)
    log_change(actor, now, UNDO_ACTION, RESCHEDULE_ENTITY, visit.id, before=entry.after, after=entry.before,
               reason=reason, site_id=visit.site_id)
    return visit, [row for row in restored if row is not visit]


def _restorable(state: dict) -> dict:
    return {name: state.get(name) for name in _RESTORED}
