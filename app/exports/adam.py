"""ADaM-like analysis datasets: ADSL (one row per patient) and ADTTE (patient × parameter), pure.

Names from ADaMIG 1.3 and the ADTTE structure (pharmaverse/admiral): PARAMCD, STARTDT, ADT,
AVAL, CNSR (0 = event, 1 = censored), EVNTDESC / CNSDTDSC. Definitions are PROTOCOL.md's
("Endpoints"): day 1 = C1D1 = first dose actually given; AVAL = ADT − STARTDT + 1 in days;
STARTDT is C1D1 for OS, PFS, PFSSENS and TTR and the response start for DOR (API.md).
The values come from the same derivation as GET /reports/efficacy, so a Kaplan–Meier fit of
ADTTE reproduces the report (a test checks it, and lifelines' medians).
"""
from __future__ import annotations

from datetime import timedelta

from app.exports.datasets import CHAR, DATE, NUM, Dataset, Variable
from app.exports.sdtm import SEX_CODES, STUDYID, age_at, usubjid

PARAMETERS = (  # PARAMCD, PARAM, attribute of the derived endpoints, event description
    ("OS", "Overall Survival (days)", "os", "DEATH"),
    ("PFS", "Progression-Free Survival (days)", "pfs", None),
    ("PFSSENS", "PFS, Clinical Progression as Event (days)", "pfssens", None),
    ("DOR", "Duration of Response (days)", "dor", None),
    ("TTR", "Time to Response (days)", "ttr", "RESPONSE"),
)


def _v(name, label, kind=CHAR, unit=None, integer=False):
    return Variable(name, label, kind, unit, integer)


ADSL_VARS = (
    _v("STUDYID", "Study Identifier"), _v("USUBJID", "Unique Subject Identifier"),
    _v("SUBJID", "Subject Identifier for the Study"), _v("SITEID", "Study Site Identifier"),
    _v("AGE", "Age", NUM, "YEARS", True), _v("AGEU", "Age Units"), _v("SEX", "Sex"),
    _v("ENRLFL", "Enrolled Population Flag"), _v("SAFFL", "Safety Population Flag"),
    _v("EFFFL", "Efficacy Population Flag"), _v("RSPEVFL", "Response-Evaluable Population Flag"),
    _v("LIVEVFL", "Liver-Evaluable Population Flag"),
    _v("TRTSDT", "Date of First Exposure to Treatment", DATE), _v("TRTEDT", "Date of Last Exposure to Treatment", DATE),
    _v("EOTSTT", "End of Treatment Status"), _v("DCTREAS", "Reason for Discontinuation of Treatment"),
    _v("DTHFL", "Subject Death Flag"), _v("DTHDT", "Date of Death", DATE),
    _v("LSTALVDT", "Date Last Known Alive", DATE),
    _v("BOR", "Best Overall Response (RECIST 1.1)"), _v("BORCONF", "Best Overall Response Confirmed"),
    _v("BORDT", "Date of Response Start", DATE), _v("LIVBOR", "Liver Best Overall Response"),
    _v("DCUTDT", "Data Cutoff Date", DATE),
)

ADTTE_VARS = (
    _v("STUDYID", "Study Identifier"), _v("USUBJID", "Unique Subject Identifier"), _v("SITEID", "Study Site Identifier"),
    _v("PARAMCD", "Parameter Code"), _v("PARAM", "Parameter"), _v("STARTDT", "Time-to-Event Origin Date", DATE),
    _v("ADT", "Analysis Date", DATE), _v("AVAL", "Analysis Value", NUM, "days", True), _v("AVALU", "Analysis Value Unit"),
    _v("CNSR", "Censor", NUM, integer=True), _v("EVNTDESC", "Event or Censoring Description"),
    _v("CNSDTDSC", "Censor Date Description"), _v("SAFFL", "Safety Population Flag"),
    _v("EFFFL", "Efficacy Population Flag"), _v("DCUTDT", "Data Cutoff Date", DATE),
)


def _flag(value: bool) -> str:
    return "Y" if value else "N"


def build_adsl(patients, endpoints_by_patient: dict, cutoff) -> Dataset:
    """ADSL: every enrolled patient; SAFFL = EFFFL = received ≥ 1 dose by the cutoff.

    `patients`: records with study_id, site_code, sex, birth_date, enrolled_on, first_dose,
    last_dose, eot_reason, death_date; `endpoints_by_patient`: study id → PatientEndpoints
    (treated patients only).
    """
    rows = []
    for p in patients:
        treated = p.first_dose is not None and p.first_dose <= cutoff
        derived = endpoints_by_patient.get(p.study_id) if treated else None
        rows.append(_adsl_row(p, treated, derived, cutoff))
    return Dataset("ADSL", "Subject-Level Analysis Dataset", ADSL_VARS, rows, cls="ADaM")


def _adsl_row(p, treated: bool, derived, cutoff) -> dict:
    death = p.death_date if p.death_date and p.death_date <= cutoff else None
    start = derived.response_start_date if derived else None
    return {
        "STUDYID": STUDYID, "USUBJID": usubjid(p), "SUBJID": p.study_id, "SITEID": p.site_code,
        "AGE": age_at(p.birth_date, p.enrolled_on), "AGEU": "YEARS", "SEX": SEX_CODES.get(p.sex, "U"),
        "ENRLFL": "Y", "SAFFL": _flag(treated), "EFFFL": _flag(treated),
        "RSPEVFL": _flag(bool(derived and derived.response_evaluable)),
        "LIVEVFL": _flag(bool(derived and derived.response_evaluable and derived.liver_evaluable)),
        "TRTSDT": p.first_dose if treated else None, "TRTEDT": p.last_dose if treated else None,
        "EOTSTT": "DISCONTINUED" if p.eot_reason else ("ONGOING" if treated else None),
        "DCTREAS": p.eot_reason, "DTHFL": "Y" if death else None, "DTHDT": death,
        "LSTALVDT": (death or derived.os.date) if derived else None,
        "BOR": derived.best_overall_response if derived else None,
        "BORCONF": _flag(derived.confirmed) if derived else None,
        "BORDT": start if derived and derived.responder else None,
        "LIVBOR": derived.liver_best_response if derived else None,
        "DCUTDT": cutoff,
    }


def build_adtte(patients, endpoints_by_patient: dict, cutoff) -> Dataset:
    """ADTTE: one row per treated patient × PARAMCD (DOR and TTR for confirmed responders)."""
    rows = []
    for p in patients:
        derived = endpoints_by_patient.get(p.study_id)
        if derived is None:
            continue
        for paramcd, param, attribute, event_text in PARAMETERS:
            outcome = getattr(derived, attribute, None)
            if outcome is not None:
                rows.append(_adtte_row(p, paramcd, param, outcome, event_text, cutoff))
    return Dataset("ADTTE", "Time-to-Event Analysis Dataset", ADTTE_VARS, rows,
                   keys=("USUBJID", "PARAMCD"), cls="ADaM")


def _adtte_row(p, paramcd, param, outcome, event_text, cutoff) -> dict:
    start = outcome.date - timedelta(days=outcome.time_days - 1)  # AVAL = ADT − STARTDT + 1
    reason = outcome.reason.upper()
    return {"STUDYID": STUDYID, "USUBJID": usubjid(p), "SITEID": p.site_code, "PARAMCD": paramcd, "PARAM": param,
            "STARTDT": start, "ADT": outcome.date, "AVAL": outcome.time_days, "AVALU": "DAYS",
            "CNSR": 0 if outcome.event else 1,
            "EVNTDESC": (event_text or reason) if outcome.event else None,
            "CNSDTDSC": None if outcome.event else reason,
            "SAFFL": "Y", "EFFFL": "Y", "DCUTDT": cutoff}
