"""A symptom found in a message: `ParsedSymptom`, the parse's frozen result, and `Mention`, the
same symptom under construction during one parse (mutable, never shared).

The symptom's fields are declared once, on ParsedSymptom; Mention is made from them and adds
only where it was found (token span and clause) and the red flags as a growing set.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, make_dataclass

FEVER, DIARRHEA, VOMITING, DYSPNEA = "Fever", "Diarrhea", "Vomiting", "Dyspnea"
FEVER_THRESHOLD_C = 38.0


@dataclass(frozen=True)
class ParsedSymptom:
    """One symptom found in a message; scales are the PRO 0-4 scales, None when not said."""

    ctcae_term: str
    negated: bool = False
    severity: int | None = None
    frequency: int | None = None
    interference: int | None = None
    value: float | None = None
    unit: str | None = None
    matched_text: str = ""
    red_flags: tuple[str, ...] = ()
    count: int | None = None  # episodes the text counts (Vomiting, Diarrhea): "threw up twice" -> 2
    baseline: float | None = None  # usual stools a day stated in the text ("normally 2 a day")


# The fields a mention gathers while the parse reads on (all but the term and the red flags).
GATHERED = tuple(f for f in fields(ParsedSymptom) if f.name not in ("ctcae_term", "matched_text", "red_flags"))

Mention = make_dataclass("Mention", [
    ("term", str), ("start", int), ("end", int), ("clause", int), ("matched_text", str),
    *((f.name, f.type, field(default=f.default)) for f in GATHERED),
    ("red_flags", "set[str]", field(default_factory=set)),
])
Mention.__doc__ = "A symptom mention being assembled (fields of ParsedSymptom, plus where it was found)."


def freeze(mention: Mention) -> ParsedSymptom:
    """The parse's result for `mention` (a denied symptom carries no red flag)."""
    return ParsedSymptom(ctcae_term=mention.term, matched_text=mention.matched_text,
                         red_flags=() if mention.negated else tuple(sorted(mention.red_flags)),
                         **{f.name: getattr(mention, f.name) for f in GATHERED})


def raise_attribute(mention: Mention, attribute: str, value: int) -> None:
    """Keep the highest value said for a scale attribute."""
    current = getattr(mention, attribute)
    setattr(mention, attribute, value if current is None else max(current, value))
