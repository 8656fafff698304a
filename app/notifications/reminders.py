"""Visit reminders: planning rows ahead of time, and deciding at send time what to send.

Planning writes an outbox row per visit and slot (idempotency key
`reminder:{visit_id}:{slot}:{scheduled_date}`) shortly before its moment. At send time the
dispatcher asks `current_reminder`, which looks at the visit as it is then: a visit moved or
cancelled since planning gets nothing (its new date gets its own key), a reminder whose
moment passed is dropped, and the text is rendered afresh.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Patient, Visit
from app.notifications.gateways.base import TemplateRef
from app.notifications.outbox import enqueue
from app.notifications.patient_sms import NO_SMS_STATUSES
from app.notifications.quiet_hours import parse_clock
from app.notifications.reminder_rules import ReminderSettings, reminder_slots
from app.notifications.templates import format_date, load_templates, render_reminder

PURPOSE = "reminder"
PLAN_AHEAD = timedelta(hours=36)  # rows appear in the patient's message list before they go
_DATE_MARGIN = timedelta(days=1)  # site dates vs UTC dates differ by at most a day


@dataclass(frozen=True)
class Decision:
    """What the dispatcher does with one claimed message: "send", "cancel" or "defer"."""

    action: str
    body: str | None = None
    reason: str | None = None
    until: datetime | None = None
    template: TemplateRef | None = None  # what template-only providers send instead of `body`


def reminder_key(visit_id: int, slot_id: str, scheduled_date: date) -> str:
    return f"reminder:{visit_id}:{slot_id}:{scheduled_date.isoformat()}"


def parse_reminder_key(key: str) -> tuple[int, str, date]:
    _, visit_id, slot_id, day = key.split(":")
    return int(visit_id), slot_id, date.fromisoformat(day)


def quiet_window(patient: Patient) -> tuple[str, str]:
    """The patient's own quiet hours, else the site's."""
    if patient.quiet_start and patient.quiet_end:
        return patient.quiet_start, patient.quiet_end
    return patient.site.quiet_start, patient.site.quiet_end


def settings_for(patient: Patient) -> ReminderSettings:
    start, end = quiet_window(patient)
    return ReminderSettings(quiet_start=parse_clock(start), quiet_end=parse_clock(end))


def plan_reminders(now: datetime, ahead: timedelta = PLAN_AHEAD) -> int:
    """Queue the reminders due within `ahead` that are not queued yet; returns how many."""
    planned = 0
    for visit, patient in _candidates(now, ahead):
        for slot in reminder_slots(visit.kind, visit.scheduled_date, patient.site.timezone, settings_for(patient)):
            if slot.expires_at_utc <= now or slot.send_at_utc > now + ahead:
                continue
            message = enqueue(to_number=patient.phone, body=_render(visit, patient, slot.slot_id), purpose=PURPOSE,
                              now=now, patient=patient, visit_id=visit.id, send_at=slot.send_at_utc,
                              expires_at=slot.expires_at_utc,
                              idempotency_key=reminder_key(visit.id, slot.slot_id, visit.scheduled_date))
            planned += message is not None
    return planned


def _candidates(now: datetime, ahead: timedelta):
    longest = max(rule.days_before for rule in ReminderSettings().slot_rules)
    first = (now - _DATE_MARGIN).date()
    last = (now + ahead + _DATE_MARGIN).date() + timedelta(days=longest)
    statement = (select(Visit, Patient).join(Patient, Visit.patient_id == Patient.id)
                 .where(Visit.status == "scheduled", Visit.scheduled_date.between(first, last),
                        Patient.sms_opted_out.is_(False), Patient.status.not_in(NO_SMS_STATUSES))
                 .order_by(Visit.scheduled_date, Visit.id))
    return db.session.execute(statement).all()


def current_reminder(message, patient: Patient, now: datetime) -> Decision:
    """Send, cancel or defer a planned reminder, judged on the visit as it is now."""
    visit_id, slot_id, planned_date = parse_reminder_key(message.idempotency_key)
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.status != "scheduled":
        return Decision("cancel", reason=f"visit is {visit.status if visit else 'gone'}")
    if visit.scheduled_date != planned_date:
        return Decision("cancel", reason=f"visit moved from {planned_date} to {visit.scheduled_date}")
    slots = {s.slot_id: s for s in reminder_slots(visit.kind, visit.scheduled_date, patient.site.timezone,
                                                  settings_for(patient))}
    slot = slots.get(slot_id)
    if slot is None or now >= slot.expires_at_utc:
        return Decision("cancel", reason="the reminder's moment has passed")
    if now < slot.send_at_utc:
        return Decision("defer", reason="not yet due", until=slot.send_at_utc)
    return Decision("send", body=_render(visit, patient, slot_id), template=reminder_template(visit, patient, slot_id))


def _render(visit: Visit, patient: Patient, slot_id: str) -> str:
    site = patient.site
    return render_reminder(slot_id, visit.kind, patient.language, visit.scheduled_date, site.sms_label(patient.language),
                           site.phone or "", None)


def reminder_template(visit: Visit, patient: Patient, slot_id: str) -> TemplateRef:
    """The named template (sms_catalogue: reminder_<slot>_<kind>) and variables of `_render`'s text."""
    from app.notifications.sms_catalogue import catalogue

    data = load_templates()
    kind = visit.kind if visit.kind in data["reminders"][slot_id] else "default"
    name = f"reminder_{slot_id}_{kind}"
    site, language = patient.site, patient.language
    values = {"site": site.sms_label(language), "phone": site.phone or "",
              "date": format_date(visit.scheduled_date, language), "arrival": "",
              "visit": data["visit_names"][visit.kind][language]}
    return TemplateRef(name, language, tuple((v, values[v]) for v in catalogue()[name].variables))
