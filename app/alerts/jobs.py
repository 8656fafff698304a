"""Alert jobs (registered with @job): urgent replies that did not go out in time."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from app.alerts.watchdog import alert_late_urgent_replies
from app.common.jobs import job

URGENT_WATCH = timedelta(seconds=30)  # an urgent reply not out within URGENT_PAGE_MAX_WAIT_S alerts the nurse


@job("urgent-reply-watch", every=URGENT_WATCH)
def watch_urgent_replies(now: datetime) -> dict:
    """Alert the nurse when an urgent reply has not gone out within URGENT_PAGE_MAX_WAIT_S (120 s)."""
    wait = timedelta(seconds=int(current_app.config.get("URGENT_PAGE_MAX_WAIT_S", 120)))
    return {"alerts_opened": len(alert_late_urgent_replies(now, wait))}
