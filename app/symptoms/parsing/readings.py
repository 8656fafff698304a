"""Numbers in a message: temperatures, counts (stools, vomiting), 0-4 scores and 0-10 pain scores.

Works on the token list plus the phrase events found by the parser, so units written as
words (度, times, 次, °F) are recognised exactly like other lexicon phrases.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.symptoms.parsing.text import is_number

CELSIUS_RANGE = (34.0, 43.5)
FAHRENHEIT_RANGE = (93.0, 110.0)
COUNTED_TERMS = ("Diarrhea", "Vomiting")


@dataclass(frozen=True)
class Reading:
    """A number with what it measures: kind is temperature | count | score | nrs | duration | plain."""

    kind: str
    value: float
    position: int
    stool: bool = False  # a count of stools (→ Diarrhea)
    unit: str | None = None


def fahrenheit_to_celsius(value: float) -> float:
    """°F -> °C rounded to 0.1."""
    return round((value - 32.0) * 5.0 / 9.0, 1)


def _temperature(value: float, unit_kind: str, position: int) -> Reading | None:
    if unit_kind == "temp_any":
        celsius = contextual_temperature(value)
        return Reading("temperature", celsius, position, unit="°C") if celsius is not None else None
    celsius = value if unit_kind == "temp_c" else fahrenheit_to_celsius(value)
    low, high = CELSIUS_RANGE
    return Reading("temperature", celsius, position, unit="°C") if low <= celsius <= high else None


def _degree_decimal(tokens: list[str], after_unit: int) -> float:
    """The ".5" of 38度5: one digit written straight after 度."""
    if after_unit < len(tokens) and tokens[after_unit].isdigit() and len(tokens[after_unit]) == 1:
        return int(tokens[after_unit]) / 10
    return 0.0


def _reading_at(i: int, tokens: list[str], event_at: dict) -> Reading:
    value = float(tokens[i])
    unit_event = event_at.get(i + 1)
    kind = unit_event.entry.kind if unit_event else None
    if kind in ("temp_c", "temp_f", "temp_any"):
        if tokens[i + 1] == "度":
            value += _degree_decimal(tokens, unit_event.end)
        return _temperature(value, kind, i) or Reading("plain", value, i)
    if kind in ("count_unit", "stool_cue"):
        return Reading("count", value, i, stool=kind == "stool_cue")
    if kind == "score_unit":
        return Reading("score", value, i)
    if kind == "duration_unit":
        return Reading("duration", value, i)
    if kind == "symptom" and unit_event.entry.terms[0] in COUNTED_TERMS and value.is_integer():
        # "7 loose stools", "2 vomits": the count of the symptom word it stands before
        return Reading("count", value, i, stool=unit_event.entry.terms[0] == "Diarrhea")
    if tokens[i + 1:i + 3] == ["/", "10"]:
        return Reading("nrs", value, i)
    return Reading("plain", value, i)


def find_readings(tokens: list[str], event_at: dict) -> list[Reading]:
    """Every number token interpreted by the unit that follows it (plain when none)."""
    readings = []
    skip_until = -1
    for i, token in enumerate(tokens):
        if i <= skip_until or not is_number(token):
            continue
        reading = _reading_at(i, tokens, event_at)
        readings.append(reading)
        if reading.kind == "nrs":
            skip_until = i + 2  # the "10" of "/10" is not a reading of its own
        elif tokens[i + 1:i + 2] == ["度"]:
            skip_until = i + 2  # the "5" of 38度5
    return readings


def contextual_temperature(value: float) -> float | None:
    """A bare number next to a fever word read as °C or °F, when plausible."""
    if CELSIUS_RANGE[0] <= value <= CELSIUS_RANGE[1]:
        return value
    if FAHRENHEIT_RANGE[0] <= value <= FAHRENHEIT_RANGE[1]:
        return fahrenheit_to_celsius(value)
    return None


def nrs_to_severity(score: float) -> int | None:
    """A 0-10 pain score on our 0-4 severity scale (0, 1-3, 4-6, 7-9, 10)."""
    if not 0 <= score <= 10:
        return None
    return 0 if score == 0 else 1 if score <= 3 else 2 if score <= 6 else 3 if score <= 9 else 4
