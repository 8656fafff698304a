"""Demo laboratory data (issue 13), kept apart from the patient stories so any demo cohort can
call it: `seed_labs(nurse, now, today)` after the patients' visits are in place.

* pre-cycle labs (within limits) the day before every HAIC session given, and for sessions
  whose pre-cycle window is open today;
* one held session: the earliest HAIC session due within the window from today gets platelets
  of 62 ×10⁹/L (hold, and a `lab_hold` alert);
* a grade-3 neutropenia: ANC 0.7 ×10⁹/L at the nadir (D11) of the first cycle of the patient with
  the most sessions given, confirmed by the nurse into an AE.
Idempotent: a patient who has any lab result is left alone.
"""
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.labs import services
from app.visits.readiness_rules import pre_cycle_rule
from app.models import LabAeCandidate, LabCollection, Patient, Visit

HELD_PLATELETS = 62.0
NADIR_ANC = 0.7
NADIR_DAY = 10  # days after D1: the neutrophil nadir of most chemotherapy
CONFIRM = {"serious": False, "immune_related": False, "aesi": False,
           "attribution": {"haic": "probable", "sintilimab": "unlikely", "procedure": "unrelated"},
           "description": "demo: neutropenia at the C1 nadir"}


def panel(seed: int, anc: float | None = None, platelets: float | None = None) -> list[dict]:
    """A pre-cycle panel within every limit, varied a little per patient."""
    wiggle = (seed % 7) / 10
    return [
        {"test": "anc", "value": anc if anc is not None else round(2.8 + wiggle, 1), "unit": "10^9/L", "lln": 1.8},
        {"test": "wbc", "value": round(5.0 + wiggle, 1), "unit": "10^9/L", "lln": 3.5},
        {"test": "platelets", "value": platelets if platelets is not None else 170 + 10 * (seed % 5),
         "unit": "10^9/L", "lln": 125},
        {"test": "hemoglobin", "value": 118 + seed % 9, "unit": "g/L", "lln": 115},
        {"test": "alt", "value": 28 + seed % 11, "unit": "U/L", "uln": 40},
        {"test": "ast", "value": 25 + seed % 9, "unit": "U/L", "uln": 40},
        {"test": "total_bilirubin", "value": 11 + seed % 6, "unit": "µmol/L", "uln": 21},
        {"test": "creatinine", "value": 68 + seed % 15, "unit": "µmol/L", "uln": 106},
        {"test": "inr", "value": 1.0, "unit": "ratio", "uln": 1.2},
    ]


def seed_labs(nurse, now, today: date) -> dict:
    """Create the demo lab data that is missing; returns what was made. The caller commits."""
    made = {"collections": 0, "held_visit": None, "neutropenia_ae": None}
    patients = [p for p in db.session.scalars(select(Patient).order_by(Patient.id))
                if not db.session.scalar(select(LabCollection.id).where(LabCollection.patient_id == p.id).limit(1))]
    for patient in patients:
        made["collections"] += _pre_cycle(nurse, now, today, patient)
    made["held_visit"] = _hold_one(nurse, now, today, patients)
    made["neutropenia_ae"] = _neutropenia(nurse, now, patients)
    return made


def _sessions(patient, status):
    return db.session.scalars(select(Visit).where(
        Visit.patient_id == patient.id, Visit.kind == "haic", Visit.status == status)
        .order_by(Visit.scheduled_date)).all()


def _pre_cycle(nurse, now, today, patient) -> int:
    made = 0
    for visit in _sessions(patient, "completed"):
        _record(nurse, now, patient, visit.actual_date - timedelta(days=1), panel(patient.id + made))
        made += 1
    days_before = pre_cycle_rule(patient.protocol_version).days_before
    for visit in _sessions(patient, "scheduled"):
        if visit.scheduled_date - timedelta(days=days_before) <= today:
            _record(nurse, now, patient, min(visit.scheduled_date - timedelta(days=1), today), panel(patient.id))
            made += 1
    return made


def _record(nurse, now, patient, day, results):
    return services.record_collection(nurse, now, patient, collected_on=day, results=results)


def _hold_one(nurse, now, today, patients):
    """Platelets low enough to hold the earliest session whose window is open today."""
    for visit in sorted((v for p in patients for v in _sessions(p, "scheduled")), key=lambda v: v.scheduled_date):
        if visit.scheduled_date < today:
            continue
        rule = pre_cycle_rule(visit.protocol_version)
        if visit.scheduled_date - timedelta(days=rule.days_before) > today:
            return None
        patient = db.session.get(Patient, visit.patient_id)
        _record(nurse, now, patient, today, [{"test": "platelets", "value": HELD_PLATELETS, "unit": "10^9/L",
                                              "lln": 125}])
        return visit.code + " " + patient.study_id
    return None


def _neutropenia(nurse, now, patients):
    """ANC 0.7 at the C1 nadir of the most-treated patient, confirmed into a grade-3 AE."""
    treated = sorted(patients, key=lambda p: len(_sessions(p, "completed")), reverse=True)
    if not treated or not _sessions(treated[0], "completed"):
        return None
    patient = treated[0]
    first = _sessions(patient, "completed")[0]
    _record(nurse, now, patient, first.actual_date + timedelta(days=NADIR_DAY), panel(patient.id, anc=NADIR_ANC))
    candidate = db.session.scalar(select(LabAeCandidate).where(
        LabAeCandidate.patient_id == patient.id, LabAeCandidate.status == "pending",
        LabAeCandidate.ctcae_term == "Neutrophil count decreased"))
    if candidate is None:
        return None
    return services.confirm_candidate(nurse, now, patient, candidate, dict(CONFIRM)).id
