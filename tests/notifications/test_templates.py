"""Every patient-facing text: fits 2 SMS segments, discloses nothing, matches its snapshot.

Regenerate snapshots after a deliberate wording change with:
    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/notifications/test_templates.py
"""
import itertools
import os
from datetime import date, time
from pathlib import Path

import pytest

from app.notifications.reminder_rules import ADVANCE, DAY_OF
from app.notifications.templates import (LANGUAGES, REPLY_KINDS, find_sensitive_terms, format_date,
                                         load_templates, render_reminder, render_reply, segments,
                                         sms_encoding)

SNAPSHOTS = Path(__file__).with_name("snapshots")
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
VISIT_KINDS = ("haic", "sintilimab", "labs", "imaging", "safety_follow_up", "survival_follow_up")
SLOTS = (ADVANCE, DAY_OF)
SITE = {"en": "Study Clinic", "zh": "研究门诊"}
PHONE = "010-88196114"
# The longest values we promise to fit: check site config against these limits.
LONGEST_SITE = {"en": "Beijing Study Clinic, Ward 5", "zh": "北京研究门诊五病区"}
LONGEST_PHONE = "+86 10 8819 6114"
LONGEST_DATE = date(2026, 12, 30)
ARRIVALS = {"haic": time(7, 30), "sintilimab": time(8, 0)}  # others render without arrival time
REMINDERS = list(itertools.product(SLOTS, VISIT_KINDS, LANGUAGES))
REPLIES = list(itertools.product(REPLY_KINDS, LANGUAGES))


def _reminder(slot, kind, language, site=None, phone=PHONE, day=date(2026, 3, 5), arrival="default"):
    arrival = ARRIVALS.get(kind) if arrival == "default" else arrival
    return render_reminder(slot, kind, language, day, site or SITE[language], phone, arrival)


@pytest.mark.parametrize("text, encoding, count", [
    ("", "GSM-7", 1), ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3), ("[" * 80, "GSM-7", 1), ("[" * 81, "GSM-7", 2),   # extension = 2 septets
    ("a" * 159 + "€", "GSM-7", 2), ("é" * 160, "GSM-7", 1), ("ç", "UCS-2", 1),
    ("中" * 70, "UCS-2", 1), ("中" * 71, "UCS-2", 2), ("中" * 134, "UCS-2", 2), ("中" * 135, "UCS-2", 3),
    ("a" * 159 + "中", "UCS-2", 3),                                         # one CJK char switches all
    ("😀" * 35, "UCS-2", 1), ("😀" * 36, "UCS-2", 2),                          # surrogate pairs count 2
])
def test_segments(text, encoding, count):
    assert sms_encoding(text) == encoding
    assert segments(text) == count


@pytest.mark.parametrize("slot, kind, language", REMINDERS)
def test_reminders_fit_two_segments_with_longest_values(slot, kind, language):
    text = _reminder(slot, kind, language, LONGEST_SITE[language], LONGEST_PHONE, LONGEST_DATE, time(10, 30))
    assert segments(text) <= 2, f"{len(text)} chars: {text}"


@pytest.mark.parametrize("kind, language", REPLIES)
def test_replies_fit_two_segments_with_longest_values(kind, language):
    assert segments(render_reply(kind, language, LONGEST_SITE[language], LONGEST_PHONE)) <= 2


@pytest.mark.parametrize("slot, kind, language", REMINDERS)
def test_reminders_disclose_nothing(slot, kind, language):
    assert find_sensitive_terms(_reminder(slot, kind, language)) == []


@pytest.mark.parametrize("kind, language", REPLIES)
def test_replies_disclose_nothing(kind, language):
    assert find_sensitive_terms(render_reply(kind, language, SITE[language], PHONE)) == []


def _all_strings(node):
    if isinstance(node, dict):
        return [s for value in node.values() for s in _all_strings(value)]
    return [node]


def test_no_template_string_discloses_anything():
    strings = _all_strings(load_templates())
    assert len(strings) >= 34  # a loader that lost templates would pass vacuously
    assert [s for s in strings if find_sensitive_terms(s)] == []


@pytest.mark.parametrize("text, found", [
    ("Your sintilimab infusion", ["sintilimab"]), ("化疗前请空腹", ["化疗"]), ("Beijing Cancer Hospital", ["cancer"]),
    ("信迪利单抗", ["信迪利"]), ("北京肿瘤医院", ["肿瘤"]), ("HAIC session", ["haic"]), ("肝动脉灌注", ["肝"]),
    ("Your CHEMOtherapy", ["chemo"]), ("your blood test", []),
])
def test_find_sensitive_terms(text, found):
    assert find_sensitive_terms(text) == found


@pytest.mark.parametrize("kind, language, arrival, expected_in, expected_out", [
    ("haic", "en", time(7, 30), "Please arrive by 07:30.", None),
    ("haic", "zh", time(7, 30), "请于07:30前到达。", None),
    ("haic", "en", None, "is on Thu 5 Mar. Bring", "arrive"),
    ("haic", "zh", None, "（周四）。请携带", "到达"),
])
def test_arrival_sentence_only_when_known(kind, language, arrival, expected_in, expected_out):
    text = _reminder(ADVANCE, kind, language, arrival=arrival)
    assert expected_in in text
    assert expected_out is None or expected_out not in text


@pytest.mark.parametrize("day, language, expected", [
    (date(2026, 3, 5), "zh", "3月5日（周四）"), (date(2026, 3, 8), "zh", "3月8日（周日）"),
    (date(2026, 12, 30), "en", "Wed 30 Dec"), (date(2026, 1, 5), "en", "Mon 5 Jan"),
])
def test_format_date(day, language, expected):
    assert format_date(day, language) == expected


@pytest.mark.parametrize("call", [
    lambda: render_reply("help", "fr", "S", "1"),
    lambda: render_reminder(ADVANCE, "haic", "de", date(2026, 3, 5), "S", "1", None),
])
def test_unknown_language_is_a_programming_error(call):
    with pytest.raises(ValueError):
        call()


def _check_snapshot(name, text):
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert path.exists(), f"missing snapshot {path.name}: run with UPDATE_SNAPSHOTS=1"
    assert path.read_text(encoding="utf-8") == text + "\n"


@pytest.mark.parametrize("slot, kind, language", REMINDERS)
def test_reminder_snapshots(slot, kind, language):
    _check_snapshot(f"reminder_{slot}_{kind}_{language}", _reminder(slot, kind, language))


@pytest.mark.parametrize("kind, language", REPLIES)
def test_reply_snapshots(kind, language):
    _check_snapshot(f"reply_{kind}_{language}", render_reply(kind, language, SITE[language], PHONE))
