"""Exports through the API: ADaM-like datasets equal the report, SDTM zips, FHIR, safety XLSX."""
import io
import json
import zipfile
from hashlib import sha256
from pathlib import Path

import pytest

SCHEMA = Path(__file__).with_name("schema") / "dataset.schema.json"


def test_adtte_gives_exactly_the_report_medians_and_cis(coordinator, trial):
    from app.efficacy.statistics import summarize_survival

    report = coordinator.get("/api/v1/reports/efficacy").get_json()
    response = coordinator.get("/api/v1/exports/adtte")
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    for paramcd, key in (("OS", "os"), ("PFS", "pfs"), ("DOR", "dor"), ("TTR", "ttr")):
        rows = [r for r in items if r["PARAMCD"] == paramcd]
        assert len(rows) == report[key]["n"], paramcd
        summary = summarize_survival([r["AVAL"] for r in rows], [r["CNSR"] == 0 for r in rows]).as_dict()
        for field in ("n", "events", "median_days", "ci_lower_days", "ci_upper_days"):
            assert summary[field] == report[key][field], (paramcd, field)


def test_adtte_through_lifelines_gives_the_report_median(coordinator, trial):
    from lifelines import KaplanMeierFitter

    report = coordinator.get("/api/v1/reports/efficacy").get_json()
    rows = [r for r in coordinator.get("/api/v1/exports/adtte").get_json()["items"] if r["PARAMCD"] == "PFS"]
    fitter = KaplanMeierFitter().fit([r["AVAL"] for r in rows], [1 - r["CNSR"] for r in rows])
    median = fitter.median_survival_time_
    assert (None if median == float("inf") else median) == report["pfs"]["median_days"]


def test_adtte_rows_follow_the_adam_conventions(coordinator, trial):
    from datetime import date

    items = coordinator.get("/api/v1/exports/adtte").get_json()["items"]
    for row in items:
        start, adt = date.fromisoformat(row["STARTDT"]), date.fromisoformat(row["ADT"])
        assert row["AVAL"] == (adt - start).days + 1
        assert (row["CNSR"] == 0) == (row["EVNTDESC"] is not None) and (row["CNSR"] == 1) == (row["CNSDTDSC"] is not None)
    assert {r["PARAMCD"] for r in items} == {"OS", "PFS", "PFSSENS", "DOR", "TTR"}
    death = [r for r in items if r["PARAMCD"] == "OS" and r["CNSR"] == 0]
    assert len(death) == 1 and death[0]["EVNTDESC"] == "DEATH"
    assert {r["USUBJID"].split("-")[-1] for r in items}.isdisjoint({"initials"})


def test_adsl_has_one_row_per_enrolled_patient_with_population_flags(coordinator, trial):
    response = coordinator.get("/api/v1/exports/adsl")
    items = response.get_json()["items"]
    assert len(items) == 5
    assert [r["SAFFL"] for r in items].count("Y") == 4 and [r["EFFFL"] for r in items].count("Y") == 4
    never = next(r for r in items if r["SAFFL"] == "N")
    assert never["TRTSDT"] is None and never["BOR"] is None
    responder = items[0]
    assert responder["BOR"] == "PR" and responder["BORCONF"] == "Y" and responder["TRTSDT"] == "2025-01-06"
    assert responder["BORDT"] == "2025-02-17"  # the response start: the first PR scan (week 6)
    assert items[1]["DTHFL"] == "Y" and items[1]["DTHDT"] == "2025-08-04"
    assert all("PHONE" not in key and "INITIALS" not in key for key in items[0])


def test_adsl_csv_opens_in_excel_with_a_bom(coordinator, trial):
    response = coordinator.get("/api/v1/exports/adsl.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode("utf-8"))
    assert response.data.decode("utf-8-sig").splitlines()[0].startswith("STUDYID,USUBJID,SUBJID,SITEID")


def _zip(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return archive, json.loads(archive.read("manifest.json"))


@pytest.mark.parametrize("fmt", ["csv", "xpt", "dataset-json"])
def test_sdtm_zip_has_every_domain_and_a_true_manifest(coordinator, trial, fmt):
    archive, manifest = _zip(coordinator.get(f"/api/v1/exports/sdtm?format={fmt}"))
    assert set(manifest["datasets"]) == {"DM", "DS", "EX", "AE", "SUPPAE", "LB", "SV", "PR", "TU", "TR", "RS"}
    assert manifest["cutoff"] == "2026-03-02" and manifest["protocol_version"] and manifest["software"]["version"]
    for name, facts in manifest["files"].items():
        assert sha256(archive.read(name)).hexdigest() == facts["sha256"]
    assert manifest["datasets"]["DM"]["rows"] == 5 and manifest["datasets"]["EX"]["rows"] == 8
    assert manifest["datasets"]["AE"]["rows"] == 3
    if fmt == "csv":
        ae = archive.read("ae.csv").decode("utf-8-sig")
        assert "恶心，吃不下饭" in ae and "codebook.csv" in manifest["files"]
    if fmt == "xpt":
        assert "ASCII" in manifest["notes"][0]


def test_every_dataset_json_file_validates_against_the_cdisc_schema(coordinator, trial):
    import jsonschema

    validator = jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text()))
    archive, manifest = _zip(coordinator.get("/api/v1/exports/sdtm?format=dataset-json"))
    for name in manifest["files"]:
        document = json.loads(archive.read(name))
        assert not list(validator.iter_errors(document)), name
        assert document["records"] == len(document["rows"])


def test_xpt_files_read_back_with_the_csv_values(coordinator, trial, tmp_path):
    import pyreadstat

    archive, _ = _zip(coordinator.get("/api/v1/exports/sdtm?format=xpt"))
    path = tmp_path / "ex.xpt"
    path.write_bytes(archive.read("ex.xpt"))
    frame, _ = pyreadstat.read_xport(str(path))
    csv_archive, _ = _zip(coordinator.get("/api/v1/exports/sdtm?format=csv"))
    csv_lines = csv_archive.read("ex.csv").decode("utf-8-sig").splitlines()
    assert len(frame) == len(csv_lines) - 1
    assert sorted(frame["EXTRT"]) == sorted(line.split(",")[4] for line in csv_lines[1:])


def test_seq_numbers_are_stable_across_exports(coordinator, trial):
    first, _ = _zip(coordinator.get("/api/v1/exports/sdtm?format=csv"))
    before = first.read("ae.csv")
    from tests.exports.conftest import _ae

    _ae(coordinator, trial[3], ctcae_term="Headache", grade=1, onset_date="2025-02-01")
    second, _ = _zip(coordinator.get("/api/v1/exports/sdtm?format=csv"))
    after = second.read("ae.csv").decode("utf-8-sig").splitlines()
    assert set(before.decode("utf-8-sig").splitlines()) <= set(after)


def test_fhir_bundle_validates_and_is_pseudonymised(coordinator, trial):
    from app.exports.fhir import validate_bundle

    response = coordinator.get("/api/v1/exports/fhir")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    document = response.get_json()
    bundle = validate_bundle(document)
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert kinds.count("Patient") == 5 and kinds.count("ResearchSubject") == 5 and kinds.count("AdverseEvent") == 3
    assert kinds.count("ResearchStudy") == 1 and kinds.count("Encounter") == 8
    text = json.dumps(document)
    assert "+86" not in text and "name" not in {k for e in document["entry"] for k in e["resource"]}


def test_safety_xlsx_matches_the_json_report_cell_by_cell(coordinator, trial):
    from openpyxl import load_workbook

    report = coordinator.get("/api/v1/reports/safety").get_json()
    response = coordinator.get("/api/v1/reports/safety.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["AE", "TEAE", "TRAE", "TRAE-haic", "TRAE-sintilimab", "TRAE-procedure", "irAE", "SAE"]
    sheet = book["AE"]
    rows = {str(r[0]).strip(): r for r in sheet.iter_rows(min_row=4, values_only=True)}
    for term in report["by_term"]:
        row = rows[term["ctcae_term"]]
        assert _n(row[6]) == term["any_grade"]["n"] and _n(row[7]) == term["grade_3_plus"]["n"]
    for soc in report["by_soc"]:
        assert _n(rows[soc["soc"]][6]) == soc["any_grade"]["n"]
    assert str(report["n_treated"]) in sheet.cell(row=2, column=1).value
    sae = {str(r[0]).strip(): r for r in book["SAE"].iter_rows(min_row=4, values_only=True)}
    assert _n(sae["Diarrhea"][3]) == 1 and _n(sae["Diarrhea"][7]) == 1  # grade 3 column, ≥ 3 column


def _n(cell):
    return int(str(cell).split(" ")[0])


def test_exports_are_for_coordinators_admins_and_statisticians(login, trial):
    nurse = login("nurse", "nurse2")
    assert nurse.get("/api/v1/exports/adsl").status_code == 403
    statistician = login("statistician", "stat")
    assert statistician.get("/api/v1/exports/adtte").status_code == 200


def test_bad_cutoffs_formats_and_sites_are_4xx(coordinator, trial, admin):
    assert coordinator.get("/api/v1/exports/adsl?cutoff=2030-01-01").status_code == 422
    assert coordinator.get("/api/v1/exports/adsl?cutoff=2020-01-01").status_code == 422
    response = coordinator.get("/api/v1/exports/sdtm?format=sas7bdat")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai",
                                      "phone": "+862100000000"})
    assert coordinator.get("/api/v1/exports/adsl?site=SH").status_code in (403, 404)
    assert coordinator.get("/api/v1/exports/adsl?site=NOPE").status_code == 422  # as the reports answer


def test_every_export_is_audited_and_changes_no_clinical_data(coordinator, trial, app):
    from sqlalchemy import func, inspect, select, text

    from app.extensions import db
    from app.models import AuditEntry

    def counts():
        names = [t for t in inspect(db.engine).get_table_names() if t not in ("audit_entries", "alembic_version",
                                                                             "idempotency_keys", "api_tokens")]
        return {t: db.session.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar() for t in names}

    before = counts()
    for path in ("/api/v1/exports/adsl", "/api/v1/exports/adtte.csv", "/api/v1/exports/sdtm?format=xpt",
                 "/api/v1/exports/fhir"):
        assert coordinator.get(path).status_code == 200, path
    db.session.expire_all()
    assert counts() == before
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)).all()
    assert [e.entity_id for e in entries] == ["adsl", "adtte", "sdtm:xpt", "fhir"]
    assert entries[2].after["rows"]["DM"] == 5 and entries[0].after["cutoff"] == "2026-03-02"
    assert all(e.actor == "coordinator-bj" for e in entries)


def test_lb_carries_each_result_with_its_ctcae_grade_and_baseline_flag(coordinator, trial):
    """LB from the lab results: LBTOXGR is the result's CTCAE v5.0 grade; LBBLFL marks the last
    result on or before the first dose (PROTOCOL.md baseline)."""
    import csv

    patient = trial[0]  # first dose on 2025-01-06
    for day, platelets in (("2025-01-05", 180), ("2025-01-20", 60)):
        body = {"collected_on": day, "results": [{"test": "platelets", "value": platelets, "unit": "10^9/L",
                                                  "lln": 125}]}
        response = coordinator.post(f"/api/v1/patients/{patient['id']}/lab-results", json=body)
        assert response.status_code == 201, response.get_json()
    archive, manifest = _zip(coordinator.get("/api/v1/exports/sdtm?format=csv"))
    rows = list(csv.DictReader(io.StringIO(archive.read("lb.csv").decode("utf-8-sig"))))
    assert manifest["datasets"]["LB"]["rows"] == 2
    baseline, low = sorted(rows, key=lambda r: r["LBDTC"])
    assert (baseline["LBTESTCD"], baseline["LBBLFL"], baseline["LBTOXGR"]) == ("PLAT", "Y", "0")
    assert (low["LBSTRESN"], low["LBTOXGR"], low["LBTOX"], low["LBBLFL"]) == ("60", "2", "Platelet count decreased", "")
    assert low["LBDY"] == "15"


def test_fhir_bundle_has_lab_observations_with_their_grade(coordinator, trial):
    from app.exports.fhir import validate_bundle

    body = {"collected_on": "2025-01-20", "results": [{"test": "platelets", "value": 60, "unit": "10^9/L", "lln": 125}]}
    assert coordinator.post(f"/api/v1/patients/{trial[0]['id']}/lab-results", json=body).status_code == 201
    document = coordinator.get("/api/v1/exports/fhir").get_json()
    validate_bundle(document)
    [lab] = [e["resource"] for e in document["entry"] if e["resource"]["id"].startswith("lab-")]
    assert lab["category"][0]["coding"][0]["code"] == "laboratory" and lab["valueQuantity"]["value"] == 60.0
    assert lab["interpretation"][0]["text"] == "Platelet count decreased, CTCAE grade 2"
