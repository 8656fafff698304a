"""Symptom check-ins: which prompts are due for a patient, and when (pure: no session, no clock).

Two kinds, both only while the patient is on treatment and has not opted out of SMS:
- "post_haic": one a day on each of the three local days after a completed HAIC session
  (the days when pain, fever and nausea after the procedure are most likely);
- "weekly": one a week, on the weekday WEEKLY_OFFSET_DAYS after C1D1. With 21-day cycles
  and sessions on D1 that day never falls on a treatment day; it is skipped on a day that
  already has a post-HAIC prompt or a session (at most one check-in a day).

Each prompt has a local send time and expires at a local evening hour: a prompt deferred
past that (quiet hours, the daily budget) is dropped by the dispatcher rather than sent at
night or the next day. Its key `checkin:{patient_id}:{kind}:{local_date}` makes it once-only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.notifications.quiet_hours import local_instant

WEEKLY, POST_HAIC = "weekly", "post_haic"
KINDS = (WEEKLY, POST_HAIC)
CHECKIN_STATUSES = frozenset({"on_treatment"})
POST_HAIC_DAYS = 3
WEEKLY_OFFSET_DAYS = 4  # days 4, 11, 18… after C1D1: mid-cycle, clear of D1 and its three days after
SEND_TIME = time(11, 0)  # daytime, so a worrying answer reaches the day nurses
EXPIRES_TIME = time(20, 0)  # a prompt not out by then waits for nothing: tomorrow has its own
PLAN_AHEAD = timedelta(hours=1)  # rows appear shortly before their moment; nothing stale is queued


@dataclass(frozen=True)
class CheckinSubject:
    """What the rules need to know about one patient."""

    patient_id: int
    status: str
    treatment_start: date  # C1D1
    tz_name: str  # the site's IANA zone
    haic_dates: tuple[date, ...] = ()  # completed sessions' actual dates (site dates)
    opted_out: bool = False


@dataclass(frozen=True)
class DueCheckin:
    kind: str
    local_date: date
    send_at_utc: datetime
    expires_at_utc: datetime
    key: str


def checkin_key(patient_id: int, kind: str, local_date: date) -> str:
    return f"checkin:{patient_id}:{kind}:{local_date.isoformat()}"


def checkin_kind_on(subject: CheckinSubject, day: date) -> str | None:
    """The check-in for one local date, if any (ignores the clock)."""
    if subject.status not in CHECKIN_STATUSES or subject.opted_out:
        return None
    if any(1 <= (day - session).days <= POST_HAIC_DAYS for session in subject.haic_dates):
        return POST_HAIC
    if day in subject.haic_dates:
        return None  # the patient is in hospital for the session
    since_start = (day - subject.treatment_start).days
    if since_start >= WEEKLY_OFFSET_DAYS and since_start % 7 == WEEKLY_OFFSET_DAYS:
        return WEEKLY
    return None


def due_checkins(subject: CheckinSubject, now: datetime, ahead: timedelta = PLAN_AHEAD) -> list[DueCheckin]:
    """The check-ins to queue at `now`: their send time is within `ahead` and they have not expired."""
    today = now.astimezone(ZoneInfo(subject.tz_name)).date()
    due = []
    # Yesterday and tomorrow too: `ahead` may reach past local midnight, and a check-in
    # planned late is still worth sending until it expires.
    for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
        kind = checkin_kind_on(subject, day)
        if kind is None:
            continue
        send_at = local_instant(day, SEND_TIME, subject.tz_name)
        expires_at = local_instant(day, EXPIRES_TIME, subject.tz_name)
        if send_at <= now + ahead and now < expires_at:
            due.append(DueCheckin(kind, day, send_at, expires_at, checkin_key(subject.patient_id, kind, day)))
    return due
