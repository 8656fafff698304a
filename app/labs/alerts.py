"""`lab_hold` alerts: the nurse is told when a coming HAIC session is held by a failing value, and
(the day before) when its labs are missing. One alert per session and status, however often the
check runs; the alert names the failing values and their limits, never more than the nurse needs."""
from datetime import timedelta

from sqlalchemy import select

from app.common.audit import log_change, snapshot
from app.extensions import db
from app.visits.readiness_rules import pre_cycle_rule
from app.visits.readiness_queries import VisitKey, readiness_map
from app.visits.readiness import HOLD, LABS_MISSING
from app.models import Alert, Visit

ALERT_KIND = "lab_hold"
AUDITED = ("status", "kind", "reasons", "detail", "opened_at")


def alert_coming_sessions(actor, now, patient, collected_on) -> list:
    """After a draw: a `lab_hold` alert for each scheduled HAIC session whose window holds
    `collected_on` and which the values now hold."""
    rule = pre_cycle_rule(patient.protocol_version)
    sessions = db.session.scalars(select(Visit).where(
        Visit.patient_id == patient.id, Visit.kind == "haic", Visit.status == "scheduled",
        Visit.scheduled_date.between(collected_on, collected_on + timedelta(days=rule.days_before)))).all()
    states = readiness_map(_key(visit) for visit in sessions)
    return [alert for visit in sessions if states[visit.id]["status"] == HOLD
            for alert in [open_alert(actor, now, visit, states[visit.id])] if alert is not None]


def alert_sessions(actor, now, visits) -> list:
    """For sessions due soon (the day-before job): an alert when labs are missing or failing."""
    visits = list(visits)
    states = readiness_map(_key(visit) for visit in visits)
    opened = [open_alert(actor, now, visit, states[visit.id]) for visit in visits
              if states[visit.id]["status"] in (HOLD, LABS_MISSING)]
    return [alert for alert in opened if alert is not None]


def open_alert(actor, now, visit, state) -> Alert | None:
    """Open the alert for `visit` in `state`, unless one for the same session and status exists."""
    key = f"visit:{visit.id}:{state['status']}"
    existing = db.session.scalars(select(Alert).where(
        Alert.patient_id == visit.patient_id, Alert.kind == ALERT_KIND)).all()
    if any(key in (alert.reasons or []) for alert in existing):
        return None
    alert = Alert(patient_id=visit.patient_id, site_id=visit.site_id, kind=ALERT_KIND, status="open",
                  reasons=[state["status"], key], detail=describe(visit, state), opened_at=now, last_event_at=now,
                  occurrences=1)
    db.session.add(alert)
    db.session.flush()
    log_change(actor, now, "alert_opened", "alert", alert.id, after=snapshot(alert, AUDITED), site_id=alert.site_id)
    return alert


def describe(visit, state) -> str:
    """"C02-HAIC on 2026-03-23 is on hold: platelets 60 ×10⁹/L (need ≥ 75 ×10⁹/L) on 2026-03-21"."""
    day = visit.scheduled_date.isoformat()
    if state["status"] == HOLD:
        values = "; ".join(f"{f['test']} {f['value']:g} {f['unit']} (need {f['limit']}) on {f['collected_on']}"
                           for f in state["failing"])
        return f"{visit.code} on {day} is on hold: {values}"
    return f"{visit.code} on {day}: pre-cycle labs missing ({', '.join(state['missing'])})"


def _key(visit) -> VisitKey:
    return VisitKey(visit.id, visit.kind, visit.patient_id, visit.protocol_version, visit.scheduled_date)
