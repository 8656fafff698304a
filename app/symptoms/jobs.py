"""Symptom jobs (registered with @job): check-in planning, abandoned SMS dialogues."""
from __future__ import annotations

from datetime import datetime, timedelta

from app.common.jobs import ACTOR, job
from app.symptoms.checkins.services import plan_checkins
from app.symptoms.services import close_abandoned_reports

CHECKIN_PLANNING = timedelta(minutes=15)  # check-ins are queued up to an hour ahead
ABANDONED_DIALOGUES = timedelta(minutes=30)  # questions expire after 12 h


@job("checkin-planning", every=CHECKIN_PLANNING)
def plan_due_checkins(now: datetime) -> dict:
    """Queue the symptom check-ins due within the hour (weekly, and daily after each HAIC session)."""
    return {"planned": plan_checkins(now)}


@job("abandoned-symptom-dialogues", every=ABANDONED_DIALOGUES)
def close_abandoned_dialogues(now: datetime) -> dict:
    """Close SMS symptom dialogues the patient stopped answering, keeping what they said."""
    return {"closed": close_abandoned_reports(now, actor=ACTOR)}
