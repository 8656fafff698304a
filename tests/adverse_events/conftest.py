"""Helpers for AE tests: a completed dose visit and a valid AE body."""
from datetime import date
from itertools import count

import pytest

_codes = count(1)


def ae_body(**overrides):
    body = {"ctcae_term": "Nausea", "grade": 2, "onset_date": "2026-03-01", "serious": False,
            "attribution": {"haic": "possible", "sintilimab": "unlikely", "procedure": "unrelated"},
            "immune_related": False, "aesi": False}
    body.update(overrides)
    return body


@pytest.fixture
def give_dose(app):
    """Record a completed HAIC/sintilimab visit directly (the visits service owns the real path)."""
    from app.extensions import db
    from app.models import Patient, Visit

    def dose(patient_id, on, kind="sintilimab", status="completed"):
        patient = db.session.get(Patient, patient_id)
        on = date.fromisoformat(on) if isinstance(on, str) else on
        visit = Visit(patient_id=patient_id, site_id=patient.site_id, protocol_version=patient.protocol_version,
                      code=f"T{next(_codes)}", kind=kind, cycle=1, anchor="test", target_date=on,
                      window_start=on, window_end=on, scheduled_date=on, status=status,
                      actual_date=on if status == "completed" else None)
        db.session.add(visit)
        db.session.commit()
        return visit

    return dose


@pytest.fixture
def investigator(login):
    return login("investigator")
