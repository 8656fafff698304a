"""The term catalogue the API uses: exact official names first, then curated synonyms.

All 837 official terms ship with the code (app/ctcae/facts.py: term, SOC, MedDRA code,
which grades exist), so every official term is accepted on a fresh install. An exact
official name always wins over a curated synonym ("Abdominal distension" is its own term,
not "Bloating"). The curated subset (app/ctcae/terms.py) adds synonyms, Chinese names and
lay names; the `ctcae_terms` table, filled by `flask ctcae import`, adds the grade
definition texts. Nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from app.common.audit import log_change
from app.ctcae import CTCAE_SOURCE, CTCAE_VERSION, TermRecord, find_terms, get_term, load_official_table
from app.ctcae.facts import TermFacts, all_facts, official_term
from app.extensions import db
from app.models import CtcaeTerm

OFFICIAL_TERM_COUNT = 837


@dataclass(frozen=True)
class CatalogueTerm:
    """A term as the API shows it, whichever source it came from."""

    term: str
    meddra_code: str
    soc: str
    grades: tuple[int, ...]
    names_zh: tuple[str, ...] = ()
    lay_en: str | None = None
    lay_zh: str | None = None
    source: str = "curated"
    ctcae_version: str = CTCAE_VERSION


def _from_record(record: TermRecord) -> CatalogueTerm:
    return CatalogueTerm(record.term, record.meddra_code, record.soc, record.existing_grades, record.names_zh,
                         record.lay_en, record.lay_zh)


def _from_row(row: CtcaeTerm) -> CatalogueTerm:
    return CatalogueTerm(row.term, row.meddra_code, row.soc, tuple(sorted(int(g) for g in row.grades)),
                         source="official", ctcae_version=row.ctcae_version)


def _from_facts(facts: TermFacts) -> CatalogueTerm:
    return CatalogueTerm(facts.term, facts.meddra_code, facts.soc, facts.grades, source="official")


def resolve_term(name: str) -> CatalogueTerm | None:
    """The term called `name`, or None: an exact official name (any case) first, then a
    curated synonym or Chinese name, then the imported table."""
    official = official_term(name)
    if official is not None:
        curated = get_term(official.term)
        if curated is not None and curated.term == official.term:
            return _from_record(curated)  # same term, with its Chinese and lay names
        return _from_facts(official)
    record = get_term(name)
    if record is not None:
        return _from_record(record)
    row = db.session.scalar(select(CtcaeTerm).where(func.lower(CtcaeTerm.term) == name.strip().lower()))
    return _from_row(row) if row is not None else None


def _official_matches(text: str, limit: int) -> list[CtcaeTerm]:
    lowered = func.lower(CtcaeTerm.term)
    prefix = db.session.scalars(select(CtcaeTerm).where(lowered.like(f"{text}%")).order_by(CtcaeTerm.term)
                                .limit(limit)).all()
    inner = db.session.scalars(select(CtcaeTerm).where(lowered.like(f"%{text}%"), ~lowered.like(f"{text}%"))
                               .order_by(CtcaeTerm.term).limit(limit)).all()
    return [*prefix, *inner]


def _escape_like(text: str) -> str:
    return text.replace("\\", "").replace("%", "").replace("_", "")


def _facts_matches(text: str, limit: int) -> list[TermFacts]:
    facts = all_facts()
    prefix = sorted((f for f in facts if f.term.lower().startswith(text)), key=lambda f: f.term)
    inner = sorted((f for f in facts if text in f.term.lower() and not f.term.lower().startswith(text)),
                   key=lambda f: f.term)
    return [*prefix, *inner][:2 * limit]


def search_terms(query: str, lang: str = "en", limit: int = 20) -> list[CatalogueTerm]:
    """An exact official name first, then curated hits (prefix, synonyms, Chinese, fuzzy),
    then official names (shipped facts, then the imported table)."""
    found: dict[str, CatalogueTerm] = {}
    exact = official_term(query)
    if exact is not None:
        found[exact.term] = resolve_term(exact.term)
    for t in find_terms(query, lang, limit):
        found.setdefault(t.term, _from_record(t))
    text = _escape_like(query.strip().lower())
    if text and len(found) < limit:
        for facts in _facts_matches(text, limit):
            found.setdefault(facts.term, _from_facts(facts))
    if text and len(found) < limit:
        for row in _official_matches(text, limit):
            found.setdefault(row.term, _from_row(row))
    return list(found.values())[:limit]


def _check_table(records: tuple[TermRecord, ...]) -> None:
    broken = [r.term or "(no name)" for r in records if not r.term or not r.meddra_code.strip("0") or not r.soc]
    if not records or broken:
        raise ValueError(f"not a CTCAE table: {len(records)} rows, incomplete rows: {broken[:5]}")


def import_official_table(actor, now: datetime, path: str | Path) -> dict:
    """Load (or refresh) every term of the official table at `path`; returns counts.

    Rows are matched by MedDRA code, so a re-import updates in place and never duplicates.
    """
    records = load_official_table(path)
    _check_table(records)
    existing = {row.meddra_code: row for row in db.session.scalars(select(CtcaeTerm))}
    added = 0
    for official in records:
        row = existing.get(official.meddra_code)
        if row is None:
            row = CtcaeTerm(meddra_code=official.meddra_code)
            db.session.add(row)
            added += 1
        row.term, row.soc, row.definition = official.term, official.soc, official.definition
        row.grades = {str(g): text for g, text in official.grades.items()}
        row.ctcae_version, row.source, row.imported_at = CTCAE_VERSION, CTCAE_SOURCE, now
    db.session.flush()
    counts = {"terms": len(records), "added": added, "updated": len(records) - added}
    log_change(actor, now, "ctcae_imported", "ctcae_terms", CTCAE_VERSION, after={"path": str(path), **counts})
    return counts
