"""The efficacy report, Kaplan-Meier curves and swimmer plot through the API."""
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.efficacy.shared_data import lung_time_status
from tests.followup.past_patients import enroll_on, post_event

C1D1 = date(2023, 1, 2)


def _bulk_patients(site, n):
    """Screened, enrolled patients dosed on C1D1 in the past, inserted as rows (fast)."""
    from app.extensions import db
    from app.models import Patient, Screening, Visit
    from tests.conftest import FROZEN_NOW

    patients = []
    for i in range(n):
        screening = Screening(site_id=site.id, screened_on=C1D1 - timedelta(days=7), initials="LU", sex="male",
                              birth_date=date(1960, 1, 1), facts={}, eligible=True, criteria=[],
                              reasons_ineligible=[], missing=[])
        patients.append(Patient(site_id=site.id, screening=screening, study_id=f"BJ-L{i:03d}", initials="LU",
                                status="on_treatment", treatment_start=C1D1, protocol_version="NCT06184841-v1",
                                language="zh", phone=f"+861390000{i:04d}", enrolled_at=FROZEN_NOW))
    db.session.add_all(patients)
    db.session.flush()
    # The first dose given on C1D1 (day 1 = C1D1): these patients are in the treated population.
    db.session.add_all([Visit(patient_id=p.id, site_id=site.id, protocol_version=p.protocol_version, code="C1-SIN",
                              kind="sintilimab", cycle=1, anchor="c1d1", target_date=C1D1, window_start=C1D1,
                              window_end=C1D1, scheduled_date=C1D1, status="completed", actual_date=C1D1)
                        for p in patients])
    db.session.flush()
    return patients


def test_lung_reference_through_the_api(coordinator, site, make_user):
    """R's lung data: deaths and last contacts as events; OS must match survfit exactly."""
    from app.common.clock import utcnow
    from app.extensions import db
    from app.patients.services import record_event

    times, dead = lung_time_status()
    actor = make_user("entry", "coordinator")
    now = utcnow()
    for patient, time, is_dead in zip(_bulk_patients(site, len(times)), times, dead):
        # time_days = date - C1D1 + 1 (the derivation's convention), so the date is C1D1 + time - 1.
        when = C1D1 + timedelta(days=int(time) - 1)
        record_event(actor, now, patient, type="death" if is_dead else "contact", date=when)
    db.session.commit()
    report = coordinator.get("/api/v1/reports/efficacy").get_json()
    os_ = report["os"]
    assert (os_["n"], os_["events"]) == (228, 165)
    assert (os_["median_days"], os_["ci_lower_days"], os_["ci_upper_days"]) == (310, 285, 363)
    assert "Brookmeyer-Crowley" in os_["method"] and "log" in os_["method"]
    one_year = next(m for m in os_["landmarks"] if m["months"] == 12)
    assert one_year["survival"] == pytest.approx(0.409, abs=5e-4)
    assert (one_year["ci_lower"], one_year["ci_upper"]) == pytest.approx((0.345, 0.486), abs=5e-4)
    assert report["n_treated"] == 228 and report["orr"]["n_evaluable"] == 0


def lesion(mm, lesion_id="L1"):
    return {"lesion_id": lesion_id, "organ": "liver", "nodal": False, "diameter_mm": mm}


def scan(api, patient, when, mm, new_lesions=False):
    body = {"date": when.isoformat(), "target_lesions": [lesion(mm)], "non_target": "none", "new_lesions": new_lesions}
    response = api.post(f"/api/v1/patients/{patient['id']}/tumor-assessments", json=body)
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def small_trial(coordinator):
    """A confirmed responder who later progresses, and a stable patient who dies."""
    start = date(2025, 1, 6)
    responder, stable = enroll_on(coordinator, start, dosed=True), enroll_on(coordinator, start, dosed=True)
    for patient in (responder, stable):
        scan(coordinator, patient, start - timedelta(days=5), 40)
    for week, mm in ((6, 25), (12, 24), (18, 23), (24, 40)):
        scan(coordinator, responder, start + timedelta(weeks=week), mm)
    scan(coordinator, stable, start + timedelta(weeks=6), 38)
    post_event(coordinator, stable["id"], "death", start + timedelta(weeks=10))
    return start, responder, stable


def test_report_reflects_scans_pd_and_deaths(coordinator, small_trial):
    start, responder, stable = small_trial
    report = coordinator.get("/api/v1/reports/efficacy").get_json()
    assert report["orr"]["responders"] == 1 and report["orr"]["method"] == "exact Clopper-Pearson"
    assert (report["orr"]["n_evaluable"], report["orr"]["rate"]) == (2, 0.5)
    assert report["liver_response_rate"]["responders"] == 1
    assert (report["pfs"]["n"], report["pfs"]["events"]) == (2, 2)  # PD at week 24 from the scan; a death
    assert report["os"]["events"] == 1 and report["dor"]["n"] == 1 and report["ttr"]["n"] == 1
    assert report["ttr"]["median_days"] == 6 * 7 + 1
    # Before the PD scan the responder is censored for PFS.
    early = coordinator.get("/api/v1/reports/efficacy",
                            query_string={"cutoff": (start + timedelta(weeks=20)).isoformat()}).get_json()
    assert early["pfs"]["events"] == 1 and early["dor"]["events"] == 0


@pytest.mark.parametrize("path, magic", [
    ("/api/v1/reports/efficacy/km.png?endpoint=pfs", b"\x89PNG"),
    ("/api/v1/reports/efficacy/km.svg?endpoint=os", b"<?xml"),
    ("/api/v1/reports/efficacy/km.png?endpoint=dor", b"\x89PNG"),
    ("/api/v1/reports/efficacy/swimmer.svg", b"<?xml"),
])
def test_pictures(coordinator, small_trial, path, magic):
    response = coordinator.get(path)
    assert response.status_code == 200 and response.data.startswith(magic)


@pytest.mark.parametrize("query", [{"cutoff": "2026-03-03"}, {"cutoff": "yesterday"}, {"endpoint": "orr"}])
def test_bad_queries_are_422(coordinator, query):
    response = coordinator.get("/api/v1/reports/efficacy/km.png", query_string=query)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"


def test_nurses_do_not_read_efficacy(nurse):
    assert nurse.get("/api/v1/reports/efficacy").status_code == 403


def test_api_starts_without_the_statistics_libraries():
    code = ("import sys; from app.factory import build_app; from config import TestingConfig; "
            "build_app(TestingConfig()); "
            "print(sorted(m for m in ('numpy', 'scipy', 'matplotlib', 'lifelines', 'pandas') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "[]"


def test_figures_take_format_and_dpi(coordinator, small_trial):
    svg = coordinator.get("/api/v1/reports/efficacy/km.png?format=svg&endpoint=pfs")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert coordinator.get("/api/v1/reports/efficacy/swimmer.png?dpi=150").status_code == 200
    assert coordinator.get("/api/v1/reports/efficacy/km.png?dpi=5000").status_code == 422
    assert coordinator.get("/api/v1/reports/efficacy/km.png?format=gif").status_code == 422
