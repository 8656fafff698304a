"""Opening a non-symptom alert (a task for staff: record a death, an unmatched text, a late
urgent reply ...): one audited row, no SMS page. In the kernel because several domains open
such tasks (notifications, follow-up) and none of them may import the others."""
from __future__ import annotations

from datetime import datetime

from app.common.audit import log_change, snapshot
from app.common.statuses import AlertStatus
from app.extensions import db
from app.models import Alert

# What an alert's audit entries record, before and after.
ALERT_AUDITED = ("status", "kind", "ctcae_term", "grade", "reasons", "occurrences", "last_event_at",
                 "symptom_report_id", "acknowledged_at", "acknowledged_by_id", "acknowledgement_note")


def open_alert(now: datetime, kind: str, site_id: int | None, patient_id: int | None, detail: str,
               reasons: list[str] | None = None, actor="system", message_id: int | None = None) -> Alert:
    """Add an open alert of `kind` (API.md alert kinds) with `detail` for staff, about the text
    `message_id` when there is one; audited, flushed."""
    alert = Alert(patient_id=patient_id, site_id=site_id, kind=kind, status=AlertStatus.OPEN, reasons=reasons or [kind],
                  detail=detail, opened_at=now, last_event_at=now, occurrences=1, message_id=message_id)
    db.session.add(alert)
    db.session.flush()
    log_change(actor, now, "alert_opened", "alert", alert.id,
               after={"kind": kind, "detail": detail, "message_id": message_id}, site_id=site_id)
    return alert


def resolve_alert(actor, now: datetime, alert: Alert, note: str | None) -> Alert:
    """Mark `alert` acknowledged by `actor` (a user, or a process's name) with `note`: a nurse's
    acknowledgement, or a task done elsewhere (a text assigned to its patient ...). Audited with
    before and after (ALERT_AUDITED), flushed."""
    before = snapshot(alert, ALERT_AUDITED)
    alert.status, alert.acknowledged_at, alert.acknowledgement_note = AlertStatus.ACKNOWLEDGED, now, note
    alert.acknowledged_by_id = getattr(actor, "id", None)
    db.session.flush()
    log_change(actor, now, "alert_acknowledged", "alert", alert.id, before=before,
               after=snapshot(alert, ALERT_AUDITED), site_id=alert.site_id)
    return alert
