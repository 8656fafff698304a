"""Opening a non-symptom alert (a task for staff: record a death, an unmatched text, a late
urgent reply ...): one audited row, no SMS page. In the kernel because several domains open
such tasks (notifications, follow-up) and none of them may import the others."""
from __future__ import annotations

from datetime import datetime

from app.common.audit import log_change
from app.common.statuses import AlertStatus
from app.extensions import db
from app.models import Alert


def open_alert(now: datetime, kind: str, site_id: int | None, patient_id: int | None, detail: str,
               reasons: list[str] | None = None, actor="system") -> Alert:
    """Add an open alert of `kind` (API.md alert kinds) with `detail` for staff; audited, flushed."""
    alert = Alert(patient_id=patient_id, site_id=site_id, kind=kind, status=AlertStatus.OPEN, reasons=reasons or [kind],
                  detail=detail, opened_at=now, last_event_at=now, occurrences=1)
    db.session.add(alert)
    db.session.flush()
    log_change(actor, now, "alert_opened", "alert", alert.id, after={"kind": kind, "detail": detail}, site_id=site_id)
    return alert
