"""The bilingual patient-word lexicon (data/lexicon.yaml), compiled for fast matching.

Every phrase is tokenised like a message, then stored as a token tuple; matching tries,
at each token, only the phrase lengths known to start with that token (longest first).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C loader when libyaml is present

from app.ctcae import get_term
from app.symptoms.parsing.text import is_latin_word, normalise, tokenise

LEXICON_FILE = Path(__file__).with_name("data") / "lexicon.yaml"
GRADED_MODIFIERS = ("severity", "frequency", "interference")
PLAIN_MODIFIERS = {
    "negation_pre": "negation_pre", "negation_next": "negation_next", "negation_post": "negation_post",
    "at_rest": "at_rest", "clause_break": "clause_break", "count_unit": "count_unit",
    "stool_cue": "stool_cue", "temperature_unit_c": "temp_c", "temperature_unit_f": "temp_f",
    "temperature_unit_any": "temp_any",
    "score_unit": "score_unit", "measure_cue": "measure_cue", "usual_cue": "usual_cue",
    "not_symptom": "not_symptom", "duration_unit": "duration_unit", "hypothetical": "hypothetical",
}
FUZZY_MIN_LENGTH = 4


@dataclass(frozen=True)
class Entry:
    """What a phrase means: a symptom (terms + optional red flag) or a modifier kind/value."""

    kind: str
    terms: tuple[str, ...] = ()
    value: int | None = None
    flag: str | None = None
    tag: str | None = None  # site or quality name for site_patterns
    window: int | None = None  # site_patterns: most tokens between site and quality, when not the default


@dataclass(frozen=True)
class Lexicon:
    """Compiled lexicon: token-tuple phrases, lengths by first token, fuzzy vocabulary."""

    phrases: Mapping[tuple[str, ...], Entry]
    lengths_by_first: Mapping[str, tuple[int, ...]]
    fuzzy_vocabulary: Mapping[str, Entry]
    known_words: frozenset[str]
    site_rules: Mapping[tuple[str, str], Entry]
    subsumed_by: Mapping[str, str] = field(default_factory=dict)


def _phrase_entries(raw: dict):
    """Yield (phrase text, Entry) for every phrase in the YAML document."""
    for term, langs in raw["symptoms"].items():
        for phrase in _all_langs(langs):
            yield phrase, Entry("symptom", (term,))
    for group in raw["flagged"]:
        terms = (group["term"], *group.get("also", ()))
        for phrase in _all_langs(group):
            yield phrase, Entry("symptom", terms, flag=group["flag"])
    modifiers = raw["modifiers"]
    for kind in GRADED_MODIFIERS:
        for value, langs in modifiers[kind].items():
            for phrase in _all_langs(langs):
                yield phrase, Entry(kind, value=int(value))
    for key, kind in PLAIN_MODIFIERS.items():
        for phrase in _all_langs(modifiers[key]):
            yield phrase, Entry(kind)
    for term, langs in modifiers["body_part"].items():
        for phrase in _all_langs(langs):
            yield phrase, Entry("body_part", (term,), flag=langs.get("flag"))
    for term, langs in raw.get("when_negated", {}).items():
        for phrase in _all_langs(langs):
            yield phrase, Entry("when_negated", (term,))


def _all_langs(langs: dict) -> list[str]:
    phrases = [*langs.get("en", ()), *langs.get("zh", ()), *langs.get("emoji", ())]
    odd = [p for p in phrases if not isinstance(p, str)]
    if odd:  # YAML 1.1 reads bare no/yes/on/off as booleans: quote them in the file
        raise ValueError(f"lexicon phrases must be strings, got {odd}")
    return phrases


def _add_site_words(phrases: dict, patterns: dict) -> None:
    """Tag site words (reusing body-part / stool entries) and add quality words."""
    for site, langs in patterns["sites"].items():
        for text in _all_langs(langs):
            key = tuple(tokenise(normalise(text)))
            current = phrases.get(key)
            if current is not None and current.kind not in ("body_part", "stool_cue", "symptom", "when_negated"):
                raise ValueError(f"site word {text!r} already means {current.kind}")
            phrases[key] = replace(current, tag=site) if current else Entry("site", tag=site)
    for quality, langs in patterns["qualities"].items():
        for text in _all_langs(langs):
            key = tuple(tokenise(normalise(text)))
            if key in phrases:
                raise ValueError(f"quality word {text!r} already has a meaning")
            phrases[key] = Entry("quality", tag=quality)


def _site_rules(patterns: dict) -> dict[tuple[str, str], Entry]:
    # A rule's quality may be a symptom said near the site ("soles peeling": Dry skin at the soles).
    return {(r["site"], r["quality"] if "quality" in r else f"term:{r['symptom']}"): _rule_entry(r)
            for r in patterns["rules"]}


def _rule_entry(rule: dict) -> Entry:
    if rule["term"] == "none":  # the symptom word at this site is no symptom ("嗓子有点痒")
        return Entry("cancel", (rule["symptom"],), window=rule.get("window"))
    return Entry("symptom", (rule["term"],), flag=rule.get("flag"), window=rule.get("window"))


def _check_terms(phrases: dict) -> None:
    unknown = {t for entry in phrases.values() for t in entry.terms if get_term(t) is None}
    if unknown:
        raise ValueError(f"lexicon names terms missing from app/ctcae: {sorted(unknown)}")


def _compile(raw: dict) -> Lexicon:
    phrases: dict[tuple[str, ...], Entry] = {}
    duplicates = []
    for text, entry in _phrase_entries(raw):
        key = tuple(tokenise(normalise(str(text))))
        if key in phrases and phrases[key] != entry:
            duplicates.append(text)
        phrases.setdefault(key, entry)
    if duplicates:
        raise ValueError(f"lexicon phrases with two meanings: {duplicates}")
    _add_site_words(phrases, raw["site_patterns"])
    site_rules = _site_rules(raw["site_patterns"])
    _check_terms({**phrases, **{k: v for k, v in enumerate(site_rules.values())}})
    subsumed = raw.get("subsumed_by", {})
    _check_terms({term: Entry("symptom", (term, wider)) for term, wider in subsumed.items()})
    lengths: dict[str, set[int]] = {}
    for key in phrases:
        lengths.setdefault(key[0], set()).add(len(key))
    fuzzy = {key[0]: entry for key, entry in phrases.items()
             if len(key) == 1 and is_latin_word(key[0]) and len(key[0]) >= FUZZY_MIN_LENGTH
             and entry.kind in ("symptom", "body_part", *GRADED_MODIFIERS)}
    known = frozenset(_all_langs(raw["modifiers"]["known_words"])) | {w for key in phrases for w in key}
    # Plain dicts on the hot path (a mappingproxy lookup is ~2x slower); treat them as read-only.
    return Lexicon(
        phrases=phrases,
        lengths_by_first={k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
        fuzzy_vocabulary=MappingProxyType(fuzzy),
        known_words=known,
        site_rules=MappingProxyType(site_rules),
        subsumed_by=MappingProxyType(dict(raw.get("subsumed_by", {}))),
    )


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The compiled lexicon at `path` (the shipped one by default); read once per path."""
    return _compile(yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YAML_LOADER))
