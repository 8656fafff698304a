"""Every named SMS template the product sends, read through one function: `catalogue()`.

Domestic providers (Aliyun, Tencent) send only texts approved in advance, by template code,
with the variables as parameters; Twilio sends the rendered text. This module is the single
place that lists the templates (names, declared variables, text per language) so that
`flask sms templates`, the `--stub` for SMS_TEMPLATES_FILE and the start-time check of
template codes all agree.

The templates themselves are the one mechanism of app/notifications/templates.py (named
templates with declared variables, zh and en, in sms_templates.yaml); this module adds what
the domestic providers need on top: the text to submit (no 【signature】, the opt-out hint),
its billed length, and the checks before submission.
"""
from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass

from app.notifications.templates import find_sensitive_terms, templates

LANGUAGES = ("zh", "en")
# Filled in from configuration when the text is printed for approval: not a variable.
CONSTANTS = ("link_base",)
SIGNATURE_PREFIX = re.compile(r"^【\{site\}】")
BRACKETS = re.compile(r"【[^】]*】")
# Longest value each variable takes in practice (characters): the length check of a
# template counts these, the signature and the opt-out hint. Aliyun allows 35 characters
# per variable in notification templates; Tencent 6–35 depending on the variable's type.
VARIABLE_MAX_CHARS = {"site": 12, "phone": 13, "date": 10, "visit": 6, "arrival": 12, "time": 5, "token": 16}
DEFAULT_VARIABLE_MAX_CHARS = 20
SEGMENT_SINGLE, SEGMENT_MULTI, MAX_SEGMENTS = 70, 67, 2
# Confirmations that must not themselves carry an opt-out hint.
NO_HINT = frozenset({"reply_opt_out", "reply_unknown_sender"})


@dataclass(frozen=True)
class SmsTemplate:
    """One named template: its declared variables (in order) and its text per language.

    `texts` are the texts Twilio renders ({variable} placeholders, str.format syntax).
    """

    name: str
    variables: tuple[str, ...]
    texts: dict


def catalogue() -> dict[str, SmsTemplate]:
    """Name → SmsTemplate for every SMS the product sends (templates.templates(), in file order)."""
    return {name: SmsTemplate(name, tuple(t.variables), dict(t.texts)) for name, t in templates().items()}


def required_template_keys() -> list[str]:
    """SMS_TEMPLATES_FILE keys a domestic provider must have a code for: every template in
    Chinese (English codes are optional; without one the Chinese template is sent)."""
    return [provider_key(name, "zh") for name in catalogue()]


def placeholders(text: str) -> list[str]:
    """The {names} in a str.format text, in order of first appearance."""
    names: list[str] = []
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None and field not in names:
            names.append(field)
    return names




def provider_key(name: str, language: str) -> str:
    """The key of a template in SMS_TEMPLATES_FILE: the name for Chinese, "name.en" otherwise."""
    return name if language == "zh" else f"{name}.{language}"


def domestic_text(template: SmsTemplate, language: str, opt_out_hint: str) -> str:
    """The text to submit for approval: no 【signature】 (the provider adds it), the opt-out
    hint at the end, `{variable}` placeholders as declared. Source: API.md "Second wave"."""
    text = SIGNATURE_PREFIX.sub("", template.texts[language]).strip()
    if template.name not in NO_HINT and language == "zh" and not text.endswith(opt_out_hint):
        text = text + opt_out_hint
    return text


def domestic_length(text: str, signature: str, base_url: str = "") -> int:
    """Characters the provider bills: 【signature】 plus the text with each variable at its
    longest (VARIABLE_MAX_CHARS) and constants filled in."""
    values = {name: "x" * VARIABLE_MAX_CHARS.get(name, DEFAULT_VARIABLE_MAX_CHARS) for name in placeholders(text)}
    values["link_base"] = base_url
    return len(f"【{signature}】") + len(text.format(**values))


def domestic_segments(length: int) -> int:
    """Segments for `length` characters: 70 in one message, 67 each when split (any script)."""
    return 1 if length <= SEGMENT_SINGLE else -(-length // SEGMENT_MULTI)


def template_problems(template: SmsTemplate, language: str, text: str, signature: str, base_url: str,
                      hospital_names: tuple[str, ...] = (), max_segments: int = MAX_SEGMENTS) -> list[str]:
    """Why `text` (a domestic text of `template`) cannot be submitted; empty when it can.

    Refused: longer than `max_segments` segments (signature counted), a placeholder the
    template does not declare, a 【…】 bracket (the provider adds the signature), a
    diagnosis or drug word (templates.SENSITIVE_TERMS) or one of `hospital_names` (the sites'
    names: a hospital's name can disclose the diagnosis).
    """
    problems = []
    undeclared = [n for n in placeholders(text) if n not in template.variables and n not in CONSTANTS]
    if undeclared:
        problems.append(f"undeclared variable(s) {', '.join(undeclared)}")
    if BRACKETS.search(text):
        problems.append("contains 【…】: the provider adds the signature itself")
    sensitive = find_sensitive_terms(text) + [n for n in hospital_names if n and n.casefold() in text.casefold()]
    if sensitive:
        problems.append(f"names the diagnosis, drug or hospital ({', '.join(sensitive)})")
    if not undeclared:
        length = domestic_length(text, signature, base_url)
        if domestic_segments(length) > max_segments:
            problems.append(f"too long: {length} characters with the signature, more than {max_segments} segments")
    return [f"{template.name} [{language}]: {problem}" for problem in problems]


def match_template(body: str, language: str | None):
    """The named template and variables a rendered `body` came from, or None.

    A bridge for template-only providers while outbox rows do not store their template
    (the seams work adds template_name/template_params): each catalogue text becomes a
    pattern whose {variables} capture, and the first text that matches the whole body wins.
    """
    from app.notifications.gateways.base import TemplateRef

    for name, lang, pattern, variables in _patterns():
        if language and lang != language:
            continue
        found = pattern.fullmatch(body or "")
        if found:
            return TemplateRef(name, lang, tuple((v, found.group(v)) for v in variables))
    return None


@functools.lru_cache(maxsize=1)
def _patterns() -> list:
    patterns = []
    for template in catalogue().values():
        for language, text in template.texts.items():
            if any(c in placeholders(text) for c in CONSTANTS):
                continue  # rendered at send time with its own template (form links)
            regex, seen = "", set()
            for literal, field, _, _ in string.Formatter().parse(text):
                regex += re.escape(literal)
                if field is not None:
                    regex += f"(?P={field})" if field in seen else f"(?P<{field}>.*?)"
                    seen.add(field)
            patterns.append((template.name, language, re.compile(regex, re.DOTALL), template.variables))
    return patterns
