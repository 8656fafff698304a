"""Read the official CTCAE v5.0 table (CSV export or NCI's xlsx) into TermRecords.

The CSV has the columns of /work/shared/data/ctcae_v5.csv:
meddra_code, soc, term, grade_1..grade_5, definition, navigational_note.
The xlsx is NCI's CTCAE_v5.0_2017-11-27.xlsx, sheet "CTCAE v5.0 Clean Copy".
A grade cell that is empty or a single dash means the grade does not exist.
"""

from __future__ import annotations

import csv
from pathlib import Path

from app.ctcae.record import TermRecord

XLSX_SHEET = "CTCAE v5.0 Clean Copy"
# Header names in NCI's workbook (after whitespace normalisation) -> our CSV column names.
XLSX_HEADERS = {
    "meddra code": "meddra_code",
    "meddra soc": "soc",
    "ctcae term": "term",
    "grade 1": "grade_1",
    "grade 2": "grade_2",
    "grade 3": "grade_3",
    "grade 4": "grade_4",
    "grade 5": "grade_5",
    "definition": "definition",
}


def _clean(value) -> str:
    """Normalise a cell: NBSP -> space, strip, a lone dash -> empty (grade not offered)."""
    text = "" if value is None else str(value).replace("\u00a0", " ").strip()
    return "" if text == "-" else text


def _record_from_row(row: dict) -> TermRecord:
    code = _clean(row["meddra_code"])
    grades = {g: _clean(row.get(f"grade_{g}")) for g in range(1, 6)}
    return TermRecord(
        term=_clean(row["term"]),
        meddra_code=code.split(".")[0].zfill(8),
        soc=_clean(row["soc"]),
        grades={g: text for g, text in grades.items() if text},
        definition=_clean(row.get("definition")),
    )


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _header_key(cell) -> str:
    return " ".join(_clean(cell).lower().split())


def _read_xlsx(path: Path) -> list[dict]:
    from openpyxl import load_workbook  # only needed for the NCI workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = workbook[XLSX_SHEET].iter_rows(values_only=True)
    header = [XLSX_HEADERS.get(_header_key(cell)) for cell in next(rows)]
    records = [{key: value for key, value in zip(header, row) if key} for row in rows]
    workbook.close()
    return [row for row in records if _clean(row.get("term"))]


def load_official_table(path: str | Path) -> tuple[TermRecord, ...]:
    """Every term of the official table at `path` (.csv or .xlsx), in file order."""
    path = Path(path)
    reader = _read_xlsx if path.suffix.lower() in {".xlsx", ".xlsm"} else _read_csv
    return tuple(_record_from_row(row) for row in reader(path))
