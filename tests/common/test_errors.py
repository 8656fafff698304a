"""Nothing a client sends produces a 500; every error is problem+json."""
import pytest


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


def test_unknown_route_is_problem_404(client):
    assert_problem(client.get("/api/v1/nope"), 404)


def test_wrong_method_is_problem_405(client):
    assert_problem(client.delete("/health"), 405)


def test_malformed_json(nurse):
    response = nurse.post("/api/v1/screenings", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


def test_wrong_content_type(nurse):
    assert_problem(nurse.post("/api/v1/screenings", data="site=BJ",
                              headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)


def test_unknown_fields_are_rejected(nurse):
    from tests.support.factories import screening_body

    body = assert_problem(nurse.post("/api/v1/screenings", json=screening_body(colour="blue")), 422)
    assert "colour" in body["errors"]


def test_wrong_types(nurse):
    from tests.support.factories import screening_body

    body = assert_problem(nurse.post("/api/v1/screenings", json=screening_body(birth_date=12)), 422)
    assert "birth_date" in body["errors"]


def test_oversized_body(nurse):
    assert_problem(nurse.post("/api/v1/screenings", data="x" * (2 * 1024 * 1024),
                              headers={"Content-Type": "application/json"}), 413)


@pytest.mark.parametrize("payload", [[], "text", 3, None, {"site": None}, {"facts": []}])
def test_hostile_shapes_never_500(nurse, payload):
    response = nurse.post("/api/v1/screenings", json=payload)
    assert 400 <= response.status_code < 500


def test_bad_cursor_is_422(nurse):
    assert_problem(nurse.get("/api/v1/patients?cursor=%%%"), 422)


def test_health(client):
    body = client.get("/health").get_json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["inbox"] == {"oldest_unprocessed_seconds": None, "failed": 0}
    from app import __version__

    assert body["version"] == __version__


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/screenings" in spec["paths"]
    assert "/api/v1/patients/{patient_id}/events" in spec["paths"]
