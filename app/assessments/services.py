"""Use cases for tumour assessments: record a scan, retract it, read the RECIST series.

Responses are never stored: each read evaluates the patient's whole series with the pure
RECIST core, so a corrected baseline or a late-entered scan is reflected everywhere.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.assessments import progression
from app.schedules.protocol import protocol_named
from app.assessments.lesions import LYMPH_NODE, ORGANS, normalise_organ
from app.assessments.recist import (
    Assessment, Lesion, SeriesEvaluation, evaluate_series, sum_of_diameters, validate_baseline,
)
from app.common.audit import log_change, require_reason
from app.common.problems import Conflict, ValidationProblem
from app.extensions import db
from app.models import TumorAssessment
from app.common.clock import site_today

BASELINE_WINDOW_DAYS = 28  # PROTOCOL.md: baseline imaging within 28 days before C1D1
AUDITED = ("date", "target_lesions", "non_target", "new_lesions", "new_lesion_sites", "non_target_liver",
           "modality", "notes")


def to_assessment(row: TumorAssessment) -> Assessment:
    """The stored scan as the pure core's value."""
    lesions = tuple(Lesion(item["lesion_id"], item["organ"], bool(item.get("nodal")), item.get("diameter_mm"),
                           bool(item.get("too_small_to_measure"))) for item in row.target_lesions)
    return Assessment(row.date, lesions, row.non_target, bool(row.new_lesions), tuple(row.new_lesion_sites or ()),
                      row.non_target_liver)


def imaging_anchor(patient, rows=()) -> date:
    """The C1D1 a scan is placed against: the first dose given, else "no dose yet".

    Before any dose every scan is pre-treatment (PROTOCOL.md "Endpoints": the baseline window
    follows the real C1D1), so the anchor is then the later of the planned C1D1 and the
    latest scan.
    """
    if patient.c1d1 is not None:
        return patient.c1d1
    return max([patient.treatment_start, *(r.date for r in rows)])


def active_assessments(patient_id: int) -> list[TumorAssessment]:
    """The patient's scans that are not retracted, by date."""
    return db.session.scalars(select(TumorAssessment).where(
        TumorAssessment.patient_id == patient_id, TumorAssessment.retracted_at.is_(None))
        .order_by(TumorAssessment.date)).all()


def evaluate_patient(patient, rows=None) -> SeriesEvaluation:
    """The patient's RECIST series (baseline, each time point, best responses)."""
    rows = active_assessments(patient.id) if rows is None else rows
    return evaluate_series(imaging_anchor(patient, rows), [to_assessment(r) for r in rows],
                           *response_rules(patient))


def response_rules(patient) -> tuple[int, int]:
    """(confirm_days, min_sd_days) from the patient's protocol version (PROTOCOL.md, protocol data)."""
    response = protocol_named(patient.protocol_version).response
    return response.confirm_days, response.sd_min_day - 1


def record_assessment(actor, now, patient, *, date, target_lesions, non_target, new_lesions,
                      modality=None, notes=None, new_lesion_sites=(), non_target_liver=None) -> TumorAssessment:
    """Add one scan after checking the RECIST rules that apply to its place in the series."""
    rows = active_assessments(patient.id)
    _check_date(patient, date, now, rows)
    lesions = [_lesion_dict(item) for item in target_lesions]
    sites = _new_lesion_sites(new_lesions, new_lesion_sites)
    if patient.c1d1 is None or date <= patient.c1d1:
        _check_baseline(patient, date, lesions)
    else:
        _check_follow_up(patient, rows, lesions)
    row = TumorAssessment(patient_id=patient.id, site_id=patient.site_id, date=date, target_lesions=lesions,
                          non_target=non_target, new_lesions=new_lesions, modality=modality, notes=notes,
                          new_lesion_sites=sites, non_target_liver=non_target_liver,
                          recorded_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    log_change(actor, now, "create", "tumor_assessment", row.id, after=_snapshot(row), site_id=patient.site_id)
    progression.open_confirm_task_if_pd(actor, now, patient, pd_scan_date(patient))  # the investigator's task
    return row


def retract_assessment(actor, now, patient, row, reason) -> TumorAssessment:
    """Correct a wrong scan: it stays on record, marked retracted, and leaves the series."""
    reason = require_reason(reason)
    if row.retracted_at is not None:
        raise Conflict("This assessment is already retracted.")
    row.retracted_at, row.retracted_reason = now, reason
    db.session.flush()
    log_change(actor, now, "retract", "tumor_assessment", row.id, before=_snapshot(row), reason=reason,
           site_id=patient.site_id)
    if pd_scan_date(patient) is None:  # the PD scan was the wrong one: nothing left to confirm
        progression.close_confirm_tasks(actor, now, patient, f"PD scan retracted: {reason}")
    return row


def _snapshot(row) -> dict:
    return {name: getattr(row, name) for name in AUDITED} | {"patient_id": row.patient_id}


def _lesion_dict(item: dict) -> dict:
    organ = LYMPH_NODE if item["nodal"] else normalise_organ(item["organ"])
    if organ is None:
        raise ValidationProblem(
            f"organ: {item['organ']!r} is not an organ of the vocabulary ({', '.join(ORGANS)}).",
            errors={"target_lesions": [f"organ: {item['organ']!r} must be one of {', '.join(ORGANS)}"]},
            extra={"rules": ["organ_vocabulary"]})
    return {"lesion_id": item["lesion_id"].strip(), "organ": organ,
            "nodal": item["nodal"], "diameter_mm": item["diameter_mm"],
            "too_small_to_measure": item["too_small_to_measure"]}


def _new_lesion_sites(new_lesions: bool, sites) -> list[str]:
    sites = sorted(set(sites or ()))
    if new_lesions and not sites:
        raise ValidationProblem("new_lesion_sites is required when new_lesions is true (liver, extrahepatic).",
                                errors={"new_lesion_sites": ["Required when new_lesions is true."]})
    if sites and not new_lesions:
        raise ValidationProblem("new_lesion_sites is given but new_lesions is false.",
                                errors={"new_lesion_sites": ["Only with new_lesions true."]})
    return sites


def _check_date(patient, when: date, now, rows) -> None:
    if when > site_today(patient.site, now):
        raise ValidationProblem("A scan cannot be dated in the future.", errors={"date": ["In the future."]})
    if any(r.date == when for r in rows):
        raise Conflict(f"An assessment dated {when} is already recorded; retract it to correct it.",
                       slug="duplicate-assessment")


def _check_baseline(patient, when: date, lesions) -> None:
    problems = validate_baseline(_lesions(lesions))
    anchor = patient.c1d1 or patient.treatment_start  # the planned C1D1 stands in before dosing
    if (anchor - when).days > BASELINE_WINDOW_DAYS:
        problems.append(f"baseline_window: the baseline scan must be within {BASELINE_WINDOW_DAYS} days "
                        f"before C1D1 ({anchor})")
    if problems:
        rules = sorted({p.split(":", 1)[0] for p in problems})
        raise ValidationProblem(f"The baseline breaks RECIST 1.1 rules: {', '.join(rules)}.",
                                errors={"target_lesions": problems}, extra={"rules": rules})


def _check_follow_up(patient, rows, lesions) -> None:
    baseline = _baseline_row(patient, rows)
    if baseline is None:
        raise ValidationProblem(
            f"baseline_required: record the baseline scan (on or before C1D1, {patient.c1d1}) first.",
            errors={"date": ["No baseline assessment yet."]}, extra={"rules": ["baseline_required"]})
    known = {item["lesion_id"] for item in baseline.target_lesions}
    unknown = sorted({item["lesion_id"] for item in lesions} - known)
    if unknown:
        raise ValidationProblem(
            f"unknown_lesion: {', '.join(unknown)} are not baseline targets; record new disease as new_lesions.",
            errors={"target_lesions": [f"unknown_lesion: {lid!r} is not a baseline target" for lid in unknown]},
            extra={"rules": ["unknown_lesion"]})


def _baseline_row(patient, rows):
    anchor = imaging_anchor(patient, rows)
    before = [r for r in rows if r.date <= anchor]
    return before[-1] if before else None


def _lesions(lesions) -> list[Lesion]:
    return [Lesion(i["lesion_id"], i["organ"], i["nodal"], i["diameter_mm"], i["too_small_to_measure"])
            for i in lesions]


def assessment_views(patient, rows=None) -> list[dict]:
    """Each active scan with what RECIST derives for it in the current series."""
    rows = active_assessments(patient.id) if rows is None else rows
    series = evaluate_patient(patient, rows)
    by_date = {t.date: t for t in series.timepoints}
    return [_view(row, series, by_date.get(row.date)) for row in rows]


def assessment_view(patient, row) -> dict:
    """One scan's view (its responses depend on the whole series)."""
    return next(v for v in assessment_views(patient) if v["assessment"] is row)


def _view(row, series, timepoint) -> dict:
    is_baseline = series.baseline is not None and series.baseline.date == row.date
    role = "baseline" if is_baseline else ("follow_up" if timepoint else "superseded_baseline")
    view = {"assessment": row, "role": role, "timepoint_response": None, "target_response": None,
            "non_target_response": None, "liver_response": None, "sum_mm": None, "liver_sum_mm": None,
            "change_from_baseline_pct": None, "change_from_nadir_pct": None}
    if is_baseline:
        view["sum_mm"] = sum_of_diameters(series.baseline.target_lesions)
    if timepoint is not None:
        view.update(timepoint_response=timepoint.overall_response, target_response=timepoint.target_response,
                    non_target_response=timepoint.non_target_response, liver_response=timepoint.liver_response,
                    sum_mm=timepoint.sum_mm, liver_sum_mm=timepoint.liver_sum_mm,
                    change_from_baseline_pct=timepoint.change_from_baseline_pct,
                    change_from_nadir_pct=timepoint.change_from_nadir_pct)
    return view


def patient_response(patient) -> dict:
    """GET /patients/{id}/response for one patient (its series and progression source)."""
    series = evaluate_patient(patient)
    source = progression.progression_source_of(series.progression_date, progression.progression_event_date(patient))
    return response_summary(series, source)


def pd_scan_date(patient) -> date | None:
    """The first scan showing PD in the patient's current series, or None."""
    return evaluate_patient(patient).progression_date


def source_of(patient, when: date) -> str:
    """"radiological" when a PD scan is dated on or before ``when``, else "clinical"."""
    pd_date = pd_scan_date(patient)
    return "radiological" if pd_date is not None and pd_date <= when else "clinical"


def response_summary(series: SeriesEvaluation, progression_source: str | None = None) -> dict:
    """GET /patients/{id}/response: best responses and the dates the endpoints use."""
    return {
        "best_overall_response": series.best_overall_response,
        "confirmed": series.confirmed,
        "liver_best_response": series.liver_best_response,
        "first_response_date": series.first_response_date,
        "response_start_date": series.response_start_date,
        "progression_date": series.progression_date,
        "progression_source": progression_source,
        "liver_confirmed": series.liver_confirmed,
        "response_evaluable": series.measurable_at_baseline,
        "liver_evaluable": series.liver_measurable_at_baseline,
        "baseline_date": series.baseline.date if series.baseline else None,
        "timepoints": [{"date": t.date, "response": t.overall_response, "liver_response": t.liver_response,
                        "sum_mm": t.sum_mm} for t in series.timepoints],
    }
