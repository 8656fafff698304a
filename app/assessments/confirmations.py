"""Progression awaiting the investigator's confirmation: the worklist and its evidence (read model).

A scan whose overall response is PD opens a ``confirm_progression`` alert
(app/assessments/progression.py); the alert stays open until a progression event is recorded
(POST /patients/{id}/progression/confirm) or the PD scan is retracted. "Pending confirmation"
is therefore exactly "an open ``confirm_progression`` alert". Each task carries what RECIST
derived at the first PD scan of the current series, so the investigator decides on the
evidence: the scan, its sum of target diameters against the nadir and the baseline, and new
lesions with their sites.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.assessments.progression import CONFIRM_PROGRESSION
from app.assessments.services import active_assessments, evaluate_patient
from app.assessments.timepoint import TimepointResult
from app.common.access import scope_to_site
from app.extensions import db
from app.models import Alert, Patient, TumorAssessment


@dataclass(frozen=True)
class PendingConfirmation:
    """One patient's open task and the PD evidence (None fields: no PD in the current series,
    e.g. a later correction of an earlier scan moved the nadir)."""

    alert: Alert
    patient: Patient
    pd_scan_date: date | None
    assessment: TumorAssessment | None  # the first scan showing PD
    timepoint: TimepointResult | None  # what RECIST derived there (sum_mm, nadir_sum_mm, new_lesions ...)
    baseline_date: date | None


def pending_confirmations(actor) -> list[PendingConfirmation]:
    """Open ``confirm_progression`` tasks at the sites `actor` may see (admins: all), oldest
    first, each with its evidence. One RECIST evaluation per patient."""
    statement = scope_to_site(select(Alert).options(selectinload(Alert.patient)).where(
        Alert.kind == CONFIRM_PROGRESSION, Alert.status == "open"), actor, Alert.site_id)
    alerts = db.session.scalars(statement.order_by(Alert.opened_at, Alert.id)).all()
    return [_with_evidence(alert) for alert in alerts]


def _with_evidence(alert: Alert) -> PendingConfirmation:
    patient = alert.patient
    rows = active_assessments(patient.id)
    series = evaluate_patient(patient, rows)
    pd_date = series.progression_date
    timepoint = next((t for t in series.timepoints if t.date == pd_date), None)
    scan = next((row for row in rows if row.date == pd_date), None) if pd_date else None
    return PendingConfirmation(alert, patient, pd_date, scan, timepoint,
                               series.baseline.date if series.baseline else None)
