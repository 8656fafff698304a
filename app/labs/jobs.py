"""The day-before check of HAIC sessions: the nurse gets a `lab_hold` alert when tomorrow's
session has its pre-cycle labs missing or failing.

`check_readiness(now)` is the job body (it does not commit); `check_readiness_job` commits like a
job runner. Until the `@job` registry of app/common/jobs.py lands, `flask labs check-readiness`
runs it and the lead registers it with the scheduler (daily, in the site's afternoon).
"""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.labs.alerts import alert_sessions
from app.models import Site, Visit
from app.patients.services import site_today

JOB_NAME = "labs.check_readiness"


def sessions_tomorrow(site, now) -> list:
    """The site's scheduled HAIC sessions on the day after today at the site."""
    tomorrow = site_today(site, now) + timedelta(days=1)
    return db.session.scalars(select(Visit).where(
        Visit.site_id == site.id, Visit.kind == "haic", Visit.status == "scheduled",
        Visit.scheduled_date == tomorrow).order_by(Visit.id)).all()


def check_readiness(now, actor="system") -> int:
    """Open the alerts for tomorrow's sessions at every site (idempotent); returns how many opened."""
    opened = 0
    for site in db.session.scalars(select(Site).order_by(Site.id)):
        opened += len(alert_sessions(actor, now, sessions_tomorrow(site, now)))
    db.session.flush()
    return opened


def check_readiness_job(now=None) -> int:
    """The job as a runner calls it: run, commit, or roll back and re-raise."""
    from app.common.clock import utcnow

    try:
        opened = check_readiness(now or utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return opened
