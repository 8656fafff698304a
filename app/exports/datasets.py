"""A dataset as the exports write it: variables with CDISC metadata, rows as plain dicts (pure).

One `Dataset` feeds every writer (CSV with codebook, SAS XPT v5, CDISC Dataset-JSON 1.1), so
the variable names, labels, types and order are declared once. Names follow SDTMIG 3.4 and
ADaMIG 1.3 (USUBJID, AETOXGR, PARAMCD, CNSR ...); labels are at most 40 characters (the
SAS V5 transport limit); dates are `datetime.date` values written as ISO 8601.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

CHAR, NUM, DATE = "Char", "Num", "Date"


@dataclass(frozen=True)
class Variable:
    """One column: CDISC name (≤ 8 chars, upper case), label (≤ 40 chars), type, unit."""

    name: str
    label: str
    type: str = CHAR  # Char | Num | Date (ISO 8601 text in CSV/JSON, SAS date in XPT)
    unit: str | None = None
    integer: bool = False  # Num holding whole numbers (Dataset-JSON "integer")

    def __post_init__(self):
        if len(self.name) > 8 or not self.name.isalnum() or self.name != self.name.upper():
            raise ValueError(f"CDISC variable names are ≤ 8 upper-case characters: {self.name!r}")
        if len(self.label) > 40:
            raise ValueError(f"labels are ≤ 40 characters (SAS V5): {self.name} {self.label!r}")


@dataclass(frozen=True)
class Dataset:
    """A domain or analysis dataset: `rows` are dicts keyed by variable name (missing = null)."""

    name: str
    label: str
    variables: tuple[Variable, ...]
    rows: list[dict] = field(default_factory=list)
    keys: tuple[str, ...] = ("USUBJID",)
    cls: str = "SDTM"  # SDTM | ADaM | SUPP

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def values(self, row: dict) -> list:
        """The row's values in variable order; unknown keys in `row` are a programming error."""
        extra = set(row) - set(self.names)
        if extra:
            raise KeyError(f"{self.name}: values for undeclared variables {sorted(extra)}")
        return [row.get(name) for name in self.names]


def iso(value) -> str | None:
    """ISO 8601 text of a date or datetime (CDISC --DTC), None for a missing value."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def seq(source_id: int, offset: int = 0) -> int:
    """A `--SEQ` that never changes across exports: the source record's own id (plus a fixed
    offset where one domain draws on two tables). SDTMIG asks only that it be unique within
    USUBJID; export order, new records and retractions never renumber a record."""
    return offset + int(source_id)
