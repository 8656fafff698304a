"""The SAE reporting clock: 24 hours from awareness to the sponsor; overdue ones become alerts."""
from datetime import timedelta

from sqlalchemy import select

from app.common.audit import log_change
from app.common.problems import Conflict, ValidationProblem
from app.common.statuses import AlertStatus
from app.extensions import db
from app.models import AdverseEvent, Alert

REPORTING_WINDOW = timedelta(hours=24)
ALERT_KIND = "sae_deadline"


def start_clock(event, now, aware_at=None) -> None:
    """A serious AE is due at the sponsor 24 h after the site became aware of it."""
    if not event.serious:
        return
    aware = aware_at or now
    if aware > now:
        raise ValidationProblem("The awareness time is in the future.", errors={"aware_at": ["In the future."]})
    event.aware_at, event.report_due_at = aware, aware + REPORTING_WINDOW


def follow_change(event, now, was_serious, aware_at=None) -> None:
    """Start the clock when an AE becomes serious; stop it when seriousness is withdrawn."""
    if event.serious and (not was_serious or aware_at is not None):
        start_clock(event, now, aware_at)
    elif not event.serious:
        event.aware_at = event.report_due_at = None


def is_overdue(event, now) -> bool:
    """True when a serious, unreported, unretracted event is past its 24-hour reporting deadline
    (`report_due_at` <= `now`, both UTC-aware). Pure."""
    return (event.serious and event.reported_at is None and event.retracted_at is None
            and event.report_due_at is not None and event.report_due_at <= now)


def mark_reported(actor, now, event, reported_at=None, reference=None):
    """The SAE reached the sponsor: the clock stops (a late report stays visibly late)."""
    if not event.serious:
        raise Conflict("Only a serious adverse event is reported to the sponsor.", slug="not-serious")
    if event.reported_at is not None:
        raise Conflict(f"This SAE was already reported at {event.reported_at.isoformat()}.", slug="already-reported")
    when = reported_at or now
    if when > now or when < event.aware_at:
        raise ValidationProblem("The report time must lie between awareness and now.",
                                errors={"reported_at": ["Between awareness and now."]})
    event.reported_at = when
    db.session.flush()
    log_change(actor, now, "sae_reported", "adverse_event", event.id,
           after={"reported_at": when, "report_due_at": event.report_due_at, "late": when > event.report_due_at,
                  "reference": reference}, site_id=event.site_id)
    return event


def overdue_without_alert(now):
    """Serious events past their reporting deadline at `now` that have no deadline alert yet, by id."""
    return db.session.scalars(select(AdverseEvent).where(
        AdverseEvent.serious.is_(True), AdverseEvent.reported_at.is_(None), AdverseEvent.retracted_at.is_(None),
        AdverseEvent.report_due_at <= now, AdverseEvent.deadline_alert_id.is_(None)).order_by(AdverseEvent.id)).all()


def _open_alert(now, event) -> Alert:
    alert = Alert(patient_id=event.patient_id, site_id=event.site_id, kind=ALERT_KIND, status=AlertStatus.OPEN,
                  ctcae_term=event.ctcae_term, grade=event.grade, reasons=["sae_report_overdue"],
                  detail=f"SAE {event.ctcae_term} (adverse event {event.id}) was due at the sponsor by "
                         f"{event.report_due_at.isoformat()} and is not reported.",
                  opened_at=now, last_event_at=now)
    db.session.add(alert)
    db.session.flush()
    return alert


def open_overdue_alerts(now, actor="system") -> list:
    """One alert per overdue, unreported SAE (idempotent: run it as often as you like)."""
    alerts = []
    for event in overdue_without_alert(now):
        alert = _open_alert(now, event)
        event.deadline_alert_id = alert.id
        log_change(actor, now, "sae_overdue_alert", "adverse_event", event.id,
               after={"alert_id": alert.id, "report_due_at": event.report_due_at}, site_id=event.site_id)
        alerts.append(alert)
    db.session.flush()
    return alerts
