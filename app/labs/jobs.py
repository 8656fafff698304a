"""The day-before check of HAIC sessions (registered with @job): the nurse gets a `lab_hold`
alert when tomorrow's session has its pre-cycle labs missing or failing (idempotent: one alert
per session, so an hourly run is safe)."""
from datetime import datetime, timedelta

from sqlalchemy import select

from app.common.clock import site_today
from app.common.jobs import ACTOR, job
from app.common.statuses import VisitStatus
from app.extensions import db
from app.labs.alerts import alert_sessions
from app.models import Site, Visit

JOB_NAME = "labs-readiness"


def sessions_tomorrow(site, now) -> list:
    """The site's scheduled HAIC sessions on the day after today at the site."""
    tomorrow = site_today(site, now) + timedelta(days=1)
    return db.session.scalars(select(Visit).where(
        Visit.site_id == site.id, Visit.kind == "haic", Visit.status == VisitStatus.SCHEDULED,
        Visit.scheduled_date == tomorrow).order_by(Visit.id)).all()


@job(JOB_NAME, every=timedelta(hours=1))
def check_readiness_job(now: datetime) -> dict:
    """Alert the nurse about tomorrow's HAIC sessions whose pre-cycle labs are missing or failing."""
    return {"alerts_opened": check_readiness(now)}


def check_readiness(now, actor=ACTOR) -> int:
    """Open the alerts for tomorrow's sessions at every site (idempotent); returns how many opened."""
    opened = 0
    for site in db.session.scalars(select(Site).order_by(Site.id)):
        opened += len(alert_sessions(actor, now, sessions_tomorrow(site, now)))
    db.session.flush()
    return opened
