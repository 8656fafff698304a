"""The symptom mention under construction during one parse (mutable, never shared)."""

from __future__ import annotations

from dataclasses import dataclass, field

FEVER, DIARRHEA, VOMITING, DYSPNEA = "Fever", "Diarrhea", "Vomiting", "Dyspnea"
FEVER_THRESHOLD_C = 38.0


@dataclass
class Mention:
    """A symptom mention being assembled; parser.py freezes it into a ParsedSymptom."""

    term: str
    start: int
    end: int
    clause: int
    matched_text: str
    negated: bool = False
    severity: int | None = None
    frequency: int | None = None
    interference: int | None = None
    value: float | None = None
    unit: str | None = None
    count: int | None = None  # episodes counted in the text (stools, vomiting), the most said
    baseline: float | None = None  # usual stools a day as the text states it ("平时一天2次")
    red_flags: set[str] = field(default_factory=set)


def raise_attribute(mention: Mention, attribute: str, value: int) -> None:
    """Keep the highest value said for a scale attribute."""
    current = getattr(mention, attribute)
    setattr(mention, attribute, value if current is None else max(current, value))
