"""Closing scheduled visits (missed, cancelled) with an audit entry: shared by the visit
lifecycle (one visit at a time) and the replanning services (the visits an event ends)."""
from app.common.audit import log_change
from app.common.problems import Conflict
from app.common.statuses import MISSED_CANDIDATE, VisitStatus
from app.extensions import db
from app.visits import engine_io as io


def close_visit(actor, now, visit, status, reason, action):
    """Set `visit` to `status` (missed or cancelled) with `reason`; audited as `action`, flushed."""
    before = io.state(visit)
    visit.status, visit.status_reason = status, reason
    visit.flags = [flag for flag in visit.flags or [] if flag != MISSED_CANDIDATE]
    db.session.flush()
    log_change(actor, now, action, "visit", visit.id, before=before, after=io.state(visit),
               reason=reason, site_id=visit.site_id)
    return visit


def cancel_rows(actor, now, visits, reason, action="visit:cancel") -> list:
    """Cancel scheduled `visits` (used when an event ends them). Returns them."""
    return [close_visit(actor, now, visit, VisitStatus.CANCELLED, reason, action) for visit in visits]


def require_scheduled(visit, what: str) -> None:
    """409 ("visit-closed") unless `visit` is still scheduled: a visit that is history never changes."""
    if visit.status != VisitStatus.SCHEDULED:
        raise Conflict(f"Visit {visit.code} is {visit.status}: it cannot be {what}. "
                       "A visit that is history never changes.", slug="visit-closed")
