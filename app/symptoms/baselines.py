"""A patient's usual stools per day before treatment: CTCAE v5.0 grades diarrhea as an
increase over this baseline (PROTOCOL.md; esophagectomy often raises it). With none
recorded, 0 is assumed and reports say so."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from app.common.audit import log_change, require_reason
from app.common.problems import ValidationProblem
from app.extensions import db
from app.models import Patient, PatientBaseline, Visit
from app.common.clock import site_today

TREATMENT_KINDS = ("haic", "sintilimab")
MAX_STOOLS_PER_DAY = 30


def current_baseline(patient_id: int) -> PatientBaseline | None:
    """The latest recorded baseline (a correction is a newer row), or None."""
    return db.session.scalar(select(PatientBaseline).where(PatientBaseline.patient_id == patient_id)
                             .order_by(PatientBaseline.id.desc()).limit(1))


def stools_per_day(patient_id: int) -> float | None:
    baseline = current_baseline(patient_id)
    return baseline.stools_per_day if baseline else None


def first_dose_date(patient_id: int) -> date | None:
    """C1D1: the first treatment dose actually given (a completed HAIC or sintilimab visit)."""
    return db.session.scalar(select(func.min(Visit.actual_date)).where(
        Visit.patient_id == patient_id, Visit.kind.in_(TREATMENT_KINDS), Visit.status == "completed"))


def record_baseline(actor, now: datetime, patient: Patient, *, stools_per_day: float,
                    reason: str | None = None) -> PatientBaseline:
    """Record the baseline; after C1D1 it is a correction and needs a `reason` (ICH GCP).

    Raises ValidationProblem (422) for a value outside 0-30 or a missing reason after C1D1.
    """
    if stools_per_day is None or not 0 <= stools_per_day <= MAX_STOOLS_PER_DAY:
        raise ValidationProblem("The usual number of stools per day is between 0 and 30.",
                                errors={"stools_per_day": ["Must be between 0 and 30."]})
    if first_dose_date(patient.id) is not None:
        reason = require_reason(reason)
    before = current_baseline(patient.id)
    row = PatientBaseline(patient_id=patient.id, stools_per_day=float(stools_per_day),
                          recorded_on=site_today(patient.site, now), reason=(reason or "").strip() or None,
                          recorded_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    log_change(actor, now, "baseline_recorded", "patient", patient.id,
               before={"stools_per_day": before.stools_per_day} if before else None,
               after={"stools_per_day": row.stools_per_day}, reason=row.reason, site_id=patient.site_id)
    return row
