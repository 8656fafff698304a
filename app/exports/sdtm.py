"""SDTM-like domains (SDTMIG 3.4 names) from plain records (pure: attributes only, no session).

Each builder takes the records as the services load them (objects with the ORM column names,
or SimpleNamespaces in tests) and returns a `Dataset`. Patients are identified by study id
only: USUBJID = STUDYID-SITEID-study id; no names, initials or phone numbers ever.
`--SEQ` is the source record's id (`datasets.seq`), so it is stable across exports.
"""
from __future__ import annotations

from app.adverse_events import flags
from app.exports.datasets import CHAR, NUM, Dataset, Variable, iso, seq

STUDYID = "NCT06184841"
TREATMENTS = {"haic": ("HAIC CHEMOTHERAPY", "INTRA-ARTERIAL"), "sintilimab": ("SINTILIMAB", "INTRAVENOUS")}
SEX_CODES = {"female": "F", "male": "M", "other": "U", "F": "F", "M": "M", "U": "U"}
ARM = ("HAICSIN", "HAIC + sintilimab")
DS_TERMS = {  # patient event type -> (DSDECOD, DSCAT)
    "progression": ("PROGRESSIVE DISEASE", "DISPOSITION EVENT"),
    "end_of_treatment": ("COMPLETED", "DISPOSITION EVENT"),
    "withdrawal": ("WITHDRAWAL BY SUBJECT", "DISPOSITION EVENT"),
    "lost_to_follow_up": ("LOST TO FOLLOW-UP", "DISPOSITION EVENT"),
    "death": ("DEATH", "DISPOSITION EVENT"),
    "study_completed": ("COMPLETED", "DISPOSITION EVENT"),
}
SERIOUSNESS_FLAGS = (("AESDTH", "death"), ("AESLIFE", "life_threatening"), ("AESHOSP", "hospitalisation"),
                     ("AESDISAB", "disability"), ("AESCONG", "congenital_anomaly"),
                     ("AESMIE", "important_medical_event"))
CAUSES = (("AERELHAI", "haic", "Causality: HAIC chemotherapy"), ("AERELSIN", "sintilimab", "Causality: sintilimab"),
          ("AERELPRO", "procedure", "Causality: catheter/procedure"), ("AERELDIS", "disease", "Causality: disease"),
          ("AERELOTH", "other", "Causality: other"))


def usubjid(patient) -> str:
    """STUDYID-SITEID-SUBJID: unique across studies, made of study identifiers only."""
    return f"{STUDYID}-{patient.site_code}-{patient.study_id}"


def _yn(flag) -> str | None:
    return None if flag is None else ("Y" if flag else "N")


def _v(name, label, kind=CHAR, unit=None, integer=False) -> Variable:
    return Variable(name, label, kind, unit, integer)


_STD = (_v("STUDYID", "Study Identifier"), _v("DOMAIN", "Domain Abbreviation"),
        _v("USUBJID", "Unique Subject Identifier"))

DM_VARS = (*_STD, _v("SUBJID", "Subject Identifier for the Study"),
           _v("RFSTDTC", "Subject Reference Start Date/Time"), _v("RFENDTC", "Subject Reference End Date/Time"),
           _v("RFXSTDTC", "Date/Time of First Study Treatment"), _v("RFXENDTC", "Date/Time of Last Study Treatment"),
           _v("RFICDTC", "Date/Time of Informed Consent"), _v("DTHDTC", "Date/Time of Death"),
           _v("DTHFL", "Subject Death Flag"), _v("SITEID", "Study Site Identifier"),
           _v("AGE", "Age", NUM, "YEARS", True), _v("AGEU", "Age Units"), _v("SEX", "Sex"),
           _v("ARMCD", "Planned Arm Code"), _v("ARM", "Description of Planned Arm"),
           _v("ACTARMCD", "Actual Arm Code"), _v("ACTARM", "Description of Actual Arm"),
           _v("COUNTRY", "Country"))


def age_at(birth, on) -> int:
    """Completed years between `birth` and `on` (AGE at informed consent)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def build_dm(patients) -> Dataset:
    """DM: one row per enrolled patient. RFSTDTC = first dose (C1D1), blank when never dosed."""
    rows = []
    for p in patients:
        dosed = p.first_dose is not None
        rows.append({"STUDYID": STUDYID, "DOMAIN": "DM", "USUBJID": usubjid(p), "SUBJID": p.study_id,
                     "RFSTDTC": iso(p.first_dose), "RFENDTC": iso(p.last_dose), "RFXSTDTC": iso(p.first_dose),
                     "RFXENDTC": iso(p.last_dose), "RFICDTC": iso(p.enrolled_on), "DTHDTC": iso(p.death_date),
                     "DTHFL": "Y" if p.death_date else None, "SITEID": p.site_code,
                     "AGE": age_at(p.birth_date, p.enrolled_on), "AGEU": "YEARS",
                     "SEX": SEX_CODES.get(p.sex, "U"), "ARMCD": ARM[0], "ARM": ARM[1],
                     "ACTARMCD": ARM[0] if dosed else "NOTTRT", "ACTARM": ARM[1] if dosed else "Not Treated",
                     "COUNTRY": "CHN"})
    return Dataset("DM", "Demographics", DM_VARS, rows)


DS_VARS = (*_STD, _v("DSSEQ", "Sequence Number", NUM, integer=True), _v("DSTERM", "Reported Term for the Disposition Event"),
           _v("DSDECOD", "Standardized Disposition Term"), _v("DSCAT", "Category for Disposition Event"),
           _v("DSSTDTC", "Start Date/Time of Disposition Event"))


def build_ds(patients, events) -> Dataset:
    """DS: informed consent (enrollment) and each standing patient event (death, withdrawal ...)."""
    by_id = {p.id: p for p in patients}
    rows = [{"STUDYID": STUDYID, "DOMAIN": "DS", "USUBJID": usubjid(p), "DSSEQ": seq(1),
             "DSTERM": "INFORMED CONSENT OBTAINED", "DSDECOD": "INFORMED CONSENT OBTAINED",
             "DSCAT": "PROTOCOL MILESTONE", "DSSTDTC": iso(p.enrolled_on)} for p in patients]
    for e in events:
        if e.type not in DS_TERMS or e.patient_id not in by_id:
            continue
        decod, cat = DS_TERMS[e.type]
        rows.append({"STUDYID": STUDYID, "DOMAIN": "DS", "USUBJID": usubjid(by_id[e.patient_id]),
                     "DSSEQ": seq(e.id, 1), "DSTERM": (e.reason or decod)[:200], "DSDECOD": decod,
                     "DSCAT": cat, "DSSTDTC": iso(e.date)})
    return Dataset("DS", "Disposition", DS_VARS, _sorted(rows, "DSSEQ"))


EX_VARS = (*_STD, _v("EXSEQ", "Sequence Number", NUM, integer=True), _v("EXTRT", "Name of Treatment"),
           _v("EXDOSE", "Dose", NUM, "mg"), _v("EXDOSU", "Dose Units"), _v("EXROUTE", "Route of Administration"),
           _v("EXSTDTC", "Start Date/Time of Treatment"), _v("EXENDTC", "End Date/Time of Treatment"),
           _v("VISIT", "Visit Name"), _v("EXCYCLE", "Cycle Number", NUM, integer=True))


def build_ex(patients, visits) -> Dataset:
    """EX: one row per study-treatment administration actually given (completed dose visits)."""
    by_id = {p.id: p for p in patients}
    rows = []
    for v in visits:
        if v.kind not in TREATMENTS or v.status != "completed" or v.patient_id not in by_id:
            continue
        treatment, route = TREATMENTS[v.kind]
        rows.append({"STUDYID": STUDYID, "DOMAIN": "EX", "USUBJID": usubjid(by_id[v.patient_id]), "EXSEQ": seq(v.id),
                     "EXTRT": treatment, "EXDOSE": v.dose_mg, "EXDOSU": "mg" if v.dose_mg is not None else None,
                     "EXROUTE": route, "EXSTDTC": iso(v.actual_date), "EXENDTC": iso(v.actual_date),
                     "VISIT": v.code, "EXCYCLE": v.cycle})
    return Dataset("EX", "Exposure", EX_VARS, _sorted(rows, "EXSEQ"))


AE_VARS = (*_STD, _v("AESEQ", "Sequence Number", NUM, integer=True), _v("AETERM", "Reported Term for the Adverse Event"),
           _v("AEDECOD", "Dictionary-Derived Term"), _v("AELLTCD", "Lowest Level Term Code"),
           _v("AEBODSYS", "Body System or Organ Class"), _v("AETOXGR", "Standard Toxicity Grade"),
           _v("AESER", "Serious Event"), *(_v(name, label) for name, label in (
               ("AESDTH", "Results in Death"), ("AESLIFE", "Is Life Threatening"),
               ("AESHOSP", "Requires or Prolongs Hospitalization"), ("AESDISAB", "Persist or Signif Disability/Incapacity"),
               ("AESCONG", "Congenital Anomaly or Birth Defect"), ("AESMIE", "Other Medically Important Serious Event"))),
           _v("AEREL", "Causality"), _v("AEOUT", "Outcome of Adverse Event"),
           _v("AESTDTC", "Start Date/Time of Adverse Event"), _v("AEENDTC", "End Date/Time of Adverse Event"),
           _v("AESTDY", "Study Day of Start of Adverse Event", NUM, "days", True))
SUPP_VARS = (_v("STUDYID", "Study Identifier"), _v("RDOMAIN", "Related Domain Abbreviation"),
             _v("USUBJID", "Unique Subject Identifier"), _v("IDVAR", "Identifying Variable"),
             _v("IDVARVAL", "Identifying Variable Value"), _v("QNAM", "Qualifier Variable Name"),
             _v("QLABEL", "Qualifier Variable Label"), _v("QVAL", "Data Value"), _v("QORIG", "Origin"))


def study_day(first_dose, when) -> int | None:
    """SDTM --DY: day 1 = first dose, no day 0 (the day before C1D1 is -1)."""
    if first_dose is None or when is None:
        return None
    delta = (when - first_dose).days
    return delta + 1 if delta >= 0 else delta


def _ae_row(p, e, cutoff) -> dict:
    criteria = set(e.seriousness_criteria or ())
    related = flags.is_treatment_related(e.attribution or {})
    row = {"STUDYID": STUDYID, "DOMAIN": "AE", "USUBJID": usubjid(p), "AESEQ": seq(e.id),
           "AETERM": (getattr(e, "other_specify", None) or e.description or e.ctcae_term)[:200],
           "AEDECOD": e.ctcae_term, "AELLTCD": e.meddra_code, "AEBODSYS": e.soc,
           "AETOXGR": str(flags.worst_grade(e.history, cutoff) or e.grade), "AESER": _yn(e.serious),
           "AEREL": "RELATED" if related else "NOT RELATED", "AEOUT": (e.outcome or "").upper().replace("_", " ") or None,
           "AESTDTC": iso(e.onset_date),
           "AEENDTC": iso(e.resolved_date) if e.resolved_date and e.resolved_date <= cutoff else None,
           "AESTDY": study_day(p.first_dose, e.onset_date)}
    row |= {name: (_yn(key in criteria) if e.serious else None) for name, key in SERIOUSNESS_FLAGS}
    return row


def build_ae(patients, adverse_events, cutoff) -> tuple[Dataset, Dataset]:
    """AE and SUPPAE (attribution per cause, TEAE and irAE flags) as of the cutoff.

    AETOXGR is the worst grade recorded by the cutoff (CTCAE v5.0); events with onset after
    the cutoff are left out, as in the safety report.
    """
    by_id = {p.id: p for p in patients}
    rows, supp = [], []
    for e in adverse_events:
        p = by_id.get(e.patient_id)
        if p is None or e.onset_date > cutoff:
            continue
        rows.append(_ae_row(p, e, cutoff))
        supp.extend(_suppae(p, e, cutoff))
    return (Dataset("AE", "Adverse Events", AE_VARS, _sorted(rows, "AESEQ")),
            Dataset("SUPPAE", "Supplemental Qualifiers for AE", SUPP_VARS, supp,
                    keys=("USUBJID", "IDVARVAL", "QNAM"), cls="SUPP"))


def _suppae(p, e, cutoff):
    teae = flags.is_teae(e.onset_date, e.history, p.first_dose, cutoff)
    base = {"STUDYID": STUDYID, "RDOMAIN": "AE", "USUBJID": usubjid(p), "IDVAR": "AESEQ",
            "IDVARVAL": str(seq(e.id)), "QORIG": "CRF"}
    qualifiers = [(qnam, label, (e.attribution or {}).get(cause, "").upper() or None)
                  for qnam, cause, label in CAUSES]
    qualifiers += [("AETRTEM", "Treatment Emergent Flag", "Y" if teae else "N"),
                   ("AEIRAE", "Immune-Related Adverse Event", _yn(e.immune_related)),
                   ("AESI", "Adverse Event of Special Interest", _yn(e.aesi)),
                   ("AECTCV", "CTCAE Version", e.ctcae_version)]
    return [base | {"QNAM": q, "QLABEL": label, "QVAL": value, "QORIG": "DERIVED" if q == "AETRTEM" else "CRF"}
            for q, label, value in qualifiers if value is not None]


SV_VARS = (*_STD, _v("VISITNUM", "Visit Number", NUM, integer=True), _v("VISIT", "Visit Name"),
           _v("SVPRESP", "Pre-specified"), _v("SVOCCUR", "Occurrence"), _v("SVREASOC", "Reason for Occur Value"),
           _v("SVSTDTC", "Start Date/Time of Visit"), _v("SVENDTC", "End Date/Time of Visit"),
           _v("SVUPDES", "Description of Unplanned Visit"))


def build_sv(patients, visits, cutoff) -> Dataset:
    """SV: protocol visits due by the cutoff, occurred (completed) or not (missed)."""
    by_id = {p.id: p for p in patients}
    rows = []
    for v in visits:
        if v.patient_id not in by_id or v.status not in ("completed", "missed") or v.scheduled_date > cutoff:
            continue
        occurred = v.status == "completed"
        rows.append({"STUDYID": STUDYID, "DOMAIN": "SV", "USUBJID": usubjid(by_id[v.patient_id]),
                     "VISITNUM": v.id, "VISIT": v.code, "SVPRESP": "Y", "SVOCCUR": "Y" if occurred else "N",
                     "SVREASOC": None if occurred else (v.status_reason or "MISSED")[:200],
                     "SVSTDTC": iso(v.actual_date) if occurred else None,
                     "SVENDTC": iso(v.actual_date) if occurred else None, "SVUPDES": None})
    return Dataset("SV", "Subject Visits", SV_VARS, _sorted(rows, "VISITNUM"), keys=("USUBJID", "VISITNUM"))


PR_VARS = (*_STD, _v("PRSEQ", "Sequence Number", NUM, integer=True), _v("PRTRT", "Reported Name of Procedure"),
           _v("PRCAT", "Category"), _v("PRSTDTC", "Start Date/Time of Procedure"), _v("VISIT", "Visit Name"))


def build_pr(patients, visits) -> Dataset:
    """PR: the hepatic arterial catheterisation performed for each HAIC session given."""
    by_id = {p.id: p for p in patients}
    rows = [{"STUDYID": STUDYID, "DOMAIN": "PR", "USUBJID": usubjid(by_id[v.patient_id]), "PRSEQ": seq(v.id),
             "PRTRT": "HEPATIC ARTERIAL CATHETERIZATION", "PRCAT": "HAIC", "PRSTDTC": iso(v.actual_date),
             "VISIT": v.code}
            for v in visits if v.kind == "haic" and v.status == "completed" and v.patient_id in by_id]
    return Dataset("PR", "Procedures", PR_VARS, _sorted(rows, "PRSEQ"))


def _sorted(rows, seq_name):
    return sorted(rows, key=lambda r: (r["USUBJID"], r[seq_name]))


LB_TESTS = {  # our test code -> (LBTESTCD, LBTEST) per CDISC controlled terminology
    "alt": ("ALT", "Alanine Aminotransferase"), "ast": ("AST", "Aspartate Aminotransferase"),
    "alp": ("ALP", "Alkaline Phosphatase"), "ggt": ("GGT", "Gamma Glutamyl Transferase"),
    "total_bilirubin": ("BILI", "Bilirubin"), "albumin": ("ALB", "Albumin"), "creatinine": ("CREAT", "Creatinine"),
    "bun": ("BUN", "Blood Urea Nitrogen"), "wbc": ("WBC", "Leukocytes"), "anc": ("NEUT", "Neutrophils"),
    "platelets": ("PLAT", "Platelets"), "hemoglobin": ("HGB", "Hemoglobin"), "pt": ("PT", "Prothrombin Time"),
    "inr": ("INR", "Prothrombin Intl. Normalized Ratio"), "tsh": ("TSH", "Thyrotropin"),
    "free_t4": ("T4FR", "Thyroxine, Free"), "hbv_dna": ("HBVDNA", "Hepatitis B Virus DNA"),
}
LB_VARS = (*_STD, _v("LBSEQ", "Sequence Number", NUM, integer=True), _v("LBTESTCD", "Lab Test or Examination Short Name"),
           _v("LBTEST", "Lab Test or Examination Name"), _v("LBORRES", "Result or Finding in Original Units"),
           _v("LBORRESU", "Original Units"), _v("LBORNRLO", "Reference Range Lower Limit in Orig Unit"),
           _v("LBORNRHI", "Reference Range Upper Limit in Orig Unit"),
           _v("LBSTRESN", "Numeric Result/Finding in Standard Units", NUM), _v("LBSTRESU", "Standard Units"),
           _v("LBSTNRLO", "Reference Range Lower Limit-Std Units", NUM), _v("LBSTNRHI", "Reference Range Upper Limit-Std Units", NUM),
           _v("LBTOXGR", "Standard Toxicity Grade"), _v("LBTOX", "Toxicity"), _v("LBBLFL", "Baseline Flag"),
           _v("LBDTC", "Date/Time of Specimen Collection"), _v("LBDY", "Study Day of Specimen Collection", NUM, "days", True))


def build_lb(patients, results, cutoff) -> Dataset:
    """LB: every lab result collected by the cutoff, with its CTCAE v5.0 grade (LBTOXGR) and the
    baseline flag (the last result on or before the day of the first dose, per test)."""
    by_id = {p.id: p for p in patients}
    kept = [r for r in results if r.patient_id in by_id and r.collected_on <= cutoff]
    baselines = _lab_baselines(by_id, kept)
    rows = [_lb_row(by_id[r.patient_id], r, r.id in baselines) for r in kept]
    return Dataset("LB", "Laboratory Test Results", LB_VARS, _sorted(rows, "LBSEQ"))


def _lab_baselines(by_id, results) -> set[int]:
    latest: dict[tuple[int, str], object] = {}
    for r in results:
        first = by_id[r.patient_id].first_dose
        if first is not None and r.collected_on <= first:
            key = (r.patient_id, r.test)
            if key not in latest or (r.collected_on, r.id) > (latest[key].collected_on, latest[key].id):
                latest[key] = r
    return {r.id for r in latest.values()}


def _text_number(value) -> str | None:
    return None if value is None else f"{value:g}"


def _lb_row(p, r, baseline: bool) -> dict:
    code, name = LB_TESTS.get(r.test, (r.test.upper()[:8], r.test))
    return {"STUDYID": STUDYID, "DOMAIN": "LB", "USUBJID": usubjid(p), "LBSEQ": seq(r.id), "LBTESTCD": code,
            "LBTEST": name, "LBORRES": _text_number(r.value), "LBORRESU": r.unit, "LBORNRLO": _text_number(r.lln),
            "LBORNRHI": _text_number(r.uln), "LBSTRESN": r.value_si, "LBSTRESU": r.unit_si, "LBSTNRLO": r.lln_si,
            "LBSTNRHI": r.uln_si, "LBTOXGR": None if r.grade is None else str(r.grade), "LBTOX": r.ctcae_term,
            "LBBLFL": "Y" if baseline else None, "LBDTC": iso(r.collected_on), "LBDY": study_day(p.first_dose, r.collected_on)}
