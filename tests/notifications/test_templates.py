"""Every SMS template × language: declared variables, never empty, fits 2 segments, discloses
nothing, matches its snapshot; and the one segment counter.

Regenerate snapshots after a deliberate wording change with:
    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/notifications/test_templates.py
"""
import itertools
import os
from datetime import date
from pathlib import Path

import pytest

from app.ctcae import all_terms
from app.notifications.reminder_rules import ADVANCE, DAY_OF
from app.notifications.sms_segments import segments, sms_encoding
from app.notifications.templates import (LANGUAGES, TemplateError, check_file, find_sensitive_terms, format_date,
                                         load_templates, longest_fixed, longest_values, problems, render,
                                         render_reminder, render_reply, templates)
from app.symptoms.dialogue.messages import render as render_dialogue

SNAPSHOTS = Path(__file__).with_name("snapshots")
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
VISIT_KINDS = ("haic", "sintilimab", "labs", "imaging", "safety_follow_up", "survival_follow_up")
REPLY_KINDS = ("help", "opt_out", "opt_in", "unknown_sender")
SLOTS = (ADVANCE, DAY_OF)
SITE = {"en": "Study Clinic", "zh": "研究门诊"}
PHONE = "010-88196114"
ALL = list(itertools.product(sorted(templates()), LANGUAGES))
LAY_TERMS = [t.term for t in all_terms() if t.lay_en] + ["Hypothyroidism"]  # the last has no lay name


def _longest(name, language):
    return render(name, language, fixed=longest_fixed(language), **longest_values(name, language))


@pytest.mark.parametrize("text, encoding, count", [
    ("", "GSM-7", 1), ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3), ("[" * 80, "GSM-7", 1), ("[" * 81, "GSM-7", 2),   # extension = 2 septets
    ("]" * 76 * 2, "GSM-7", 2), ("]" * 153, "GSM-7", 3),  # an escape pair is never split: 76 a part
    ("a" + "]" * 76, "GSM-7", 1), ("a" * 152 + "]", "GSM-7", 1), ("a" * 305 + "]", "GSM-7", 3),
    ("a" * 159 + "€", "GSM-7", 2), ("é" * 160, "GSM-7", 1), ("ç", "UCS-2", 1),
    ("中" * 70, "UCS-2", 1), ("中" * 71, "UCS-2", 2), ("中" * 134, "UCS-2", 2), ("中" * 135, "UCS-2", 3),
    ("a" * 159 + "中", "UCS-2", 3),                                         # one CJK char switches all
    ("😀" * 35, "UCS-2", 1), ("😀" * 36, "UCS-2", 2), ("😀" * 40, "UCS-2", 2),  # UTF-16 units
    ("😀" * 66, "UCS-2", 2), ("😀" * 67, "UCS-2", 3),                          # 33 pairs a part, never split
    ("中" * 66 + "😀" + "中" * 67, "UCS-2", 3),
])
def test_segments(text, encoding, count):
    assert sms_encoding(text) == encoding
    assert segments(text) == count


def test_every_message_kind_is_a_template():
    names = set(templates())
    assert {f"reply_{kind}" for kind in REPLY_KINDS} <= names
    assert {"reminder_advance", "reminder_day_of", "checkin_weekly", "checkin_post_haic", "symptom_urgent",
            "symptom_ask_severity", "nurse_page_urgent", "nurse_page_review", "form_link"} <= names
    assert len(names) == 28  # a loader that lost templates would pass vacuously


@pytest.mark.parametrize("name, language", ALL)
def test_every_template_fits_and_discloses_nothing_with_longest_values(name, language):
    rendered = _longest(name, language)
    assert problems(rendered) == [], rendered.text
    assert "{" not in rendered.text and "}" not in rendered.text


@pytest.mark.parametrize("name, language", ALL)
def test_every_variable_is_required_and_never_empty(name, language):
    values = longest_values(name, language)
    fixed = longest_fixed(language)
    rendered = render(name, language, fixed=fixed, **values)
    assert rendered.template.name == name and rendered.template.language == language
    assert [key for key, _ in rendered.template.params] == list(templates()[name].variables)
    for key in values:
        for empty in ("", "  ", None):
            with pytest.raises(TemplateError, match="empty"):
                render(name, language, fixed=fixed, **(values | {key: empty}))
        with pytest.raises(TemplateError):
            render(name, language, fixed=fixed, **{k: v for k, v in values.items() if k != key})
    with pytest.raises(TemplateError):
        render(name, language, fixed=fixed, **values, undeclared="x")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ["ask_severity", "ask_frequency", "reprompt_severity", "reprompt_frequency"])
def test_dialogue_questions_with_every_lay_name(key, language):
    for term in LAY_TERMS:
        assert problems(render_dialogue(key, language, term=term)) == []


def test_terms_without_lay_name_are_named_generically():
    assert "the symptom now" in render_dialogue("ask_severity", "en", term="Hypothyroidism").text
    assert "这个症状" in render_dialogue("ask_severity", "zh", term="Hypothyroidism").text


def test_no_template_string_discloses_anything():
    strings = [spec[language] for spec in load_templates()["templates"].values() for language in LANGUAGES]
    assert len(strings) == 56
    assert [s for s in strings if find_sensitive_terms(s)] == []


@pytest.mark.parametrize("broken, error", [
    ({"t": {"variables": ["site"], "en": "{site}"}}, "no 'zh' text"),
    ({"t": {"variables": ["site"], "en": "{site}", "zh": "{phone}"}}, "uses"),
    ({"t": {"variables": ["nope"], "en": "{nope}", "zh": "{nope}"}}, "declared"),
    ({"t": {"en": "x", "zh": "x"}}, "declared"),
])
def test_a_broken_templates_file_fails_at_load(broken, error):
    with pytest.raises(TemplateError, match=error):
        check_file({"variables": {"site": {}, "phone": {}}, "templates": broken})


@pytest.mark.parametrize("text, found", [
    ("Your sintilimab infusion", ["sintilimab"]), ("化疗前请空腹", ["化疗"]), ("Beijing Cancer Hospital", ["cancer"]),
    ("信迪利单抗", ["信迪利"]), ("北京肿瘤医院", ["肿瘤"]), ("HAIC session", ["haic"]), ("肝动脉灌注", ["肝"]),
    ("Your CHEMOtherapy", ["chemo"]), ("your blood test", []),
])
def test_find_sensitive_terms(text, found):
    assert find_sensitive_terms(text) == found


@pytest.mark.parametrize("day, language, expected", [
    (date(2026, 3, 5), "zh", "3月5日（周四）"), (date(2026, 3, 8), "zh", "3月8日（周日）"),
    (date(2026, 12, 30), "en", "Wed 30 Dec"), (date(2026, 1, 5), "en", "Mon 5 Jan"),
])
def test_format_date(day, language, expected):
    assert format_date(day, language) == expected


@pytest.mark.parametrize("call", [
    lambda: render_reply("help", "fr", "S", "1"),
    lambda: render_reminder(ADVANCE, "haic", "de", date(2026, 3, 5), "S", "1"),
    lambda: render("no_such_template", "en"),
])
def test_unknown_language_or_template_is_a_programming_error(call):
    with pytest.raises(ValueError):
        call()


def _check_snapshot(name, text):
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert path.exists(), f"missing snapshot {path.name}: run with UPDATE_SNAPSHOTS=1"
    assert path.read_text(encoding="utf-8") == text + "\n"


@pytest.mark.parametrize("slot, kind, language", list(itertools.product(SLOTS, VISIT_KINDS, LANGUAGES)))
def test_reminder_snapshots(slot, kind, language):
    rendered = render_reminder(slot, kind, language, date(2026, 3, 5), SITE[language], PHONE)
    _check_snapshot(f"reminder_{slot}_{kind}_{language}", rendered.text)


@pytest.mark.parametrize("kind, language", list(itertools.product(REPLY_KINDS, LANGUAGES)))
def test_reply_snapshots(kind, language):
    _check_snapshot(f"reply_{kind}_{language}", render_reply(kind, language, SITE[language], PHONE).text)
