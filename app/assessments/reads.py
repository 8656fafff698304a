"""Every active scan of many patients, read as plain values for reports.

Two Core selects whatever the number of patients (the scans, then their target lesions
in entry order), no ORM entities: the efficacy report reads every scan of the trial, and
identity-mapped instances or decoded JSON would cost most of its time. The values are
the ones ``to_assessment`` gives for a stored scan.
"""
from __future__ import annotations

from collections import defaultdict
from functools import partial

from sqlalchemy import select

from app.assessments.bulk import LesionValues, ScanValues
from app.assessments.recist import Assessment, Lesion
from app.extensions import db
from app.models import TargetLesionMeasurement, TumorAssessment

# (new_lesion_extrahepatic, new_lesion_liver) -> new_lesion_sites, as TumorAssessment.new_lesion_sites
_SITES = {(False, False): (), (True, False): ("extrahepatic",), (False, True): ("liver",),
          (True, True): ("extrahepatic", "liver")}


def scan_values_by_patient(patient_ids) -> dict[int, list[ScanValues]]:
    """patient id -> active scans as ``ScanValues`` (unordered), for the bulk RECIST path.

    ``patient_ids``: a selectable of patient ids (a subquery), or a list.
    """
    return _read(patient_ids, partial(tuple.__new__, LesionValues), ScanValues)  # _make without its checks


def assessments_by_patient(patient_ids) -> dict[int, list[Assessment]]:
    """patient id -> active scans as the pure core's ``Assessment`` (unordered)."""
    return _read(patient_ids, lambda values: Lesion(*values), Assessment)


def _read(patient_ids, lesion_of, scan_of) -> dict:
    active = (TumorAssessment.patient_id.in_(patient_ids), TumorAssessment.retracted_at.is_(None))
    # Core rows without the ORM's per-row layer, fetched at once (not one round of the driver per row)
    connection = db.session.connection()
    lesions = defaultdict(list)
    measured = TargetLesionMeasurement
    for row in connection.execute(
            select(measured.assessment_id, measured.lesion_id, measured.organ, measured.nodal, measured.diameter_mm,
                   measured.too_small_to_measure)
            .join(TumorAssessment, TumorAssessment.id == measured.assessment_id).where(*active)
            .order_by(measured.assessment_id, measured.position)).all():
        lesions[row[0]].append(lesion_of(row[1:]))
    scans = defaultdict(list)
    for scan_id, patient_id, when, non_target, new_lesions, extrahepatic, liver, non_target_liver in connection.execute(
            select(TumorAssessment.id, TumorAssessment.patient_id, TumorAssessment.date, TumorAssessment.non_target,
                   TumorAssessment.new_lesions, TumorAssessment.new_lesion_extrahepatic,
                   TumorAssessment.new_lesion_liver, TumorAssessment.non_target_liver).where(*active)).all():
        scans[patient_id].append(scan_of(when, tuple(lesions.get(scan_id, ())), non_target, bool(new_lesions),
                                         _SITES[bool(extrahepatic), bool(liver)], non_target_liver))
    return scans
