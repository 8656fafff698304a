"""Outgoing templates: both languages, ≤ 2 SMS segments, no drug names or diagnoses."""

import pytest

from app.ctcae import all_terms
from app.symptoms.dialogue.messages import TEMPLATES, render, sms_segments

LONG_PHONE = "+86 10 8819 6000 ext 1234"
FORBIDDEN = ["sintilimab", "信迪利", "oxaliplatin", "奥沙利铂", "fluorouracil", "氟尿嘧啶", "pd-1", "chemo",
             "化疗", "pneumonitis", "肺炎", "colitis", "肠炎", "hepatitis", "肝炎", "cancer", "癌", "thyroid", "甲状腺",
             "myocarditis", "心肌炎", "hemorrhage", "adverse"]
LAY_TERMS = [t.term for t in all_terms() if t.lay_en]


def _renderings():
    for language, templates in TEMPLATES.items():
        for key in templates:
            if key == "generic_symptom":
                continue
            for term in LAY_TERMS + ["Hypothyroidism"]:
                yield language, key, render(key, language, term=term, phone=LONG_PHONE)


def test_same_keys_in_both_languages():
    assert TEMPLATES["en"].keys() == TEMPLATES["zh"].keys()


@pytest.mark.parametrize("language, key, text", list(_renderings()))
def test_template_rules(language, key, text):
    assert sms_segments(text) <= 2
    assert not any(word in text.lower() for word in FORBIDDEN)
    assert "{" not in text


def test_terms_without_lay_name_are_named_generically():
    assert "the symptom now" in render("ask_severity", "en", term="Hypothyroidism")
    assert "这个症状" in render("ask_severity", "zh", term="Hypothyroidism")


@pytest.mark.parametrize("text, segments", [("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("中" * 70, 1),
                                            ("中" * 71, 2), ("中" * 134, 2), ("中" * 135, 3)])
def test_sms_segments(text, segments):
    assert sms_segments(text) == segments
