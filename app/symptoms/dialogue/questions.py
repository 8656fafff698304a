"""Which single follow-up question a reported symptom needs, and how an answer fills it.

From the PRO-CTCAE item attributes (NCIt): we ask severity when the item has it, else
frequency; presence/amount-only items need no question. Terms outside PRO-CTCAE are asked
severity. Fever is asked for a temperature, which grades it directly by CTCAE.
"""

from __future__ import annotations

from dataclasses import replace

from app.symptoms.parsing.parser import ParsedSymptom, ParseResult
from app.symptoms.parsing.readings import contextual_temperature

FREQUENCY_ONLY_TERMS = frozenset({
    "Diarrhea", "Fecal incontinence", "Urinary urgency", "Urinary frequency", "Urinary incontinence",
    "Ejaculation disorder",
})
PRESENCE_ONLY_TERMS = frozenset({
    "Voice alteration", "Flatulence", "Rash maculo-papular", "Urticaria", "Nail loss", "Nail ridging",
    "Nail discoloration", "Photosensitivity", "Skin ulceration", "Skin hyperpigmentation", "Flashing lights",
    "Floaters", "Amenorrhea", "Irregular menstruation", "Vaginal hemorrhage", "Urine discoloration",
    "Delayed orgasm", "Anorgasmia", "Bruising", "Hypohidrosis", "Injection site reaction", "Alopecia",
    "Vaginal discharge",
})


def question_for(item: ParsedSymptom) -> str | None:
    """"severity", "frequency", "temperature" or None (nothing to ask)."""
    if item.negated or item.red_flags:
        return None  # absent, or escalated at once: do not delay with questions
    if item.ctcae_term == "Fever":
        return None if item.value is not None else "temperature"
    if item.ctcae_term in PRESENCE_ONLY_TERMS:
        return None
    if item.ctcae_term in FREQUENCY_ONLY_TERMS:
        return None if item.frequency is not None or item.value is not None else "frequency"
    return None if item.severity is not None else "severity"


def _scale_answer(parsed: ParseResult, bare_word: int | None) -> int | None:
    if parsed.bare_number is not None and 0 <= parsed.bare_number <= 4:
        return parsed.bare_number
    return bare_word


def _temperature_answer(parsed: ParseResult) -> float | None:
    fevers = [i for i in parsed.items if i.ctcae_term == "Fever" and i.value is not None]
    if fevers:
        return fevers[0].value
    return contextual_temperature(parsed.bare_value) if parsed.bare_value is not None else None


def answer_item(item: ParsedSymptom, attribute: str, parsed: ParseResult) -> ParsedSymptom | None:
    """The item with the open question answered by `parsed`, or None if it is no answer."""
    if attribute == "severity":
        value = _scale_answer(parsed, parsed.bare_severity)
        return None if value is None else replace(item, severity=value)
    if attribute == "frequency":
        value = _scale_answer(parsed, parsed.bare_frequency)
        return None if value is None else replace(item, frequency=value)
    celsius = _temperature_answer(parsed)
    if celsius is None:
        return None
    flags = ("fever_measured",) if celsius >= 38.0 else ()
    return replace(item, value=celsius, unit="°C", negated=celsius < 38.0, red_flags=flags)
