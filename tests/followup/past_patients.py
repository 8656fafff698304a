"""Enroll patients whose C1D1 lies in the past (the clock is frozen at 2026-03-02)."""
from datetime import date, timedelta

from tests.support.factories import eligible_facts, patient_body, screening_body


def enroll_on(api, c1d1: date, dosed: bool = False, **patient_overrides) -> dict:
    """Screen a week before ``c1d1`` and enroll with that C1D1; returns the patient JSON.

    ``dosed``: also give the cycle 1 doses on their booked day (the actual C1D1).
    """
    screened = c1d1 - timedelta(days=7)
    body = screening_body(screened_on=screened.isoformat(),
                          facts=eligible_facts(consent_signed_on=(screened - timedelta(days=2)).isoformat()))
    screening = api.post("/api/v1/screenings", json=body)
    assert screening.status_code == 201, screening.get_json()
    response = api.post("/api/v1/patients", json=patient_body(screening.get_json()["id"],
                                                              treatment_start=c1d1.isoformat(),
                                                              **patient_overrides))
    assert response.status_code == 201, response.get_json()
    if dosed:
        give_first_dose(api, response.get_json()["id"])
        return api.get(f"/api/v1/patients/{response.get_json()['id']}").get_json()
    return response.get_json()


def give_first_dose(api, patient_id: int, when: date | None = None) -> list[dict]:
    """Complete the cycle 1 HAIC and sintilimab visits (on ``when``, default their booked day)."""
    visits = api.get(f"/api/v1/patients/{patient_id}/visits").get_json()["items"]
    done = []
    for visit in visits:
        if visit["kind"] in ("haic", "sintilimab") and visit["cycle"] == 1 and visit["status"] == "scheduled":
            actual = (when.isoformat() if when else visit["scheduled_date"])
            response = api.post(f"/api/v1/visits/{visit['id']}/complete", json={"actual_date": actual})
            assert response.status_code == 200, response.get_json()
            done.append(response.get_json())
    assert done, "no cycle 1 dose visit to complete"
    return done


def post_event(api, patient_id: int, type_: str, when: date):
    response = api.post(f"/api/v1/patients/{patient_id}/events", json={"type": type_, "date": when.isoformat()})
    assert response.status_code == 201, response.get_json()
    return response.get_json()
