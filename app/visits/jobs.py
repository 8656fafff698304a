"""Visit jobs (registered with @job): flag visits whose booked day has passed."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.common.audit import log_change
from app.common.clock import site_today
from app.common.jobs import ACTOR, job
from app.common.statuses import MISSED_CANDIDATE, VisitStatus
from app.extensions import db
from app.models import Patient, Visit

OVERDUE_VISITS = timedelta(hours=1)


@job("overdue-visits", every=OVERDUE_VISITS)
def flag_overdue_visits(now: datetime) -> dict:
    """Flag visits whose booked day has passed while still "scheduled": the nurse decides
    whether each was missed. The status is never changed here."""
    return {"flagged": flag_missed_candidates(now)}


def flag_missed_candidates(now: datetime) -> int:
    """Add the `missed_candidate` flag to scheduled visits booked before the site's today;
    audited, flushed; returns how many were flagged."""
    rows = db.session.execute(select(Visit, Patient).join(Patient, Visit.patient_id == Patient.id).where(
        Visit.status == VisitStatus.SCHEDULED, Visit.scheduled_date < (now + timedelta(days=1)).date())).all()
    flagged = 0
    for visit, patient in rows:
        if visit.scheduled_date >= site_today(patient.site, now) or MISSED_CANDIDATE in (visit.flags or []):
            continue
        visit.flags = [*(visit.flags or []), MISSED_CANDIDATE]  # a new list: JSON columns track assignment
        log_change(ACTOR, now, "visit:flag_missed_candidate", "visit", visit.id, before=None,
                   after={"flags": visit.flags}, site_id=visit.site_id)
        flagged += 1
    db.session.flush()
    return flagged
