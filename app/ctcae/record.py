"""The term record shared by the curated subset and the official-table reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

CTCAE_VERSION = "5.0"


@dataclass(frozen=True)
class TermRecord:
    """One CTCAE term: name, MedDRA LLT code, SOC and the grades that exist (1..5).

    `grades` maps each existing grade to a short text (empty when we keep none);
    a grade missing from it does not exist for the term.
    """

    term: str
    meddra_code: str
    soc: str
    grades: Mapping[int, str]
    synonyms_en: tuple[str, ...] = ()
    names_zh: tuple[str, ...] = ()
    lay_en: str | None = None
    lay_zh: str | None = None
    definition: str = ""
    ctcae_version: str = field(default=CTCAE_VERSION)

    def __post_init__(self):
        # Freeze the mapping so a shared record cannot be edited by a caller.
        object.__setattr__(self, "grades", MappingProxyType(dict(self.grades)))

    @property
    def existing_grades(self) -> tuple[int, ...]:
        """The grades defined for this term, ascending."""
        return tuple(sorted(self.grades))
