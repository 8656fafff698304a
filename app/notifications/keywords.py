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
    # Twilio's default opt-out list (REVOKE and OPTOUT since 2024) and the domestic providers'
    # TD/T/退订 (the hint 回复TD退订).
    **dict.fromkeys(["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt out",
                     "opt-out", "退订", "td", "t"], Keyword.OPT_OUT),
    # A Chinese patient opts back in without typing English: 恢复 ("resume"), 订阅 ("subscribe").
    **dict.fromkeys(["start", "unstop", "恢复", "恢复接收", "订阅"], Keyword.OPT_IN),
    **dict.fromkeys(["help", "info", "帮助"], Keyword.HELP),
}
# Punctuation people add around a keyword, in ASCII and the CJK forms NFKC leaves alone.
_SURROUNDING_PUNCTUATION = " \t\r\n.,!?;:'\"。，！？；：、“”‘’()（）"


def normalise_body(body: str) -> str:
    """Full-width forms to ASCII (NFKC), trimmed of spaces and punctuation, case-folded."""
    return unicodedata.normalize("NFKC", body or "").strip(_SURROUNDING_PUNCTUATION).casefold()


def classify_keyword(body: str) -> Keyword | None:
    """The keyword this whole body is, or None for ordinary text."""
    return _KEYWORDS.get(normalise_body(body))


def language_of(body: str) -> str | None:
    """"zh" when the text has Chinese characters, "en" when it has Latin letters only, else None."""
    text = body or ""
    if any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text):
        return "zh"
    if any(ch.isascii() and ch.isalpha() for ch in text):
        return "en"
    return None
