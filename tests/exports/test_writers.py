"""Writers: CSV with BOM, XPT that re-reads, Dataset-JSON valid against CDISC's schema (pure)."""
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from app.exports.datasets import CHAR, DATE, NUM, Dataset, Variable
from app.exports.writers import codebook_csv, dataset_csv, dataset_json, dataset_xpt

SCHEMA = Path(__file__).with_name("schema") / "dataset.schema.json"
DATASET = Dataset("AE", "Adverse Events", (
    Variable("USUBJID", "Unique Subject Identifier"), Variable("AESEQ", "Sequence Number", NUM, integer=True),
    Variable("AETERM", "Reported Term for the Adverse Event"), Variable("AESTDT", "Start Date", DATE),
    Variable("AVAL", "Value", NUM, "days")),
    rows=[{"USUBJID": "S-1", "AESEQ": 3, "AETERM": "恶心，吃不下饭", "AESTDT": date(2025, 1, 9), "AVAL": 12.5},
          {"USUBJID": "S-2", "AESEQ": 7, "AETERM": "Fatigue", "AESTDT": None, "AVAL": None}],
    keys=("USUBJID", "AESEQ"))


def test_csv_has_a_bom_and_keeps_chinese_text():
    data = dataset_csv(DATASET)
    assert data.startswith("\ufeff".encode("utf-8"))
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "USUBJID,AESEQ,AETERM,AESTDT,AVAL"
    assert "恶心，吃不下饭" in text and "2025-01-09" in text and "S-2,7,Fatigue,," in text


def test_codebook_lists_every_variable_with_label_and_unit():
    rows = codebook_csv([DATASET]).decode("utf-8-sig").splitlines()
    assert rows[0] == "dataset,dataset_label,variable,label,type,unit"
    assert "AE,Adverse Events,AVAL,Value,Num,days" in rows and len(rows) == 6


def test_xpt_reads_back_with_the_same_values(tmp_path):
    import pyreadstat

    path = tmp_path / "ae.xpt"
    path.write_bytes(dataset_xpt(DATASET))
    frame, meta = pyreadstat.read_xport(str(path))
    assert list(frame.columns) == DATASET.names
    assert meta.column_labels[2] == "Reported Term for the Adverse Event"
    assert frame["USUBJID"].tolist() == ["S-1", "S-2"]
    assert frame["AESEQ"].tolist() == [3.0, 7.0]
    assert frame["AETERM"].tolist() == ["???????", "Fatigue"]  # V5 is ASCII only: the manifest says so
    assert frame["AESTDT"].iloc[0] == date(2025, 1, 9)
    assert frame["AVAL"].iloc[0] == 12.5 and frame["AVAL"].isna().iloc[1]


@pytest.fixture(scope="module")
def validator():
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft201909Validator(schema)


def test_dataset_json_validates_against_the_cdisc_schema(validator):
    document = dataset_json(DATASET, study_oid="NCT06184841", created_at=datetime(2026, 3, 2, tzinfo=timezone.utc),
                            software_version="1.0", data_cutoff=date(2026, 3, 1))
    errors = sorted(validator.iter_errors(json.loads(json.dumps(document))), key=str)
    assert not errors, errors
    assert document["records"] == 2 and document["rows"][0] == ["S-1", 3, "恶心，吃不下饭", "2025-01-09", 12.5]
    assert [c.get("keySequence") for c in document["columns"]] == [1, 2, None, None, None]
    assert [c["dataType"] for c in document["columns"]] == ["string", "integer", "string", "date", "double"]


def test_the_schema_rejects_a_broken_document(validator):
    """The schema check can fail: a document without columns is refused."""
    document = dataset_json(DATASET, study_oid="X", created_at=datetime(2026, 3, 2, tzinfo=timezone.utc),
                            software_version="1.0")
    del document["columns"]
    assert list(validator.iter_errors(document))


def test_variables_follow_sas_v5_limits():
    with pytest.raises(ValueError):
        Variable("TOOLONGNAME", "x")
    with pytest.raises(ValueError):
        Variable("X", "y" * 41)
    with pytest.raises(KeyError):
        DATASET.values({"NOPE": 1})
