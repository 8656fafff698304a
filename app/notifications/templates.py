"""Patient-facing SMS texts, rendered from sms_templates.yaml, plus SMS segment counting.

Texts never name a diagnosis, drug or procedure (`find_sensitive_terms` is the check) and
fit in two SMS segments.
"""
from __future__ import annotations

import functools
from datetime import date, time
from pathlib import Path

import yaml

LANGUAGES = ("zh", "en")
REPLY_KINDS = ("help", "opt_out", "opt_in", "unknown_sender")
TEMPLATES_PATH = Path(__file__).with_name("sms_templates.yaml")
# Words that would disclose the diagnosis or treatment to whoever sees the phone.
SENSITIVE_TERMS = (
    "sintilimab", "信迪利", "tyvyt", "达伯舒", "chemo", "化疗", "cancer", "癌", "carcinoma",
    "tumor", "tumour", "肿瘤", "oncolog", "metasta", "转移", "esophag", "oesophag", "食管",
    "haic", "hepatic", "肝", "pd-1", "immunotherap", "免疫治疗", "catheter", "导管", "trial drug",
)
_ZH_WEEKDAYS = "一二三四五六日"
# Spelled out rather than strftime("%a %b"), which follows the process locale.
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# GSM 03.38 basic set; the extension set costs two septets per character (escape + char).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


@functools.lru_cache(maxsize=1)
def load_templates(path: Path = TEMPLATES_PATH) -> dict:
    """The template data (read once; treat as read-only)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def render_reminder(slot_id: str, visit_kind: str, language: str, scheduled_date: date,
                    site_name: str, site_phone: str, arrival_time: time | None) -> str:
    """The reminder text for one slot ("advance", "day_of") of one visit, in `language`."""
    data = load_templates()
    by_kind = data["reminders"][slot_id]
    template = _pick_language(by_kind.get(visit_kind, by_kind["default"]), language)
    return template.format(
        site=site_name, phone=site_phone, date=format_date(scheduled_date, language),
        visit=_pick_language(data["visit_names"][visit_kind], language),
        arrival=_arrival_sentence(arrival_time, language),
    )


def render_reply(kind: str, language: str, site_name: str, site_phone: str) -> str:
    """An automatic reply: "help", "opt_out", "opt_in" or "unknown_sender"."""
    template = _pick_language(load_templates()["replies"][kind], language)
    return template.format(site=site_name, phone=site_phone)


def format_date(day: date, language: str) -> str:
    """A short date with weekday: "3月5日（周二）" or "Tue 5 Mar"."""
    if language == "zh":
        return f"{day.month}月{day.day}日（周{_ZH_WEEKDAYS[day.weekday()]}）"
    return f"{_EN_WEEKDAYS[day.weekday()]} {day.day} {_EN_MONTHS[day.month - 1]}"


def sms_encoding(text: str) -> str:
    """"GSM-7" when every character is in the GSM 03.38 sets, else "UCS-2"."""
    return "GSM-7" if all(ch in _GSM7_BASIC or ch in _GSM7_EXTENSION for ch in text) else "UCS-2"


def segments(text: str) -> int:
    """How many SMS segments `text` takes (GSM-7: 160 single / 153 each; UCS-2: 70 / 67)."""
    if sms_encoding(text) == "GSM-7":
        units, single, multi = sum(2 if ch in _GSM7_EXTENSION else 1 for ch in text), 160, 153
    else:
        # UCS-2 counts UTF-16 code units: a character beyond the BMP (an emoji) takes two.
        units, single, multi = len(text.encode("utf-16-le")) // 2, 70, 67
    if units <= single:
        return 1
    return -(-units // multi)  # ceiling division


def find_sensitive_terms(text: str) -> list[str]:
    """The SENSITIVE_TERMS found in `text` (case-insensitive); empty when it is safe to send."""
    folded = text.casefold()
    return [term for term in SENSITIVE_TERMS if term in folded]


def _arrival_sentence(arrival_time: time | None, language: str) -> str:
    if arrival_time is None:
        return ""
    return _pick_language(load_templates()["arrival"], language).format(time=f"{arrival_time:%H:%M}")


def _pick_language(texts: dict, language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    return texts[language]
