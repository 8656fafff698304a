"""Helpers for visit tests: a patient's visits by code, and today's site date."""
import pytest


@pytest.fixture
def visits_of(nurse):
    """GET /patients/{id}/visits as {code: visit JSON}."""

    def fetch(patient_id, api=None):
        response = (api or nurse).get(f"/api/v1/patients/{patient_id}/visits")
        assert response.status_code == 200, response.get_json()
        return {visit["code"]: visit for visit in response.get_json()["items"]}

    return fetch


@pytest.fixture
def app_config(app_config):
    """Tokens outlive the months these tests move the clock through."""
    app_config.TOKEN_TTL_SECONDS = 3 * 365 * 24 * 3600
    return app_config
