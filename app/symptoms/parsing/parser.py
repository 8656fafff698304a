"""Parse a patient's SMS into CTCAE-coded symptom mentions (pure, no I/O after first load).

    >>> parse_message("不发烧，有点恶心，拉了6次").items   # doctest: +SKIP

Steps: normalise → tokenise → longest-match lexicon phrases → fuzzy English leftovers →
clauses → numbers → attach negation, severity/frequency/interference, values, red flags.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.symptoms.parsing.assembly import assemble_mentions
from app.symptoms.parsing.mention import ParsedSymptom, freeze
from app.symptoms.parsing.lexicon import Lexicon, load_lexicon
from app.symptoms.parsing.matching import Event, assign_clauses, fuzzy_events, match_phrases
from app.symptoms.parsing.readings import find_readings
from app.symptoms.parsing.text import is_cjk, is_latin_word, is_number, normalise, tokenise

# A 0-4 answer written as a word ("three", "三").
SCALE_WORDS = {"zero": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4,
               "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
UNIT_KINDS = frozenset({"temp_c", "temp_f", "temp_any", "count_unit", "score_unit"})
# Latin-letter words Chinese texts use too: they say nothing about the language written in.
SHARED_WORDS = frozenset({"ok", "okay", "ct", "mri", "pet", "hi", "bye", "thx", "x", "y", "n", "ps", "bp"})


@dataclass(frozen=True)
class ParseResult:
    """Everything understood in one message.

    language: "zh" or "en", the language the patient wrote in (a text in both goes to the one
        with more text, Chinese characters counted against English words, ties to "zh";
        "ok", "CT" and the like count for neither), or None when the text has no words (a
        number, emoji); replies follow it, else the enrolled language (issue 11, item 14).
    mixed: the text holds both Chinese and English words.
    bare_number / bare_value: the message is only a number (an answer to a question).
    bare_severity / bare_frequency: a scale word with no symptom ("mild", "偶尔").
    unknown_words: English words neither matched nor known (for review of the lexicon).
    """

    items: tuple[ParsedSymptom, ...]
    language: str | None
    bare_number: int | None = None
    bare_value: float | None = None
    bare_severity: int | None = None
    bare_frequency: int | None = None
    unknown_words: tuple[str, ...] = ()
    mixed: bool = False

    def reply_language(self, enrolled: str | None) -> str | None:
        """The language to answer in: the one the text was written in, else the enrolled one."""
        return self.language or enrolled

    @property
    def understood(self) -> bool:
        """True when the message holds a symptom or an answer we can use."""
        answers = (self.bare_value, self.bare_severity, self.bare_frequency)
        return bool(self.items) or any(a is not None for a in answers)


def _script_counts(tokens: list[str], events: list[Event]) -> tuple[int, int, int]:
    """(Chinese characters, English words, English words other than SHARED_WORDS); unit words
    such as "c" or "degrees" are not counted."""
    unit_tokens = {i for e in events if e.entry.kind in UNIT_KINDS for i in range(e.start, e.end)}
    zh = sum(1 for t in tokens if is_cjk(t))
    latin = [t for i, t in enumerate(tokens) if i not in unit_tokens and is_latin_word(t)]
    return zh, len(latin), sum(1 for t in latin if t not in SHARED_WORDS)


def _language(zh: int, en: int) -> str | None:
    if not zh and not en:
        return None
    return "zh" if zh >= en else "en"


def _bare_number(tokens: list[str]) -> tuple[int | None, float | None]:
    words = [t for t in tokens if t not in ".,!?。，！？"]
    if len(words) != 1 or not (is_number(words[0]) or words[0] in SCALE_WORDS):
        return None, None
    value = float(SCALE_WORDS.get(words[0], words[0]))
    return (int(value) if value.is_integer() else None), value


def _bare_scale(events: list[Event], kind: str) -> int | None:
    values = [e.entry.value for e in events if e.entry.kind == kind]
    return max(values) if values else None


def _unknown_words(tokens: list[str], events: list[Event], lexicon: Lexicon) -> tuple[str, ...]:
    covered = {i for e in events for i in range(e.start, e.end)}
    return tuple(t for i, t in enumerate(tokens)
                 if i not in covered and is_latin_word(t) and t not in lexicon.known_words)


def parse_message(text: str, lexicon: Lexicon | None = None) -> ParseResult:
    """Symptoms, negations, scales, values and red flags in one patient message."""
    lexicon = lexicon or load_lexicon()
    tokens = tokenise(normalise(text))
    events = match_phrases(tokens, lexicon)
    events, clause_of_token = assign_clauses(tokens, events + fuzzy_events(tokens, events, lexicon))
    readings = find_readings(tokens, {e.start: e for e in events})
    mentions = assemble_mentions(tokens, events, readings, clause_of_token, lexicon.site_rules,
                                 lexicon.subsumed_by)
    bare_number, bare_value = _bare_number(tokens)
    no_items = not mentions
    zh, en, english_only = _script_counts(tokens, events)
    return ParseResult(
        items=tuple(freeze(m) for m in mentions),
        language=_language(zh, english_only),
        mixed=bool(zh and en),
        bare_number=bare_number,
        bare_value=bare_value,
        bare_severity=_bare_scale(events, "severity") if no_items else None,
        bare_frequency=_bare_scale(events, "frequency") if no_items else None,
        unknown_words=_unknown_words(tokens, events, lexicon),
    )


__all__ = ["ParseResult", "ParsedSymptom", "parse_message"]
