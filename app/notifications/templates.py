"""The one SMS template mechanism: every text a patient or staff member receives is a named
template with declared variables, in zh and en, in sms_templates.yaml, rendered by `render`.

    render("symptom_urgent", "en", phone="+861088196114")
    -> RenderedSms(text="This needs attention now. …", template=TemplateRef("symptom_urgent", "en", (("phone", "+86…"),)))

Twilio and the console send `text`; template-only providers (Aliyun, Tencent) send the
template's approved code with `template.params`. A variable that is undeclared, missing or
empty raises `TemplateError` (issue 11 item 12: "Call the study team on  now." must never go
out). Texts never name a diagnosis, drug, procedure or hospital (`find_sensitive_terms`) and
fit in two SMS segments (`app.notifications.sms_segments`) — tests check every template.
"""
from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Mapping

import yaml

from app.notifications.gateways.base import TemplateRef
from app.notifications.sms_segments import segments, sms_encoding  # noqa: F401  (re-exported)

LANGUAGES = ("zh", "en")
TEMPLATES_PATH = Path(__file__).with_name("sms_templates.yaml")
MAX_SEGMENTS = 2
# Words that would disclose the diagnosis, the treatment or a cancer hospital to whoever
# sees the phone.
SENSITIVE_TERMS = (
    "sintilimab", "信迪利", "tyvyt", "达伯舒", "chemo", "化疗", "cancer", "癌", "carcinoma",
    "tumor", "tumour", "肿瘤", "oncolog", "metasta", "转移", "esophag", "oesophag", "食管",
    "haic", "hepatic", "肝", "pd-1", "immunotherap", "免疫治疗", "catheter", "导管", "trial drug",
)
_ZH_WEEKDAYS = "一二三四五六日"
# Spelled out rather than strftime("%a %b"), which follows the process locale.
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class TemplateError(ValueError):
    """A programming or configuration error: unknown template or language, a variable that
    is undeclared, missing or empty, or a templates file that breaks its own rules."""


@dataclass(frozen=True)
class RenderedSms:
    """One SMS ready for the outbox: the text, and the template and parameters that made it."""

    text: str
    template: TemplateRef | None  # None only for outbox rows written before templates were recorded

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Template:
    """A named message kind: its declared variables (in order) and its text per language."""

    name: str
    variables: tuple[str, ...]
    texts: Mapping[str, str]

    def placeholders(self, language: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(self.texts[language]) if field}


@functools.lru_cache(maxsize=4)
def load_templates(path: Path = TEMPLATES_PATH) -> dict:
    """The templates file as data (read once; treat as read-only), checked by `check_file`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    check_file(data)
    return data


def templates() -> dict[str, Template]:
    """Every template by name."""
    return {name: _template(name) for name in load_templates()["templates"]}


@functools.lru_cache(maxsize=None)
def _template(name: str) -> Template:
    spec = load_templates()["templates"].get(name)
    if spec is None:
        raise TemplateError(f"no SMS template named {name!r}")
    return Template(name, tuple(spec["variables"]), {language: spec[language] for language in LANGUAGES})


def has_template(name: str) -> bool:
    """True when `name` is a template in the file."""
    return name in load_templates()["templates"]


def render(name: str, language: str, *, fixed: Mapping[str, str] | None = None, **variables) -> RenderedSms:
    """Render template `name` in `language` ("zh" | "en") with exactly its declared variables.

    `fixed` supplies the deployment-wide values a text may use that are not variables (e.g.
    `link_base`). Raises TemplateError for an unknown template or language, for undeclared,
    missing or empty variables (values are turned into strings; "", None and blanks are empty).
    """
    template = _template(name)
    check_language(language)
    declared = set(template.variables)
    if set(variables) != declared:
        raise TemplateError(f"template {name!r} takes {sorted(declared)}; got {sorted(variables)}")
    values = {key: _non_empty(name, key, value) for key, value in variables.items()}
    fixed_values = {key: _non_empty(name, key, value) for key, value in (fixed or {}).items()}
    text = template.texts[language].format(**fixed_values, **values)
    params = tuple((key, values[key]) for key in template.variables)
    return RenderedSms(text, TemplateRef(name, language, params))


def _non_empty(name: str, key: str, value) -> str:
    text = "" if value is None else str(value)
    if not text.strip():
        raise TemplateError(f"template {name!r}: variable {key!r} is empty")
    return text


def check_language(language: str) -> None:
    """Raise TemplateError (a ValueError) unless `language` is "zh" or "en"."""
    if language not in LANGUAGES:
        raise TemplateError(f"language must be one of {LANGUAGES}, got {language!r}")


def fragment(group: str, key: str | None, language: str) -> str:
    """A word that goes into a variable: `fragment("visit_names", "haic", "zh")` -> "入院治疗"."""
    check_language(language)
    node = load_templates()["fragments"][group]
    return (node[key] if key is not None else node)[language]


def check_file(data: dict) -> None:
    """Raise TemplateError when the file breaks its rules: each template declares its
    variables, has both languages, and every text uses exactly the declared variables plus
    declared fixed values. Run at load, so a bad file fails at start, not at send time."""
    declared_variables, fixed = set(data["variables"]), set(data.get("fixed") or {})
    for name, spec in data["templates"].items():
        variables = spec.get("variables")
        if variables is None or set(variables) - declared_variables:
            raise TemplateError(f"template {name!r}: variables must be declared in `variables:` ({variables})")
        for language in LANGUAGES:
            if language not in spec:
                raise TemplateError(f"template {name!r} has no {language!r} text")
            used = {f for _, f, _, _ in string.Formatter().parse(spec[language]) if f}
            if used - fixed != set(variables):
                raise TemplateError(f"template {name!r} ({language}) uses {sorted(used)}, declares {variables}")


def longest_values(name: str, language: str) -> dict[str, str]:
    """The longest realistic value of each of the template's variables (for length checks)."""
    data = load_templates()
    return {key: data["variables"][key]["longest"][language] for key in _template(name).variables}


def longest_fixed(language: str) -> dict[str, str]:
    """The longest realistic value of each fixed value."""
    return {key: spec["longest"][language] for key, spec in (load_templates().get("fixed") or {}).items()}


def problems(rendered: RenderedSms) -> list[str]:
    """What is wrong with one rendered text: too many segments, or a sensitive word. Empty when fine."""
    found = []
    if segments(rendered.text) > MAX_SEGMENTS:
        found.append(f"{segments(rendered.text)} segments (at most {MAX_SEGMENTS})")
    found += [f"discloses {term!r}" for term in find_sensitive_terms(rendered.text)]
    return found


def format_date(day: date, language: str) -> str:
    """A short date with weekday: "3月5日（周二）" or "Tue 5 Mar"."""
    if language == "zh":
        return f"{day.month}月{day.day}日（周{_ZH_WEEKDAYS[day.weekday()]}）"
    return f"{_EN_WEEKDAYS[day.weekday()]} {day.day} {_EN_MONTHS[day.month - 1]}"


def find_sensitive_terms(text: str) -> list[str]:
    """The SENSITIVE_TERMS found in `text` (case-insensitive); empty when it is safe to send."""
    folded = text.casefold()
    return [term for term in SENSITIVE_TERMS if term in folded]


# Typed helpers for the message kinds with several templates: each picks the template and
# fills its variables; the callers never format text themselves.

def render_reminder(slot_id: str, visit_kind: str, language: str, scheduled_date: date,
                    site_name: str, site_phone: str) -> RenderedSms:
    """The reminder for one slot ("advance", "day_of") of one visit, in `language`."""
    specific = f"reminder_{slot_id}_{visit_kind}"
    if has_template(specific):
        return render(specific, language, site=site_name, date=format_date(scheduled_date, language), phone=site_phone)
    return render(f"reminder_{slot_id}", language, site=site_name, date=format_date(scheduled_date, language),
                  phone=site_phone, visit=fragment("visit_names", visit_kind, language))


def render_reply(kind: str, language: str, site_name: str, site_phone: str) -> RenderedSms:
    """An automatic reply: "help", "opt_out", "opt_in" or "unknown_sender"."""
    name = f"reply_{kind}"
    available = {"site": site_name, "phone": site_phone}
    return render(name, language, **{key: available[key] for key in _template(name).variables})
