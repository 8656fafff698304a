"""Exports: load the records in scope at a cutoff, build the datasets, package, audit.

Reads only (an export never changes clinical data); the one write is the audit entry of the
export itself (who, what, cutoff, row counts). Site scoping is the API's: a coordinator sees
their own site, an admin or a statistician with no site all sites.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from app.assessments.services import to_assessment
from app.common.access import scope_to_site
from app.common.audit import log_change
from app.common.clock import local_date
from app.common.problems import ValidationProblem
from app.efficacy.derivation import derive_all_endpoints
from app.efficacy.services import endpoint_inputs
from app.adverse_events import flags
from app.adverse_events.safety_report import EventFacts
from app.exports import adam, fhir, safety_tables, sdtm, sdtm_tumour, writers
from app.extensions import db
from app.followup.services import TREATMENT_ENDING
from app.models import (AdverseEvent, LabResult, Patient, PatientEvent, Screening, Site, SymptomReport, TumorAssessment,
                        Visit)

FORMATS = ("csv", "xpt", "dataset-json")
# Events that dispose of a patient (DS) or end treatment; contacts are proofs of life, not dispositions.
DISPOSITION_TYPES = (*TREATMENT_ENDING, "death", "study_completed")
DOSE_KINDS = ("haic", "sintilimab")
SOFTWARE = "HAIC-Track"


@dataclass
class ExportScope:
    """What one export covers: the cutoff, the site (None = all the actor may see), who asked."""

    actor: object
    now: datetime
    cutoff: date
    site: Site | None = None


def resolve_export_cutoff(now, cutoff: date | None) -> date:
    """The cutoff: today at the trial's site unless given; never in the future, never before the
    first enrollment (an export of nothing is a mistake, not a dataset). Raises ValidationProblem."""
    today = local_date(now, current_app.config["SITE_TIMEZONE"])
    cutoff = today if cutoff is None else cutoff
    if cutoff > today:
        raise ValidationProblem("The data cutoff cannot be in the future.", errors={"cutoff": ["In the future."]})
    first = db.session.scalar(select(func.min(Patient.enrolled_at)))
    if first is not None and cutoff < local_date(first, current_app.config["SITE_TIMEZONE"]):
        raise ValidationProblem("The data cutoff is before the first enrollment.",
                                errors={"cutoff": [f"On or after {local_date(first, current_app.config['SITE_TIMEZONE'])}."]})
    return cutoff


@dataclass
class PatientRecord:
    """One enrolled patient as the builders read it: study identifiers and dates, never PHI."""

    id: int
    study_id: str
    site_code: str
    sex: str
    birth_date: date
    enrolled_on: date
    first_dose: date | None
    last_dose: date | None
    eot_reason: str | None
    death_date: date | None


def _scoped(statement, scope: ExportScope, column):
    statement = scope_to_site(statement, scope.actor, column)
    return statement if scope.site is None else statement.where(column == scope.site.id)


def load_patients(scope: ExportScope, events: dict | None = None) -> list[PatientRecord]:
    """Patients enrolled by the cutoff in scope, with first/last dose and disposition at the cutoff.

    `events`: the disposition events by patient when the caller already read them."""
    zone = current_app.config["SITE_TIMEZONE"]
    statement = _scoped(select(Patient, Screening.sex, Screening.birth_date, Site.code)
                        .join(Screening, Screening.id == Patient.screening_id).join(Site, Site.id == Patient.site_id),
                        scope, Patient.site_id)
    rows = [r for r in db.session.execute(statement.order_by(Patient.id)).all()
            if local_date(r[0].enrolled_at, zone) <= scope.cutoff]
    ids = [r[0].id for r in rows]
    doses = _dose_range(ids, scope.cutoff)
    events = _events(ids, scope.cutoff) if events is None else events
    return [PatientRecord(p.id, p.study_id, code, sex, birth, local_date(p.enrolled_at, zone),
                          *doses.get(p.id, (None, None)), _eot_reason(events.get(p.id, [])),
                          min((e.date for e in events.get(p.id, []) if e.type == "death"), default=None))
            for p, sex, birth, code in rows]


def _dose_range(ids, cutoff) -> dict:
    rows = db.session.execute(select(Visit.patient_id, func.min(Visit.actual_date), func.max(Visit.actual_date))
                              .where(Visit.patient_id.in_(ids), Visit.status == "completed",
                                     Visit.kind.in_(DOSE_KINDS), Visit.actual_date <= cutoff)
                              .group_by(Visit.patient_id))
    return {pid: (first, last) for pid, first, last in rows}


def _events(ids, cutoff) -> dict:
    grouped = defaultdict(list)
    for event in db.session.scalars(select(PatientEvent).where(
            PatientEvent.patient_id.in_(ids), PatientEvent.retracted_at.is_(None), PatientEvent.date <= cutoff,
            PatientEvent.type.in_(DISPOSITION_TYPES))
            .order_by(PatientEvent.date, PatientEvent.id)):
        grouped[event.patient_id].append(event)
    return grouped


def _eot_reason(events) -> str | None:
    ending = [e for e in events if e.type in (*TREATMENT_ENDING, "death")]
    if not ending:
        return None
    first = ending[0]
    return first.type.upper().replace("_", " ") + (f": {first.reason}" if first.reason else "")


def derived_endpoints(scope: ExportScope) -> dict:
    """study id → PatientEndpoints through the very path of GET /reports/efficacy (the lean
    bulk derivation), so ADTTE and the report cannot disagree."""
    inputs = endpoint_inputs(scope.actor, scope.cutoff, scope.site)
    return {derived.patient_id: derived for derived in derive_all_endpoints(inputs)}


def build_adsl(scope: ExportScope):
    return adam.build_adsl(load_patients(scope), derived_endpoints(scope), scope.cutoff)


def build_adtte(scope: ExportScope):
    return adam.build_adtte(load_patients(scope), derived_endpoints(scope), scope.cutoff)


class _AdverseEventView:
    """An AE with its grade history as flags.GradeEntry values (what the builders read)."""

    def __init__(self, event):
        self._event = event
        self.history = tuple(flags.GradeEntry(g.effective_date, g.grade) for g in event.grades)

    def __getattr__(self, name):
        return getattr(self._event, name)


def build_sdtm(scope: ExportScope, progress=None) -> list:
    """Every SDTM-like domain at the cutoff, in the order a reviewer reads them."""
    in_scope = _scoped(select(Patient.id), scope, Patient.site_id)
    by_patient = _events(in_scope, scope.cutoff)
    patients = load_patients(scope, by_patient)
    ids = [p.id for p in patients]
    visits = db.session.scalars(select(Visit).where(Visit.patient_id.in_(ids)).order_by(Visit.id)).all()
    events = [e for p in patients for e in by_patient.get(p.id, [])]
    aes = _adverse_events(ids)
    scans = _scans(ids, scope.cutoff)
    assessments = {pid: [to_assessment(s) for s in rows] for pid, rows in scans.items()}
    ae, suppae = sdtm.build_ae(patients, aes, scope.cutoff)
    builders = (
        lambda: sdtm.build_dm(patients), lambda: sdtm.build_ds(patients, events),
        lambda: sdtm.build_ex(patients, visits), lambda: ae, lambda: suppae,
        lambda: sdtm.build_lb(patients, _lab_results(ids), scope.cutoff),
        lambda: sdtm.build_sv(patients, visits, scope.cutoff), lambda: sdtm.build_pr(patients, visits),
        lambda: sdtm_tumour.build_tu(patients, scans), lambda: sdtm_tumour.build_tr(patients, scans),
        lambda: sdtm_tumour.build_rs(patients, scans, assessments, scope.cutoff),
    )
    datasets = []
    for index, build in enumerate(builders, start=1):
        datasets.append(build())
        if progress:
            progress(index, len(builders), datasets[-1])
    return datasets


def _lab_results(ids) -> list:
    return db.session.scalars(select(LabResult).where(LabResult.patient_id.in_(ids)).order_by(LabResult.id)).all()


def _scans(ids, cutoff) -> dict:
    grouped = defaultdict(list)
    for scan in db.session.scalars(select(TumorAssessment).where(
            TumorAssessment.patient_id.in_(ids), TumorAssessment.retracted_at.is_(None),
            TumorAssessment.date <= cutoff).order_by(TumorAssessment.date, TumorAssessment.id)):
        grouped[scan.patient_id].append(scan)
    return grouped


def package(datasets, fmt: str, scope: ExportScope) -> tuple[bytes, dict]:
    """A zip of the datasets in `fmt` plus `codebook.csv` (CSV) and `manifest.json`.

    The manifest gives the cutoff, protocol and software versions, row counts and the
    sha256 of every file; returns (zip bytes, manifest).
    """
    if fmt not in FORMATS:
        raise ValidationProblem(f"Unknown export format {fmt!r}.", errors={"format": [f"One of {', '.join(FORMATS)}."]})
    files = {f"{d.name.lower()}{_suffix(fmt)}": _write(d, fmt, scope) for d in datasets}
    if fmt == "csv":
        files["codebook.csv"] = writers.codebook_csv(datasets)
    manifest = _manifest(datasets, files, fmt, scope)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue(), manifest


def _suffix(fmt):
    return {"csv": ".csv", "xpt": ".xpt", "dataset-json": ".json"}[fmt]


def _write(dataset, fmt, scope) -> bytes:
    if fmt == "csv":
        return writers.dataset_csv(dataset)
    if fmt == "xpt":
        return writers.dataset_xpt(dataset)
    return writers.dataset_json_bytes(dataset, study_oid=sdtm.STUDYID, created_at=scope.now,
                                      software_version=software_version(), data_cutoff=scope.cutoff)


def software_version() -> str:
    return current_app.config.get("VERSION") or current_app.config.get("APP_VERSION") or "dev"


def _manifest(datasets, files, fmt, scope) -> dict:
    return {
        "study": sdtm.STUDYID, "cutoff": scope.cutoff.isoformat(), "format": fmt,
        "created_at": scope.now.isoformat(timespec="seconds"),
        "protocol_version": current_app.config.get("PROTOCOL_VERSION"),
        "software": {"name": SOFTWARE, "version": software_version()},
        "site": scope.site.code if scope.site else None,
        "datasets": {d.name: {"rows": len(d.rows), "label": d.label} for d in datasets},
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)} for name, data in files.items()},
        "notes": (["SAS V5 transport carries ASCII only: non-ASCII characters are replaced by '?'; "
                   "Chinese verbatim text is in the CSV and Dataset-JSON exports."] if fmt == "xpt" else []),
    }


def export_analysis(scope: ExportScope, name: str):
    """The analysis dataset `name` ("adsl" | "adtte") at the scope's cutoff, audited."""
    dataset = {"adsl": build_adsl, "adtte": build_adtte}[name](scope)
    audit_export(scope, name, {dataset.name: len(dataset.rows)})
    return dataset


def export_sdtm(scope: ExportScope, fmt: str, progress=None) -> tuple[bytes, dict]:
    """The SDTM-like zip in `fmt` with its manifest, audited; returns (zip bytes, manifest)."""
    data, manifest = package(build_sdtm(scope, progress=progress), fmt, scope)
    audit_export(scope, f"sdtm:{fmt}", {name: facts["rows"] for name, facts in manifest["datasets"].items()})
    return data, manifest


def export_fhir(scope: ExportScope) -> dict:
    """The FHIR R4 Bundle at the scope's cutoff, audited."""
    document = build_fhir(scope)
    audit_export(scope, "fhir", {"entries": len(document["entry"])})
    return document


def audit_export(scope: ExportScope, what: str, counts: dict) -> None:
    """Audit who exported what, at which cutoff, how many rows (the export's only write)."""
    log_change(scope.actor, scope.now, "export", "export", what,
               after={"what": what, "cutoff": scope.cutoff, "site": scope.site.code if scope.site else None,
                      "rows": counts}, site_id=scope.site.id if scope.site else getattr(scope.actor, "site_id", None))


def _adverse_events(ids) -> list:
    return [_AdverseEventView(e) for e in db.session.scalars(select(AdverseEvent).where(
        AdverseEvent.patient_id.in_(ids), AdverseEvent.retracted_at.is_(None)).order_by(AdverseEvent.id))]


def build_fhir(scope: ExportScope) -> dict:
    """The study as a FHIR R4 collection Bundle at the cutoff (see app/exports/fhir.py)."""
    patients = load_patients(scope)
    ids = [p.id for p in patients]
    visits = [v for v in db.session.scalars(select(Visit).where(Visit.patient_id.in_(ids)).order_by(Visit.id))
              if v.actual_date is None or v.actual_date <= scope.cutoff]
    aes = [e for e in _adverse_events(ids) if e.onset_date <= scope.cutoff]
    grades = {e.id: flags.worst_grade(e.history, scope.cutoff) for e in aes}
    reports = [r for r in db.session.scalars(select(SymptomReport).where(SymptomReport.patient_id.in_(ids))
                                             .order_by(SymptomReport.id))
               if local_date(r.received_at, current_app.config["SITE_TIMEZONE"]) <= scope.cutoff]
    labs = [r for r in _lab_results(ids) if r.collected_on <= scope.cutoff]
    return fhir.bundle(patients, visits, aes, {k: v for k, v in grades.items() if v is not None}, reports,
                       scope.now.isoformat(timespec="seconds"), labs)


def safety_tables_in_scope(scope: ExportScope) -> list:
    """The report-ready safety tables for the patients in scope (same population as the report)."""
    patients = load_patients(scope)
    first_doses = {p.id: p.first_dose for p in patients}
    facts = [EventFacts(e.patient_id, e.ctcae_term, e.soc, e.onset_date, e.history, e.serious, e.immune_related,
                        e.aesi, dict(e.attribution)) for e in _adverse_events(list(first_doses))]
    return safety_tables.safety_tables(facts, first_doses, scope.cutoff)
