"""The dialogue's outgoing texts: named templates `symptom_*` in app/notifications/sms_templates.yaml.

Our own wording, never PRO-CTCAE item text; symptoms are named by the lay names in app/ctcae,
or generically (the `generic_symptom` fragment), never by a diagnosis or drug.
"""

from __future__ import annotations

from app.ctcae import get_term
from app.notifications.templates import LANGUAGES, RenderedSms, fragment, render as render_template, templates

DEFAULT_LANGUAGE = "zh"  # the site's patients mostly text in Chinese
PREFIX = "symptom_"


def language_or_default(language: str | None) -> str:
    """A supported reply language ("en"/"zh"); unknown or mixed falls back to the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def lay_name(term: str, language: str) -> str:
    """Patient-facing name of a CTCAE term (never the diagnosis), or a generic word."""
    record = get_term(term)
    name = getattr(record, f"lay_{language}", None) if record else None
    return name or fragment("generic_symptom", None, language)


def render(key: str, language: str, *, term: str | None = None, phone: str | None = None) -> RenderedSms:
    """The dialogue template `symptom_<key>` in `language`, with the term's lay name and/or
    the site phone as the template declares (TemplateError when a declared one is missing)."""
    language = language_or_default(language)
    declared = templates()[PREFIX + key].variables
    variables = {}
    if "symptom" in declared:
        variables["symptom"] = lay_name(term, language) if term else None
    if "phone" in declared:
        variables["phone"] = phone
    return render_template(PREFIX + key, language, **variables)
