"""Text normalisation and tokenisation shared by the lexicon and the parser.

English is split into words; every Chinese character is its own token, so Chinese
phrases are matched by dictionary (longest match), never by spaces.
"""

from __future__ import annotations

import re
import unicodedata

# Digits, English words (with apostrophes), one CJK character, or any other single symbol (emoji, °, /).
TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)*|[\u3400-\u9fff]|[^\s\w]")
CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN_RE = re.compile(r"[a-z]")

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = "[零一二两三四五六七八九十]+"
# Chinese numerals only where they count or measure (拉了六次, 三十八度五), so that
# 一点 ("a little") is left alone.
_CN_BEFORE_UNIT = re.compile(rf"({_CN_NUMBER})(?:点({_CN_NUMBER}))?(?=[次趟回度])")
_CN_AFTER_DEGREE = re.compile(r"度([一二三四五六七八九])(?![次趟回])")
# Contractions typed without the apostrophe ("cant sleep", "havent eaten", "doesnt know").
_BARE_CONTRACTION = re.compile(
    r"\b(can|don|doesn|didn|won|isn|aren|wasn|weren|haven|hasn|hadn|couldn|wouldn|shouldn)t\b")
# English counts written as words ("threw up twice", "three times") become digits, so that a
# count reads the same in both languages (吐了两次 -> 吐了2次 above).
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_EN_COUNT = re.compile(r"\b(" + "|".join(_EN_NUMBERS) + r")(?= times\b)")
_EN_MULTIPLE = re.compile(r"\b(twice|thrice)\b")
_ONCE_A_DAY = re.compile(r"\bonce (?=(a|per|each) day\b)")  # "usually once a day" -> "1 time a day"
_TIMES_SIGN = re.compile(r"\b[x×]\s?(\d{1,2})\b")  # "vomited x3" -> "vomited 3 times"
# Remove variation selectors / zero-width joiners so emoji compare equal.
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200d"), None)


def chinese_number(text: str) -> int:
    """Value of a small Chinese numeral (0-99): 六 -> 6, 十二 -> 12, 三十八 -> 38; a range of
    two neighbouring digits is its upper end: 三四 -> 4, 七八 -> 8."""
    if "十" not in text:
        digits = [_CN_DIGITS[ch] for ch in text]
        if len(digits) == 2 and digits[1] == digits[0] + 1:
            return digits[1]  # 三四次 "three or four times": the higher
        return int("".join(map(str, digits)))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _arabic(match: re.Match) -> str:
    whole = str(chinese_number(match.group(1)))
    return f"{whole}.{chinese_number(match.group(2))}" if match.group(2) else whole


def normalise(text: str) -> str:
    """NFKC (full-width digits, ℃ -> °c), lower case, curly quotes, Chinese numerals before units,
    apostrophe-less contractions ("cant" -> "can't"), English counts as digits ("twice" -> "2 times")."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).lower().replace("’", "'")
    text = _CN_BEFORE_UNIT.sub(_arabic, text)
    # Substring checks first: most texts need none of these rewrites (parser speed).
    if "nt" in text:
        text = _BARE_CONTRACTION.sub(r"\1't", text)
    if " times" in text:
        text = _EN_COUNT.sub(lambda m: str(_EN_NUMBERS[m.group(1)]), text)
    if "x" in text or "×" in text:
        text = _TIMES_SIGN.sub(r"\1 times", text)
    if "once" in text:
        text = _ONCE_A_DAY.sub("1 time ", text)
    if "twice" in text or "thrice" in text:
        text = _EN_MULTIPLE.sub(lambda m: "2 times" if m.group(1) == "twice" else "3 times", text)
    return _CN_AFTER_DEGREE.sub(lambda m: f"度{_CN_DIGITS[m.group(1)]}", text)


def tokenise(text: str) -> list[str]:
    """Tokens of already-normalised text."""
    return TOKEN_RE.findall(text)


def is_number(token: str) -> bool:
    return token[0].isdigit()


def is_cjk(token: str) -> bool:
    return bool(CJK_RE.match(token))


def is_latin_word(token: str) -> bool:
    return bool(LATIN_RE.match(token))
