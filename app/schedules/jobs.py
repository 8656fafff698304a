"""Scheduled jobs. Each opens an app context, calls services, and commits: the job runner
is the commit boundary, as the request wrapper is for the API."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from app.common.audit import log_change
from app.common.clock import utcnow
from app.extensions import db
from app.models import Patient, Visit
from app.patients.services import site_today

log = logging.getLogger(__name__)
ACTOR = "scheduler"
MISSED_CANDIDATE = "missed_candidate"
_dispatchers = {}  # one per app: its thread pool and HTTP sessions live as long as the process


def sweep_outbox(app) -> dict:
    """Send what is due in the outbox (also recovers abandoned leases)."""
    from app.notifications.dispatcher import Dispatcher

    with app.app_context():
        dispatcher = _dispatchers.setdefault(id(app), Dispatcher.from_app(app))
        stats = dispatcher.sweep().as_dict()
        _log_if_any("outbox sweep", stats)
        return stats


def plan_reminders(app) -> int:
    """Queue the visit reminders due soon (their text is decided again at send time)."""
    from app.notifications.reminders import plan_reminders as plan

    with app.app_context():
        planned = plan(utcnow())
        db.session.commit()
        _log_if_any("reminder planning", {"planned": planned})
        return planned


def flag_overdue_visits(app) -> int:
    """Flag visits whose booked day has passed while still "scheduled": the nurse decides
    whether each was missed. The status is never changed here."""
    with app.app_context():
        flagged = flag_missed_candidates(utcnow())
        db.session.commit()
        _log_if_any("overdue visits", {"flagged": flagged})
        return flagged


def plan_checkins(app) -> int:
    """Queue the symptom check-ins due within the hour (weekly, and daily after each HAIC session)."""
    from app.symptoms.checkins.services import plan_checkins as plan

    with app.app_context():
        planned = plan(utcnow())
        db.session.commit()
        _log_if_any("check-in planning", {"planned": planned})
        return planned


def check_sae_deadlines(app) -> int:
    """Open an alert for each serious adverse event past its 24-hour reporting deadline."""
    from app.adverse_events.seriousness import open_overdue_alerts

    with app.app_context():
        opened = len(open_overdue_alerts(utcnow(), actor=ACTOR))
        db.session.commit()
        _log_if_any("SAE deadlines", {"alerts_opened": opened})
        return opened


def close_abandoned_dialogues(app) -> int:
    """Close SMS symptom dialogues the patient stopped answering, keeping what they said."""
    from app.symptoms.services import close_abandoned_reports

    with app.app_context():
        closed = close_abandoned_reports(utcnow(), actor=ACTOR)
        db.session.commit()
        _log_if_any("abandoned symptom dialogues", {"closed": closed})
        return closed


def flag_missed_candidates(now) -> int:
    rows = db.session.execute(select(Visit, Patient).join(Patient, Visit.patient_id == Patient.id).where(
        Visit.status == "scheduled", Visit.scheduled_date < (now + timedelta(days=1)).date())).all()
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


def _log_if_any(what, counts):
    if any(counts.values()):
        log.info("%s: %s", what, counts)


def purge_idempotency_records(app) -> int:
    """Delete stored Idempotency-Key responses older than IDEMPOTENCY_TTL_HOURS (they hold PHI)."""
    from app.common.idempotency import purge_expired

    with app.app_context():
        purged = purge_expired(utcnow(), int(app.config.get("IDEMPOTENCY_TTL_HOURS", 24)))
        db.session.commit()
        _log_if_any("idempotency purge", {"purged": purged})
        return purged
