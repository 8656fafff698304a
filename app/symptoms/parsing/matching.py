"""Phrase matching over tokens: greedy longest match, then fuzzy English for leftovers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from app.symptoms.parsing.lexicon import Entry, Lexicon
from app.symptoms.parsing.text import is_latin_word

FUZZY_SCORE_CUTOFF = 84
BREAK_PUNCTUATION = frozenset(".,;!?。，；！？\n()（）")


@dataclass(frozen=True)
class Event:
    """A phrase found at tokens[start:end], in clause `clause`."""

    start: int
    end: int
    entry: Entry
    clause: int = 0
    fuzzy: bool = False


def match_phrases(tokens: list[str], lexicon: Lexicon) -> list[Event]:
    """Non-overlapping phrase events, left to right, longest phrase first at each token."""
    events, i, n = [], 0, len(tokens)
    phrases, lengths = lexicon.phrases, lexicon.lengths_by_first
    while i < n:
        for length in lengths.get(tokens[i], ()):
            entry = phrases.get(tuple(tokens[i:i + length])) if i + length <= n else None
            if entry is not None:
                events.append(Event(i, i + length, entry))
                i += length
                break
        else:
            i += 1
    return events


@lru_cache(maxsize=4096)
def _fuzzy_word(word: str, choices: tuple[str, ...]) -> str | None:
    hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE_CUTOFF)
    return hit[0] if hit else None


def fuzzy_events(tokens: list[str], events: list[Event], lexicon: Lexicon) -> list[Event]:
    """Events for misspelt English words that no phrase covered (e.g. "diarhoea", "vomitting")."""
    covered = {i for event in events for i in range(event.start, event.end)}
    choices = tuple(lexicon.fuzzy_vocabulary)
    found = []
    for i, token in enumerate(tokens):
        if i in covered or len(token) < 4 or token in lexicon.known_words or not is_latin_word(token):
            continue
        word = _fuzzy_word(token, choices)
        if word is not None:
            found.append(Event(i, i + 1, lexicon.fuzzy_vocabulary[word], fuzzy=True))
    return found


def assign_clauses(tokens: list[str], events: list[Event]) -> tuple[list[Event], list[int]]:
    """Events sorted by position, each tagged with its clause number, and each token's clause.

    Punctuation and clause-break words ("but", "但是") end a clause; negation and
    modifiers do not reach across clauses.
    """
    events = sorted(events, key=lambda e: e.start)
    starts = {event.start: event for event in events}
    clause_of_token, clause = [], 0
    for i, token in enumerate(tokens):
        event = starts.get(i)
        if token in BREAK_PUNCTUATION or (event is not None and event.entry.kind == "clause_break"):
            clause += 1
        clause_of_token.append(clause)
    tagged = [Event(e.start, e.end, e.entry, clause_of_token[e.start], e.fuzzy) for e in events]
    return tagged, clause_of_token
