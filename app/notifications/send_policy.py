"""The send-time decision for one claimed outbox row: send now, cancel, or defer.

Checked at send time, never at queueing time, because everything may have changed since:
opt-out, the patient's status, the visit, quiet hours, the day's budget.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.models import Message, Patient
from app.notifications import reminders
from app.notifications.outbox import stored_sms
from app.notifications.patient_sms import NO_SMS_STATUSES
from app.notifications.quiet_hours import local_instant, next_allowed_send_time
from app.notifications.reminders import Decision

# Confirmations of STOP/START/HELP go out whatever the patient's state: they answer the
# patient's own keyword, and carriers expect them.
KEYWORD_PURPOSE = "keyword"
# The acknowledgement of a symptom an opted-out patient texted: they wrote to us first.
ACKNOWLEDGEMENT_PURPOSE = "acknowledgement"
# Messages the study starts on its own wait for the end of quiet hours and count against
# the daily budget; replies to a patient who has just written (symptom questions, the
# urgent "call now"), keyword confirmations and nurse pages are never held by either
# (PROTOCOL.md: an urgent reply reaches the provider within 60 s of the patient's text).
QUIET_PURPOSES = frozenset({"reminder", "system", "checkin", "form_link"})
BUDGETED_PURPOSES = QUIET_PURPOSES
DEFAULT_DAILY_BUDGET = 4


def decide(message: Message, patient: Patient | None, now: datetime, sent_today: int, budget: int) -> Decision:
    """Send, cancel or defer `message`; `sent_today` counts the patient's sends this local day."""
    if patient is None:  # a nurse being paged, or an unknown sender's single reply
        return _expiry(message, now) or Decision("send", sms=stored_sms(message))
    if message.purpose != KEYWORD_PURPOSE:
        refusal = _refusal(patient, message.purpose)
        if refusal:
            return Decision("cancel", reason=refusal)
    decision = _expiry(message, now)
    if decision:
        return decision
    sms = stored_sms(message)
    check = _SEND_TIME_CHECKS.get(message.purpose)
    if check is not None:
        decision = check(message, patient, now)
        if decision.action != "send":
            return decision
        sms = decision.sms or sms
    return _timing(message, patient, now, sent_today, budget) or Decision("send", sms=sms)


# Purposes whose text is decided again at send time from the current state (a moved visit's
# reminder; a form link that was revoked). Domains above notifications register theirs at app
# start (`register_send_time_check`), so notifications never imports them.
_SEND_TIME_CHECKS = {reminders.PURPOSE: reminders.current_reminder}


def register_send_time_check(purpose: str, check) -> None:
    """Install `check(message, patient, now) -> Decision` for outbox rows of `purpose`."""
    _SEND_TIME_CHECKS[purpose] = check


def _refusal(patient: Patient, purpose: str) -> str | None:
    if patient.sms_opted_out and purpose != ACKNOWLEDGEMENT_PURPOSE:
        return "patient opted out of SMS"
    if patient.status in NO_SMS_STATUSES:
        return f"patient is {patient.status}"
    if getattr(patient, "sms_paused_reason", None):
        return f"messages paused: {patient.sms_paused_reason}"
    return None


def _expiry(message: Message, now: datetime) -> Decision | None:
    if message.expires_at is not None and now >= message.expires_at:
        return Decision("cancel", reason="expired before it could be sent")
    return None


def _timing(message, patient, now, sent_today, budget) -> Decision | None:
    tz_name = patient.site.timezone
    if message.purpose in QUIET_PURPOSES:
        start, end = reminders.quiet_window(patient)
        allowed = next_allowed_send_time(now, tz_name, start, end)
        if allowed > now:
            return _later(message, allowed, "quiet hours")
    if message.purpose in BUDGETED_PURPOSES and sent_today >= budget:
        return _later(message, _next_morning(now, tz_name, patient), f"daily budget of {budget} reached")
    return None


def _later(message: Message, until: datetime, reason: str) -> Decision:
    """Defer, unless the message would then be useless: a late reminder is dropped."""
    if message.expires_at is not None and until >= message.expires_at:
        return Decision("cancel", reason=f"{reason}; sending later would be too late")
    return Decision("defer", reason=reason, until=until)


def _next_morning(now: datetime, tz_name: str, patient: Patient) -> datetime:
    tomorrow = now.astimezone(ZoneInfo(tz_name)).date() + timedelta(days=1)
    start, end = reminders.quiet_window(patient)
    return next_allowed_send_time(local_instant(tomorrow, time(0), tz_name), tz_name, start, end)
