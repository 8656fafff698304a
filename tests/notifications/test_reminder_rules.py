from dataclasses import replace
from datetime import date, datetime, time, timezone

import pytest

from app.notifications.reminder_rules import (ADVANCE, DAY_OF, ReminderSettings, ReminderSlot, SlotRule,
                                              is_sendable, reminder_slots)

VISIT = date(2026, 3, 5)  # a Thursday


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("kind, tz, expected", [
    # Shanghai: advance 10:00 two days before; day-of 07:00 is quiet (21–08) → 08:00
    ("haic", "Asia/Shanghai", [(ADVANCE, utc(2026, 3, 3, 2), utc(2026, 3, 4, 16)),
                               (DAY_OF, utc(2026, 3, 5, 0), utc(2026, 3, 5, 4))]),
    ("labs", "UTC", [(ADVANCE, utc(2026, 3, 3, 10), utc(2026, 3, 5, 0)),
                     (DAY_OF, utc(2026, 3, 5, 8), utc(2026, 3, 5, 12))]),
    # New York across the DST change of 8 Mar 2026: advance in EST, day-of in EDT
    ("imaging", "America/New_York", [(ADVANCE, utc(2026, 3, 7, 15), utc(2026, 3, 9, 4)),
                                     (DAY_OF, utc(2026, 3, 9, 12), utc(2026, 3, 9, 16))]),
])
def test_default_slots(kind, tz, expected):
    day = date(2026, 3, 9) if tz == "America/New_York" else VISIT
    assert reminder_slots(kind, day, tz, ReminderSettings()) == [ReminderSlot(*slot) for slot in expected]


def test_day_of_at_seven_when_quiet_hours_allow():
    settings = ReminderSettings(quiet_start=time(22), quiet_end=time(6))
    assert reminder_slots("sintilimab", VISIT, "Asia/Shanghai", settings)[1] == (
        DAY_OF, utc(2026, 3, 4, 23), utc(2026, 3, 5, 4))


@pytest.mark.parametrize("arrival, slot_ids", [
    (time(7, 30), [ADVANCE]),            # 08:00 after quiet hours is after arrival: no late reminder
    (time(9, 0), [ADVANCE, DAY_OF]),
    (None, [ADVANCE, DAY_OF]),
])
def test_day_of_expires_at_arrival(arrival, slot_ids):
    settings = ReminderSettings(arrival_times={"haic": arrival} if arrival else {})
    slots = reminder_slots("haic", VISIT, "Asia/Shanghai", settings)
    assert [slot.slot_id for slot in slots] == slot_ids
    if arrival == time(9, 0):
        assert slots[1].expires_at_utc == utc(2026, 3, 5, 1)


def test_slots_by_kind_limits_reminders():
    settings = ReminderSettings(slots_by_kind={"survival_follow_up": (ADVANCE,)})
    assert [s.slot_id for s in reminder_slots("survival_follow_up", VISIT, "Asia/Shanghai", settings)] == [ADVANCE]
    assert len(reminder_slots("haic", VISIT, "Asia/Shanghai", settings)) == 2


def test_custom_rule_and_patient_quiet_hours():
    evening_before = SlotRule("evening_before", 1, time(19, 0), 0, time(0, 0))
    settings = replace(ReminderSettings(), slot_rules=(evening_before,), quiet_start=time(18), quiet_end=time(9))
    # 19:00 falls in the patient's 18–09 quiet hours; 09:00 on the visit day is past expiry
    assert reminder_slots("labs", VISIT, "Asia/Shanghai", settings) == []


def test_slots_come_back_earliest_first_as_plain_tuples():
    rules = tuple(reversed(ReminderSettings().slot_rules))
    slots = reminder_slots("labs", VISIT, "Asia/Shanghai", ReminderSettings(slot_rules=rules))
    assert [s.slot_id for s in slots] == [ADVANCE, DAY_OF]
    slot_id, send_at, expires_at = slots[0]
    assert send_at < expires_at and send_at.tzinfo == timezone.utc


@pytest.mark.parametrize("now, sendable", [
    (utc(2026, 3, 5, 0), True), (utc(2026, 3, 4, 23, 59), False), (utc(2026, 3, 5, 3, 59), True),
    (utc(2026, 3, 5, 4), False),
])
def test_is_sendable(now, sendable):
    slot = ReminderSlot(DAY_OF, utc(2026, 3, 5, 0), utc(2026, 3, 5, 4))
    assert is_sendable(slot, now) is sendable
