"""Lab API helpers: a dosed patient (C1 given on 2026-03-02) and lab bodies."""
from datetime import datetime, timezone

import pytest

ATTRIBUTION = {"serious": False, "immune_related": False, "aesi": False,
               "attribution": {"haic": "possible", "sintilimab": "unlikely", "procedure": "unrelated"}}
GOOD = {"anc": (3.1, "10^9/L", {"lln": 1.8}), "platelets": (180, "10^9/L", {"lln": 125}),
        "alt": (30, "U/L", {"uln": 40}), "ast": (28, "U/L", {"uln": 40}),
        "total_bilirubin": (12, "µmol/L", {"uln": 21}), "creatinine": (70, "µmol/L", {"uln": 106})}


def panel(**changes):
    """A pre-cycle panel within every limit; `platelets=60` changes one value."""
    rows = []
    for test, (value, unit, limits) in GOOD.items():
        rows.append({"test": test, "value": changes.get(test, value), "unit": unit, **limits})
    return rows


def at(day: str) -> datetime:
    """09:00 in Beijing on `day`."""
    year, month, date_ = map(int, day.split("-"))
    return datetime(year, month, date_, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def app_config(app_config):
    app_config.TOKEN_TTL_SECONDS = 3 * 365 * 24 * 3600
    return app_config


@pytest.fixture
def dosed(nurse, enroll):
    """A patient whose C1 (HAIC and sintilimab) was given on 2026-03-02 with baseline labs that day;
    returns (patient JSON, {code: visit JSON})."""
    patient = enroll()
    visits = {v["code"]: v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]}
    baseline = nurse.post(f"/api/v1/patients/{patient['id']}/lab-results",
                          json={"collected_on": "2026-03-02", "results": panel()})
    assert baseline.status_code == 201, baseline.get_json()
    for code in ("C01-HAIC", "C01-SINT"):
        done = nurse.post(f"/api/v1/visits/{visits[code]['id']}/complete", json={"actual_date": "2026-03-02"})
        assert done.status_code == 200, done.get_json()
    visits = {v["code"]: v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]}
    return patient, visits
