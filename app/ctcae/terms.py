"""The curated CTCAE v5.0 subset used by HAIC-Track (data in data/terms_v5.yaml).

Lookups are by exact name (case-insensitive), synonym, Chinese name, prefix or
fuzzy English match. The data is read once, lazily, and never mutated.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C loader when libyaml is present
from rapidfuzz import fuzz, process

from app.ctcae.record import CTCAE_VERSION, TermRecord

DATA_FILE = Path(__file__).with_name("data") / "terms_v5.yaml"
CTCAE_SOURCE = (
    "NCI CTEP, Common Terminology Criteria for Adverse Events (CTCAE) v5.0, "
    "27 Nov 2017, CTCAE_v5.0_2017-11-27.xlsx, sheet 'CTCAE v5.0 Clean Copy'"
)
FUZZY_CUTOFF = 80


def _record_from_yaml(entry: dict) -> TermRecord:
    return TermRecord(
        term=entry["term"],
        meddra_code=entry["meddra_code"],
        soc=entry["soc"],
        grades={int(g): text or "" for g, text in entry["grades"].items()},
        synonyms_en=tuple(entry.get("synonyms_en", ())),
        names_zh=tuple(entry.get("names_zh", ())),
        lay_en=entry.get("lay_en"),
        lay_zh=entry.get("lay_zh"),
    )


@lru_cache(maxsize=1)
def _catalogue() -> tuple[TermRecord, ...]:
    document = yaml.load(DATA_FILE.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    if str(document["version"]) != CTCAE_VERSION:
        raise ValueError(f"{DATA_FILE} is CTCAE {document['version']}, expected {CTCAE_VERSION}")
    return tuple(_record_from_yaml(entry) for entry in document["terms"])


@lru_cache(maxsize=1)
def _names_index() -> dict[str, TermRecord]:
    """Every name a term is known by (term, synonyms, Chinese) -> record, lower-cased."""
    index: dict[str, TermRecord] = {}
    for record in _catalogue():
        for name in (record.term, *record.synonyms_en, *record.names_zh):
            index.setdefault(name.lower(), record)
    return index


def all_terms() -> tuple[TermRecord, ...]:
    """All curated terms, alphabetical by term name."""
    return _catalogue()


def get_term(name: str) -> TermRecord | None:
    """The term whose official name, English synonym or Chinese name is `name` (any case)."""
    return _names_index().get(name.strip().lower())


def grade_exists(term: str, grade: int) -> bool:
    """True when CTCAE v5.0 defines `grade` for `term`; False for unknown terms too."""
    record = get_term(term)
    return record is not None and grade in record.grades


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _prefix_matches(query: str, names: dict[str, TermRecord]) -> list[TermRecord]:
    found = [record for name, record in names.items() if name.startswith(query)]
    found += [record for name, record in names.items() if query in name and not name.startswith(query)]
    return found


def _fuzzy_matches(query: str, names: dict[str, TermRecord], limit: int) -> list[TermRecord]:
    hits = process.extract(query, list(names), scorer=fuzz.WRatio, limit=limit * 3,
                           score_cutoff=FUZZY_CUTOFF)
    return [names[name] for name, _score, _index in hits]


def _unique(records: list[TermRecord], limit: int) -> tuple[TermRecord, ...]:
    seen: dict[str, TermRecord] = {}
    for record in records:
        seen.setdefault(record.term, record)
    return tuple(seen.values())[:limit]


def find_terms(query: str, lang: str = "en", limit: int = 10) -> tuple[TermRecord, ...]:
    """Terms matching `query`: exact name, then prefix/substring, then (English only) fuzzy.

    `lang` is "en" or "zh"; a query containing Chinese characters is searched as
    Chinese whatever `lang` says. Results are unique by term, best first.
    """
    text = query.strip().lower()
    if not text:
        return ()
    names = _names_index()
    exact = [names[text]] if text in names else []
    found = exact + _prefix_matches(text, names)
    chinese = lang == "zh" or _is_chinese(text)
    if not chinese and len(found) < limit:
        found += _fuzzy_matches(text, names, limit)
    return _unique(found, limit)
