"""CTCAE v5.0 reference data: a curated, cited term subset and the official-table reader."""

from app.ctcae.terms import (
    CTCAE_SOURCE,
    CTCAE_VERSION,
    TermRecord,
    all_terms,
    find_terms,
    get_term,
    grade_exists,
)
from app.ctcae.official import load_official_table

__all__ = [
    "CTCAE_SOURCE",
    "CTCAE_VERSION",
    "TermRecord",
    "all_terms",
    "find_terms",
    "get_term",
    "grade_exists",
    "load_official_table",
]
