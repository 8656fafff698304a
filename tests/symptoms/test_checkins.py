"""Check-in rules (pure): weekly during treatment, daily for three days after each HAIC session."""
from datetime import date, datetime, timedelta, timezone

import pytest

from app.notifications.sms_segments import segments
from app.notifications.templates import LANGUAGES, find_sensitive_terms
from app.symptoms.checkins.services import render_checkin
from app.symptoms.checkins.rules import KINDS, CheckinSubject, checkin_key, checkin_kind_on, due_checkins

C1D1 = date(2026, 3, 2)  # a Monday
BEIJING = "Asia/Shanghai"


def subject(status="on_treatment", haic=(), opted_out=False, start=C1D1, tz=BEIJING):
    return CheckinSubject(patient_id=7, status=status, treatment_start=start, tz_name=tz,
                          haic_dates=tuple(haic), opted_out=opted_out)


def day(offset):
    return C1D1 + timedelta(days=offset)


def at(text):
    return datetime.fromisoformat(text).astimezone(timezone.utc)


@pytest.mark.parametrize("offset, expected", [
    (-3, None),  # before C1D1, although -3 ≡ 4 (mod 7)
    (0, None), (3, None), (4, "weekly"), (7, None), (11, "weekly"), (18, "weekly"), (25, "weekly"),
    (32, "weekly"), (33, None), (732, "weekly"),  # still weekly two years on, as long as the patient is on treatment
])
def test_weekly_on_the_weekday_four_days_after_c1d1(offset, expected):
    assert checkin_kind_on(subject(), day(offset)) == expected


@pytest.mark.parametrize("sessions, offset, expected", [
    ((0,), 0, None),  # the session day itself: the patient is in hospital
    ((0,), 1, "post_haic"), ((0,), 2, "post_haic"), ((0,), 3, "post_haic"),
    ((0,), 4, "weekly"), ((0,), 5, None),
    ((2,), 4, "post_haic"),  # a delayed session: one prompt a day, the daily one wins
    ((2,), 5, "post_haic"), ((2,), 6, None),
    ((11,), 11, None),  # a session on the weekly day replaces the weekly prompt
    ((0, 21), 22, "post_haic"), ((0, 21), 25, "weekly"), ((0, 21), 24, "post_haic"),
])
def test_daily_for_three_days_after_each_session(sessions, offset, expected):
    assert checkin_kind_on(subject(haic=[day(s) for s in sessions]), day(offset)) == expected


@pytest.mark.parametrize("status", ["follow_up", "completed", "deceased", "withdrawn", "lost_to_follow_up"])
@pytest.mark.parametrize("offset", [1, 4])
def test_none_off_treatment(status, offset):
    assert checkin_kind_on(subject(status=status, haic=[day(0)]), day(offset)) is None


@pytest.mark.parametrize("offset", [1, 4])
def test_none_after_opt_out(offset):
    assert checkin_kind_on(subject(opted_out=True, haic=[day(0)]), day(offset)) is None


@pytest.mark.parametrize("now, due", [
    ("2026-03-06T09:59:59+08:00", False),  # more than an hour before 11:00
    ("2026-03-06T10:00:00+08:00", True),
    ("2026-03-06T11:00:00+08:00", True),
    ("2026-03-06T19:59:00+08:00", True),  # planned late (scheduler down): still worth sending today
    ("2026-03-06T20:00:00+08:00", False),  # expired
    ("2026-03-05T10:30:00+08:00", False),  # not a check-in day
])
def test_due_window(now, due):
    result = due_checkins(subject(), at(now))
    assert bool(result) is due
    if due:
        [checkin] = result
        assert checkin.kind == "weekly" and checkin.local_date == day(4)
        assert checkin.key == "checkin:7:weekly:2026-03-06"
        assert checkin.send_at_utc == at("2026-03-06T11:00:00+08:00")
        assert checkin.expires_at_utc == at("2026-03-06T20:00:00+08:00")


def test_local_date_not_utc_date_decides():
    # 00:30 on Friday in Beijing is still Thursday in UTC; the check-in is Friday's.
    now = at("2026-03-06T00:30:00+08:00")
    assert now.date() == date(2026, 3, 5)
    [checkin] = due_checkins(subject(), now, ahead=timedelta(hours=12))
    assert checkin.local_date == date(2026, 3, 6) and checkin.key.endswith(":2026-03-06")


def test_a_zone_west_of_utc_on_the_dst_change():
    # New York springs forward on Sunday 8 March 2026: 11:00 that day is 15:00 UTC, not 16:00.
    new_york = subject(start=date(2026, 3, 4), tz="America/New_York")
    [checkin] = due_checkins(new_york, at("2026-03-08T14:30:00+00:00"))
    assert checkin.local_date == date(2026, 3, 8)
    assert checkin.send_at_utc == at("2026-03-08T15:00:00+00:00")
    assert checkin.expires_at_utc == at("2026-03-09T00:00:00+00:00")  # 20:00 EDT
    # At 01:00 UTC on the 9th it is still the 8th in New York, and past 20:00 there.
    assert due_checkins(new_york, at("2026-03-09T01:00:00+00:00")) == []


def test_post_haic_days_planned_one_by_one():
    sessions = subject(haic=[day(0)])
    keys = [c.key for d in (1, 2, 3) for c in due_checkins(sessions, at(f"2026-03-0{2 + d}T10:30:00+08:00"))]
    assert keys == [checkin_key(7, "post_haic", day(d)) for d in (1, 2, 3)]


LONGEST_SITE = {"en": "Beijing Study Clinic, Ward 5", "zh": "北京研究门诊五病区"}
LONGEST_PHONE = "+86 10 8819 6114"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_checkin_texts_fit_two_segments_and_disclose_nothing(kind, language):
    text = render_checkin(kind, language, LONGEST_SITE[language], LONGEST_PHONE).text
    assert segments(text) <= 2, f"{len(text)} chars: {text}"
    assert find_sensitive_terms(text) == []
    assert LONGEST_PHONE in text and ("0" in text)  # the phone, and how to answer "no symptoms"


def test_checkin_text_in_an_unknown_language_is_a_programming_error():
    with pytest.raises(ValueError):
        render_checkin("weekly", "fr", "S", "1")
