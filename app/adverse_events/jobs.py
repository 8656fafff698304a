"""Adverse event jobs (registered with @job): the SAE reporting clock."""
from __future__ import annotations

from datetime import datetime, timedelta

from app.adverse_events.seriousness import open_overdue_alerts
from app.common.jobs import ACTOR, job

SAE_DEADLINES = timedelta(minutes=15)  # a 24-hour reporting deadline, flagged within a quarter of an hour


@job("sae-deadlines", every=SAE_DEADLINES)
def check_sae_deadlines(now: datetime) -> dict:
    """Open an alert for each serious adverse event past its 24-hour reporting deadline."""
    return {"alerts_opened": len(open_overdue_alerts(now, actor=ACTOR))}
