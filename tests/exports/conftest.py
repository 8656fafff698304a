"""A small trial for the exports: dosed responders, a death, AEs with Chinese verbatim text."""
from datetime import date, timedelta
from itertools import count

import pytest

from tests.followup.past_patients import enroll_on, post_event

START = date(2025, 1, 6)
_codes = count(1)


def _dose(patient_id, on, kind="sintilimab"):
    from app.extensions import db
    from app.models import Patient, Visit

    patient = db.session.get(Patient, patient_id)
    visit = Visit(patient_id=patient_id, site_id=patient.site_id, protocol_version=patient.protocol_version,
                  code=f"X{next(_codes)}", kind=kind, cycle=1, anchor="test", target_date=on, window_start=on,
                  window_end=on, scheduled_date=on, status="completed", actual_date=on, dose_mg=200.0)
    db.session.add(visit)
    db.session.commit()


def _scan(api, patient, when, mm):
    body = {"date": when.isoformat(), "non_target": "none", "new_lesions": False,
            "target_lesions": [{"lesion_id": "L1", "organ": "liver", "nodal": False, "diameter_mm": mm}]}
    response = api.post(f"/api/v1/patients/{patient['id']}/tumor-assessments", json=body)
    assert response.status_code == 201, response.get_json()


def _ae(api, patient, **overrides):
    body = {"ctcae_term": "Nausea", "grade": 2, "onset_date": (START + timedelta(days=3)).isoformat(),
            "serious": False, "attribution": {"haic": "possible", "sintilimab": "unlikely", "procedure": "unrelated"},
            "immune_related": False, "aesi": False, "description": "恶心，吃不下饭"}
    body.update(overrides)
    response = api.post(f"/api/v1/patients/{patient['id']}/adverse-events", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def trial(coordinator):
    """Four dosed patients (a confirmed responder who progresses, a stable patient who dies, two
    more with scans) and one enrolled but never dosed."""
    patients = [enroll_on(coordinator, START + timedelta(days=7 * i)) for i in range(5)]
    for i, p in enumerate(patients[:4]):
        start = START + timedelta(days=7 * i)
        _dose(p["id"], start, "haic")
        _dose(p["id"], start + timedelta(days=1))
        _scan(coordinator, p, start - timedelta(days=5), 40 + i)
    responder, stable = patients[0], patients[1]
    for week, mm in ((6, 25), (12, 24), (18, 23), (24, 40)):
        _scan(coordinator, responder, START + timedelta(weeks=week), mm)
    _scan(coordinator, stable, START + timedelta(days=7 + 42), 38)
    post_event(coordinator, stable["id"], "death", START + timedelta(weeks=30))
    _scan(coordinator, patients[2], START + timedelta(days=14 + 42), 30)
    _ae(coordinator, responder)
    _ae(coordinator, responder, ctcae_term="Diarrhea", grade=3, serious=True,
        seriousness_criteria=["hospitalisation"], immune_related=True,
        attribution={"haic": "unlikely", "sintilimab": "probable", "procedure": "unrelated"})
    _ae(coordinator, stable, ctcae_term="Fatigue", grade=1, description=None,
        onset_date=(START + timedelta(days=9)).isoformat())
    return patients
