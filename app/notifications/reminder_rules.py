"""When to send visit reminders (pure): slots per visit kind, in the patient's time zone.

By default each visit gets an "advance" reminder two days before (10:00 local: time to
fast, find documents, arrange travel) and a "day_of" reminder on the morning (07:00 local,
moved to the end of quiet hours, so 08:00 with the site default 21:00–08:00). Each slot
expires: a reminder that could not go out in time is dropped, never sent late. Call this
at send time with the visit as it is now, so a moved visit never gets a stale reminder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Mapping, NamedTuple

from app.notifications.quiet_hours import (DEFAULT_QUIET_END, DEFAULT_QUIET_START, local_instant,
                                           next_allowed_send_time)

ADVANCE = "advance"
DAY_OF = "day_of"


@dataclass(frozen=True)
class SlotRule:
    """One reminder: sent `days_before` the visit at `send_time`, useless after the expiry."""

    slot_id: str
    days_before: int
    send_time: time
    expires_days_before: int
    expires_time: time


DEFAULT_SLOT_RULES = (
    SlotRule(ADVANCE, days_before=2, send_time=time(10, 0), expires_days_before=0, expires_time=time(0, 0)),
    SlotRule(DAY_OF, days_before=0, send_time=time(7, 0), expires_days_before=0, expires_time=time(12, 0)),
)


@dataclass(frozen=True)
class ReminderSettings:
    """Site (or patient) reminder settings; build variants with dataclasses.replace."""

    slot_rules: tuple[SlotRule, ...] = DEFAULT_SLOT_RULES
    # Visit kind → slot ids it gets; a kind not listed gets every slot.
    slots_by_kind: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Visit kind → local arrival time; a day-of reminder is useless once that has passed.
    arrival_times: Mapping[str, time] = field(default_factory=dict)
    quiet_start: time = DEFAULT_QUIET_START
    quiet_end: time = DEFAULT_QUIET_END


class ReminderSlot(NamedTuple):
    """A reminder to send at `send_at_utc` unless `expires_at_utc` has passed."""

    slot_id: str
    send_at_utc: datetime
    expires_at_utc: datetime


def reminder_slots(visit_kind: str, scheduled_date: date, tz_name: str,
                   settings: ReminderSettings = ReminderSettings()) -> list[ReminderSlot]:
    """The reminders for one visit, earliest first; slots that would be sent expired are left out."""
    wanted = settings.slots_by_kind.get(visit_kind)
    rules = [rule for rule in settings.slot_rules if wanted is None or rule.slot_id in wanted]
    slots = [_slot(rule, visit_kind, scheduled_date, tz_name, settings) for rule in rules]
    return sorted((slot for slot in slots if slot.send_at_utc < slot.expires_at_utc),
                  key=lambda slot: slot.send_at_utc)


def is_sendable(slot: ReminderSlot, now_utc: datetime) -> bool:
    """True when a slot is due at `now_utc` and has not expired."""
    return slot.send_at_utc <= now_utc < slot.expires_at_utc


def _slot(rule: SlotRule, visit_kind: str, scheduled_date: date, tz_name: str,
          settings: ReminderSettings) -> ReminderSlot:
    planned = local_instant(scheduled_date - timedelta(days=rule.days_before), rule.send_time, tz_name)
    send_at = next_allowed_send_time(planned, tz_name, settings.quiet_start, settings.quiet_end)
    expires_at = local_instant(scheduled_date - timedelta(days=rule.expires_days_before),
                               rule.expires_time, tz_name)
    arrival = settings.arrival_times.get(visit_kind)
    if rule.days_before == 0 and arrival is not None:
        expires_at = min(expires_at, local_instant(scheduled_date, arrival, tz_name))
    return ReminderSlot(rule.slot_id, send_at, expires_at)
