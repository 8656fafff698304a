"""The send-time decision for one claimed outbox row: send now, cancel, or defer.

Checked at send time, never at queueing time, because everything may have changed since:
opt-out, the patient's status, the visit, quiet hours, the day's budget.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.models import Message, Patient
from app.notifications.gateways.base import TemplateRef
from app.notifications.sms_catalogue import match_template
from app.notifications import reminders
from app.notifications.patient_sms import NO_SMS_STATUSES
from app.notifications.quiet_hours import local_instant, next_allowed_send_time
from app.notifications.reminders import Decision

# Confirmations of STOP/START/HELP go out whatever the patient's state: they answer the
# patient's own keyword, and carriers expect them.
KEYWORD_PURPOSE = "keyword"
# Messages the study starts on its own wait for the end of quiet hours; replies to a
# patient who has just written (symptom questions) do not.
QUIET_PURPOSES = frozenset({"reminder", "system", "checkin", "form_link"})
DEFAULT_DAILY_BUDGET = 4


def decide(message: Message, patient: Patient | None, now: datetime, sent_today: int, budget: int) -> Decision:
    """Send, cancel or defer `message`; `sent_today` counts the patient's sends this local day."""
    if patient is None:  # a nurse being paged, or an unknown sender's single reply
        template = stored_template(message) or match_template(message.body, None)
        return _expiry(message, now) or Decision("send", body=message.body, template=template)
    if message.purpose != KEYWORD_PURPOSE:
        refusal = _refusal(patient)
        if refusal:
            return Decision("cancel", reason=refusal)
    decision = _expiry(message, now)
    if decision:
        return decision
    body, template = message.body, stored_template(message) or match_template(message.body, patient.language)
    if message.purpose in _SEND_TIME_RENDERERS:
        decision = _SEND_TIME_RENDERERS[message.purpose](message, patient, now)
        if decision.action != "send":
            return decision
        body, template = decision.body, decision.template
    return _timing(message, patient, now, sent_today, budget) or Decision("send", body=body, template=template)


def _form_link(message, patient, now):
    from app.forms.links import current_form_link_message

    return current_form_link_message(message, patient, now)


# Purposes whose text (and template) is rebuilt at send time from the current state.
_SEND_TIME_RENDERERS = {reminders.PURPOSE: reminders.current_reminder, "form_link": _form_link}


def stored_template(message: Message) -> TemplateRef | None:
    """The template stored on the outbox row (columns template_name, template_params, added by
    the template mechanism of the seams work), or None where the row has none."""
    name = getattr(message, "template_name", None)
    if not name:
        return None
    stored = getattr(message, "template_params", None) or {}
    params = stored.get("params", stored) if isinstance(stored, dict) else stored
    pairs = params.items() if isinstance(params, dict) else params
    language = stored.get("language", "zh") if isinstance(stored, dict) else "zh"
    return TemplateRef(name, language, tuple((str(k), str(v)) for k, v in pairs if k != "language"))


def _refusal(patient: Patient) -> str | None:
    if patient.sms_opted_out:
        return "patient opted out of SMS"
    if patient.status in NO_SMS_STATUSES:
        return f"patient is {patient.status}"
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
    if message.purpose != KEYWORD_PURPOSE and sent_today >= budget:
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
