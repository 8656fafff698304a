"""The one SMS segment counter (pure): which encoding a text needs and how many segments it takes.

Rules (3GPP TS 23.038 / 23.040, as carriers and Twilio count them):
- GSM-7 when every character is in the GSM 03.38 basic set or its extension table. An
  extension character costs two septets (ESC + char), and the pair is never split across
  segments: a multi-part segment holds 153 septets, so 153 "]" (306 septets) take 3 segments.
- Otherwise UCS-2, counted in UTF-16 code units: a character beyond the BMP (an emoji) costs
  two units, and a surrogate pair is never split either. 70 units fit one SMS, 67 per part.
"""
from __future__ import annotations

GSM7_SINGLE, GSM7_MULTI = 160, 153  # septets
UCS2_SINGLE, UCS2_MULTI = 70, 67  # UTF-16 code units
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


def sms_encoding(text: str) -> str:
    """"GSM-7" when every character is in the GSM 03.38 sets, else "UCS-2"."""
    return "GSM-7" if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else "UCS-2"


def _unit_costs(text: str) -> list[int]:
    """What each character costs: septets for GSM-7, UTF-16 code units for UCS-2."""
    if sms_encoding(text) == "GSM-7":
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def segments(text: str) -> int:
    """How many SMS segments `text` takes (an empty text still takes one)."""
    gsm7 = sms_encoding(text) == "GSM-7"
    single, multi = (GSM7_SINGLE, GSM7_MULTI) if gsm7 else (UCS2_SINGLE, UCS2_MULTI)
    costs = _unit_costs(text)
    if sum(costs) <= single:
        return 1
    count, used = 1, 0
    for cost in costs:  # a character that does not fit whole starts the next segment
        if used + cost > multi:
            count, used = count + 1, 0
        used += cost
    return count


def units(text: str) -> int:
    """The text's length as the carrier counts it (septets or UTF-16 code units)."""
    return sum(_unit_costs(text))
