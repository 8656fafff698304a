"""The official grade definitions of CTCAE terms, where `flask ctcae import` loaded them.

The shipped facts (facts.py) know which grades a term has but carry no texts; the texts
come only from NCI's table imported into `ctcae_terms`. A term not imported has no entry
here, and a client says so rather than inventing one. Read-only.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import CtcaeTerm


@dataclass(frozen=True)
class GradeDefinitions:
    """NCI's definition of `term` and its text per grade (grades the term lacks are absent)."""

    term: str
    definition: str
    grades: dict[int, str]
    ctcae_version: str
    source: str


def grade_definitions(terms: Iterable[str]) -> dict[str, GradeDefinitions]:
    """term → its imported definitions, for those of `terms` in the imported table (one query)."""
    names = sorted(set(terms))
    if not names:
        return {}
    rows = db.session.scalars(select(CtcaeTerm).where(CtcaeTerm.term.in_(names)))
    return {row.term: _definitions(row) for row in rows}


def _definitions(row: CtcaeTerm) -> GradeDefinitions:
    grades = {int(grade): text for grade, text in (row.grades or {}).items() if (text or "").strip()}
    return GradeDefinitions(row.term, row.definition or "", dict(sorted(grades.items())), row.ctcae_version,
                            row.source)
