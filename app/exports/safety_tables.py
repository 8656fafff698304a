"""Report-ready safety tables: SOC and term rows × grade columns, n (%) of the treated (pure).

One table per category — all AEs, TEAEs, TRAEs (any study treatment, then per cause: HAIC
chemotherapy, sintilimab, catheter/procedure), irAEs and SAEs. A patient counts once per
row, at the worst grade of that row's events by the cutoff (CTCAE v5.0; the same rule and
population as GET /reports/safety, whose `counted_events` this reuses). Terms are listed
under their SOC; SOCs and terms by descending frequency, then alphabetically.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from app.adverse_events import flags
from app.adverse_events.safety_report import counted_events, proportion

GRADES = (1, 2, 3, 4, 5)
CAUSE_NAMES = {"haic": "HAIC chemotherapy", "sintilimab": "sintilimab", "procedure": "catheter/procedure"}


@dataclass(frozen=True)
class Row:
    soc: str
    term: str | None  # None: the SOC's own row
    by_grade: dict  # grade -> {"n", "pct"} (patients whose worst grade in the row is that grade)
    any_grade: dict
    grade_3_plus: dict


@dataclass(frozen=True)
class Table:
    name: str  # sheet name
    title: str
    population: str
    n: int
    rows: list[Row]


def _selectors():
    """(sheet name, title, predicate on (EventFacts, CountedEvent))."""
    chosen = [("AE", "All adverse events", lambda e, c: True),
              ("TEAE", "Treatment-emergent adverse events", lambda e, c: "teae" in c.categories),
              ("TRAE", "Treatment-related adverse events (any study treatment)", lambda e, c: "trae" in c.categories)]
    for cause, label in CAUSE_NAMES.items():
        chosen.append((f"TRAE-{cause}", f"TEAEs related to {label}",
                       lambda e, c, cause=cause: "teae" in c.categories and e.attribution.get(cause) in flags.RELATED))
    chosen += [("irAE", "Immune-related adverse events", lambda e, c: "irae" in c.categories),
               ("SAE", "Serious adverse events", lambda e, c: "sae" in c.categories)]
    return chosen


def safety_tables(events, first_doses: dict, cutoff) -> list[Table]:
    """Every table at `cutoff`; `events` are EventFacts, `first_doses` patient id → first dose."""
    events = list(events)
    n = sum(1 for d in first_doses.values() if d is not None and d <= cutoff)
    pairs = _pairs(events, first_doses, cutoff)
    population = f"Treated population (received ≥ 1 dose by {cutoff.isoformat()}), N = {n}"
    return [Table(name, title, population, n, _rows([c for e, c in pairs if keep(e, c)], n))
            for name, title, keep in _selectors()]


def _pairs(events, first_doses, cutoff):
    """(EventFacts, CountedEvent) for each event that counts at the cutoff (the report's rule)."""
    return [(event, counted) for event in events for counted in counted_events([event], first_doses, cutoff)]


def _worst(counted, key) -> dict:
    table = defaultdict(dict)
    for c in counted:
        row = table[key(c)]
        row[c.patient_id] = max(c.worst, row.get(c.patient_id, 0))
    return table


def _row(soc, term, worst: dict, n: int) -> Row:
    return Row(soc, term, {g: proportion(sum(1 for w in worst.values() if w == g), n) for g in GRADES},
               proportion(len(worst), n), proportion(sum(1 for w in worst.values() if w >= 3), n))


def _rows(counted, n) -> list[Row]:
    by_soc = _worst(counted, lambda c: c.soc)
    by_term = _worst(counted, lambda c: (c.soc, c.ctcae_term))
    order = lambda item: (-len(item[1]), -sum(1 for w in item[1].values() if w >= 3), item[0])  # noqa: E731
    rows = []
    for soc, worst in sorted(by_soc.items(), key=order):
        rows.append(_row(soc, None, worst, n))
        terms = [((s, t), w) for (s, t), w in by_term.items() if s == soc]
        rows += [_row(soc, term, w, n) for (_, term), w in sorted(terms, key=lambda i: (*order(i)[:2], i[0][1]))]
    return rows


def cell(value: dict) -> str:
    """n (%) as printed in the tables: "3 (12.0)"; "0" when nobody."""
    return "0" if not value["n"] else f"{value['n']} ({value['pct']:.1f})"


HEADER = ("System organ class / CTCAE term", *(f"Grade {g}" for g in GRADES), "Any grade", "Grade ≥ 3")


def table_lines(table: Table) -> list[tuple]:
    """The table as printed: title, population, header, then SOC rows and indented term rows."""
    lines = [(table.title,), (table.population,), HEADER]
    for row in table.rows:
        label = row.soc if row.term is None else f"    {row.term}"
        lines.append((label, *(cell(row.by_grade[g]) for g in GRADES), cell(row.any_grade), cell(row.grade_3_plus)))
    if not table.rows:
        lines.append(("No events",))
    return lines


def tables_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table (openpyxl); SOC rows bold, numbers as text "n (%)"."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        for line in table_lines(table):
            sheet.append(list(line))
        for index, row in enumerate(table.rows, start=4):
            if row.term is None:
                sheet.cell(row=index, column=1).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tables_csv(tables: list[Table]) -> bytes:
    """All tables in one CSV (UTF-8 with BOM), a blank line between tables."""
    import csv
    import io

    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in tables:
        writer.writerows(table_lines(table))
        writer.writerow(())
    return buffer.getvalue().encode("utf-8")
