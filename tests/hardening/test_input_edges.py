"""Issue 16, item 4 (input outside what Python or the database can hold) and item 12
(security headers); unexpected exceptions are problem+json 500s with a request id."""
import json

import pytest

from app.common.input_guard import bad_string, date_out_of_range, problems_in


@pytest.mark.parametrize("value, bad", [("plain", False), ("a\x00b", True), ("\ud800", True),
                                        ("\U0001F600", False), ("肝区疼痛", False)])
def test_bad_strings(value, bad):
    assert bad_string(value) is bad


@pytest.mark.parametrize("value, out", [("2026-03-02", False), ("0001-01-01", True), ("9999-12-31", True),
                                        ("1899-12-31", True), ("1930-05-01", False), ("2026-03-02T01:00:00Z", False),
                                        ("0001-01-01T00:00:00+14:00", True), ("not a date", False)])
def test_dates_out_of_range(value, out):
    assert date_out_of_range(value) is out


def test_depth_and_id_checks():
    deep = []
    for _ in range(40):
        deep = [deep]
    assert problems_in(deep)[0] == 400
    assert problems_in({"screening_id": 2**31}) == (422, {"screening_id": ["No such record."]})
    assert problems_in({"screening_id": 2**31 - 1, "value": 10**12}) == (0, {})


def test_hand_made_inputs_get_4xx_never_500(nurse, client, enroll):
    patient = enroll()
    visit = nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"][3]
    cases = [
        (nurse.get(f"/api/v1/patients/{2**31}"), 404),
        (nurse.get(f"/api/v1/visits/{2**63 + 5}"), 404),
        (client.post("/api/v1/auth/token", json={"username": "nurse\x00", "password": "x" * 12}), 422),
        (client.post("/api/v1/auth/token", data='{"username": "\\ud800", "password": "xxxxxxxxxxxx"}',
                     content_type="application/json"), 422),
        (nurse.get("/api/v1/patients?cursor=eyJhZnRlciI6IDk5OTk5OTk5OTk5OTk5OTk5OTk5OTl9"), 422),
        (nurse.get("/api/v1/patients?updated_since=0001-01-01T00:00:00%2B14:00"), 422),
        (nurse.post(f"/api/v1/visits/{visit['id']}/reschedule", json={"date": "9999-12-31", "reason": "x"}), 422),
        (nurse.post(f"/api/v1/visits/{visit['id']}/reschedule", json={"date": "0001-01-01", "reason": "x"}), 422),
        (nurse.post("/api/v1/screenings", data="[" * 5000 + "]" * 5000, content_type="application/json"), 400),
        (nurse.post("/api/v1/screenings", json={"site": "BJ", "facts": {"a": {"b": {"c": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[
            [[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}}}), 400),
        (nurse.get("/api/v1/patients?status=%00"), 422),
        (nurse.get("/api/v1/sites/%00"), 404),
        (nurse.get("/api/v1/patients?x=" + "a" * 5000), 414),
    ]
    for index, (response, expected) in enumerate(cases):
        assert response.status_code == expected, (index, response.status_code, response.get_data(as_text=True)[:300])
        assert response.mimetype == "application/problem+json", index


def test_an_unexpected_exception_is_a_problem_with_a_request_id(app, client, site):
    from app.common import errors

    app.view_functions["health"], real = (lambda: 1 / 0), app.view_functions["health"]
    try:
        response = client.get("/health", headers={"X-Request-ID": "trace-12345678"})
    finally:
        app.view_functions["health"] = real
    body = response.get_json()
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert body["request_id"] == "trace-12345678" == response.headers["X-Request-ID"]
    assert "ZeroDivision" not in json.dumps(body) and "Traceback" not in json.dumps(body)
    assert errors.handle_unexpected  # the handler under test


def test_security_headers(nurse, client, enroll):
    patient = enroll()
    for response in (nurse.get(f"/api/v1/patients/{patient['id']}"),
                     client.post("/api/v1/auth/token", json={"username": "nurse-bj", "password": "correct horse battery"})):
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in headers  # plain http
    https = nurse.get(f"/api/v1/patients/{patient['id']}", base_url="https://localhost")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")
