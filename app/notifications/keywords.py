"""Classify an inbound SMS body as an opt-out, opt-in or help keyword.

Only a body that is the keyword alone counts ("stop", " STOP! "), as carriers and Twilio
do; "please don't stop my treatment" must not unsubscribe anyone.
"""
from __future__ import annotations

import enum
import unicodedata


class Keyword(str, enum.Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


_KEYWORDS = {
    # "TD"/"T"/"退订" are the domestic providers' opt-out replies (the hint 回复TD退订).
    **dict.fromkeys(["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "退订", "td", "t"], Keyword.OPT_OUT),
    **dict.fromkeys(["start", "unstop", "订阅", "恢复", "恢复接收"], Keyword.OPT_IN),
    **dict.fromkeys(["help", "帮助"], Keyword.HELP),
}
# Punctuation people add around a keyword, in ASCII and the CJK forms NFKC leaves alone.
_SURROUNDING_PUNCTUATION = " \t\r\n.,!?;:'\"。，！？；：、“”‘’()（）"


def normalise_body(body: str) -> str:
    """Full-width forms to ASCII (NFKC), trimmed of spaces and punctuation, case-folded."""
    return unicodedata.normalize("NFKC", body or "").strip(_SURROUNDING_PUNCTUATION).casefold()


def classify_keyword(body: str) -> Keyword | None:
    """The keyword this whole body is, or None for ordinary text."""
    return _KEYWORDS.get(normalise_body(body))
