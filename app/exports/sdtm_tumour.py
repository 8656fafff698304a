"""TU, TR and RS: RECIST 1.1 tumour identification, results and responses (SDTMIG 3.4, pure).

TU identifies each target lesion at baseline (TULNKID = the radiologist's lesion id); TR
holds each lesion's longest diameter (short axis for nodes) and the sum of diameters per
scan; RS holds the overall response at each follow-up scan as the core derives it (RECIST
1.1 Tables 1–2) and the best overall response (Table 3) with its confirmation.
`seq`: scans keep their stored id, so numbers survive new scans and re-exports.
"""
from __future__ import annotations

from app.assessments.recist import evaluate_series
from app.exports.datasets import CHAR, NUM, Dataset, Variable, iso, seq
from app.exports.sdtm import _STD, STUDYID, study_day, usubjid

_LESIONS_PER_SCAN = 100  # TRSEQ = scan id × 100 + lesion position (≤ 5 targets, + the sum)


def _v(name, label, kind=CHAR, unit=None, integer=False):
    return Variable(name, label, kind, unit, integer)


TU_VARS = (*_STD, _v("TUSEQ", "Sequence Number", NUM, integer=True), _v("TULNKID", "Link ID"),
           _v("TUTESTCD", "Tumor Identification Short Name"), _v("TUTEST", "Tumor Identification Test Name"),
           _v("TUORRES", "Tumor Identification Result"), _v("TULOC", "Location of the Tumor"),
           _v("TUMETHOD", "Method of Identification"), _v("TUEVAL", "Evaluator"), _v("TUDTC", "Date/Time of Tumor Identification"))
TR_VARS = (*_STD, _v("TRSEQ", "Sequence Number", NUM, integer=True), _v("TRLNKID", "Link ID"),
           _v("TRTESTCD", "Tumor Assessment Short Name"), _v("TRTEST", "Tumor Assessment Test Name"),
           _v("TRORRES", "Result or Finding in Original Units"), _v("TRORRESU", "Original Units"),
           _v("TRSTRESN", "Numeric Result/Finding in Std Units", NUM, "mm"), _v("TRSTRESU", "Standard Units"),
           _v("TRDTC", "Date/Time of Tumor Measurement"), _v("TRDY", "Study Day of Tumor Measurement", NUM, "days", True))
RS_VARS = (*_STD, _v("RSSEQ", "Sequence Number", NUM, integer=True), _v("RSTESTCD", "Assessment Short Name"),
           _v("RSTEST", "Assessment Name"), _v("RSCAT", "Category for Assessment"),
           _v("RSORRES", "Result or Finding in Original Units"), _v("RSSTRESC", "Character Result/Finding in Std Format"),
           _v("RSDTC", "Date/Time of Assessment"), _v("RSDY", "Study Day of Assessment", NUM, "days", True))


def _day(first_dose, when):
    return study_day(first_dose, when)


def build_tu(patients, scans_by_patient) -> Dataset:
    """TU: the target lesions identified on each patient's baseline scan (the first scan)."""
    rows = []
    for p in patients:
        scans = scans_by_patient.get(p.id, [])
        if not scans:
            continue
        baseline = scans[0]
        for index, lesion in enumerate(baseline.target_lesions, start=1):
            rows.append({"STUDYID": STUDYID, "DOMAIN": "TU", "USUBJID": usubjid(p),
                         "TUSEQ": seq(baseline.id * _LESIONS_PER_SCAN + index), "TULNKID": str(lesion["lesion_id"]),
                         "TUTESTCD": "TUMIDENT", "TUTEST": "Tumor Identification", "TUORRES": "TARGET",
                         "TULOC": str(lesion.get("organ", "")).upper(), "TUMETHOD": (baseline.modality or "").upper() or None,
                         "TUEVAL": "INVESTIGATOR", "TUDTC": iso(baseline.date)})
    return Dataset("TU", "Tumor/Lesion Identification", TU_VARS, rows)


def build_tr(patients, scans_by_patient) -> Dataset:
    """TR: each target lesion's diameter (mm) and the sum of diameters, per scan."""
    rows = []
    for p in patients:
        for scan in scans_by_patient.get(p.id, []):
            rows.extend(_tr_rows(p, scan))
    return Dataset("TR", "Tumor/Lesion Results", TR_VARS, rows)


def _tr_rows(p, scan):
    base = {"STUDYID": STUDYID, "DOMAIN": "TR", "USUBJID": usubjid(p), "TRDTC": iso(scan.date),
            "TRDY": _day(p.first_dose, scan.date)}
    rows, measured = [], []
    for index, lesion in enumerate(scan.target_lesions, start=1):
        diameter = lesion.get("diameter_mm")
        measured.append(diameter)
        rows.append(base | {"TRSEQ": seq(scan.id * _LESIONS_PER_SCAN + index), "TRLNKID": str(lesion["lesion_id"]),
                            "TRTESTCD": "LDIAM", "TRTEST": "Longest Diameter",
                            "TRORRES": None if diameter is None else f"{diameter:g}", "TRORRESU": "mm",
                            "TRSTRESN": diameter, "TRSTRESU": "mm"})
    if measured and all(d is not None for d in measured):
        total = float(sum(measured))
        rows.append(base | {"TRSEQ": seq(scan.id * _LESIONS_PER_SCAN + _LESIONS_PER_SCAN - 1), "TRLNKID": None,
                            "TRTESTCD": "SUMDIAM", "TRTEST": "Sum of Diameter", "TRORRES": f"{total:g}",
                            "TRORRESU": "mm", "TRSTRESN": total, "TRSTRESU": "mm"})
    return rows


def build_rs(patients, scans_by_patient, assessments_by_patient, cutoff) -> Dataset:
    """RS: overall response per follow-up scan and best overall response (RECIST 1.1).

    `assessments_by_patient` holds the pure core's `Assessment` values of the same scans;
    only scans dated on or before the cutoff are evaluated.
    """
    rows = []
    for p in patients:
        stored = [s for s in scans_by_patient.get(p.id, []) if s.date <= cutoff]
        values = [a for a in assessments_by_patient.get(p.id, []) if a.date <= cutoff]
        if not stored or p.first_dose is None:
            continue
        series = evaluate_series(p.first_dose, values)
        ids = {s.date: s.id for s in stored}
        rows.extend(_rs_timepoints(p, series, ids))
        rows.append(_rs_best(p, series, stored[-1].id))
    return Dataset("RS", "Disease Response", RS_VARS, rows)


def _rs_base(p, day):
    return {"STUDYID": STUDYID, "DOMAIN": "RS", "USUBJID": usubjid(p), "RSDTC": iso(day),
            "RSDY": _day(p.first_dose, day), "RSCAT": "RECIST 1.1"}


def _rs_timepoints(p, series, ids):
    return [_rs_base(p, t.date) | {"RSSEQ": seq(ids[t.date] * _LESIONS_PER_SCAN + 1), "RSTESTCD": "OVRLRESP",
                                   "RSTEST": "Overall Response", "RSORRES": t.overall_response,
                                   "RSSTRESC": t.overall_response}
            for t in series.timepoints if t.date in ids]


def _rs_best(p, series, last_id):
    response = series.best_overall_response
    # Dated at the response start for a confirmed CR/PR; other best responses carry no date.
    return _rs_base(p, series.response_start_date if series.confirmed else None) | {
        "RSSEQ": seq(last_id * _LESIONS_PER_SCAN + 2), "RSTESTCD": "BESTRSP", "RSTEST": "Best Overall Response",
        "RSORRES": response, "RSSTRESC": response}
