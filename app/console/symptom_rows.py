"""The bedside symptom form's rows ⇄ the API's tablet items (SymptomReportCreateSchema).

A row is the strings a person typed (`items-<n>-<field>` in the form); an item is what the
API takes. Numbers go to the schema as numbers (its integer fields are strict), anything else
as typed, so the schema's own messages come back; they are put beside the row that caused them.
"""
from collections.abc import Mapping

ROW_FIELDS = ("ctcae_term", "patient_grade", "severity", "frequency", "interference", "value", "unit", "red_flags")
INTEGER_FIELDS = ("patient_grade", "severity", "frequency", "interference")
BLANK_ROWS = 2


def rows_from_form(form: Mapping) -> list[dict]:
    """The posted rows in order, each {field: typed string}."""
    indexes = sorted({int(key.split("-")[1]) for key in form if key.startswith("items-")
                      and key.count("-") == 2 and key.split("-")[1].isdigit()})
    return [{name: form.get(f"items-{i}-{name}", "").strip() for name in ROW_FIELDS} for i in indexes]


def row_from_item(item: Mapping) -> dict:
    """A parsed item (symptoms.tablet.items_from_text) as a row of strings."""
    def text(value):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return ",".join(value) if isinstance(value, list | tuple) else str(value)

    return {name: text(item.get(name)) for name in ROW_FIELDS}


def with_blank_rows(rows: list[dict], count: int = BLANK_ROWS) -> list[dict]:
    """`rows` without empty ones, then `count` empty rows to fill in."""
    kept = [row for row in rows if any(row.values())]
    return kept + [dict.fromkeys(ROW_FIELDS, "") for _ in range(count)]


def items_from_rows(rows: list[dict]) -> tuple[list[dict], list[int]]:
    """(items, row index of each item) for the rows that name a term; blank fields left out."""
    items, where = [], []
    for index, row in enumerate(rows):
        if not row.get("ctcae_term"):
            continue
        items.append({name: _value(name, text) for name, text in row.items() if text})
        where.append(index)
    return items, where


def _value(name: str, text: str):
    if name == "red_flags":
        return [flag.strip() for flag in text.split(",") if flag.strip()]
    if name in INTEGER_FIELDS and text.lstrip("-").isdigit():
        return int(text)
    return text


def row_errors(errors: Mapping, where: list[int]) -> dict:
    """{"items": {"0": {"patient_grade": [...]}}} → {"items-<row>-patient_grade": [...]}; other
    keys kept (a message for the whole list stays under "items")."""
    flat = {key: value for key, value in errors.items() if key != "items"}
    nested = errors.get("items")
    if isinstance(nested, Mapping):
        for index, fields in nested.items():
            row = where[int(index)] if str(index).isdigit() and int(index) < len(where) else 0
            for name, messages in (fields.items() if isinstance(fields, Mapping) else [("ctcae_term", fields)]):
                flat[f"items-{row}-{name}"] = messages if isinstance(messages, list) else [str(messages)]
    elif nested:
        flat["items"] = nested
    return flat
