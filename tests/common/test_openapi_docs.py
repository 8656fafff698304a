"""The OpenAPI document and the docs page (issue 17 item 5)."""
import pytest


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _operations(spec):
    return [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()
            if method in ("get", "post", "put", "patch", "delete")]


def test_every_operation_has_a_summary(spec):
    missing = [(path, method) for path, method, op in _operations(spec) if not op.get("summary")]
    assert missing == []
    assert all("\n" not in op["summary"] for _, _, op in _operations(spec))


def test_writes_document_if_match_and_posts_idempotency_key(spec):
    patch = spec["paths"]["/api/v1/visits/{visit_id}"]["patch"]
    assert "If-Match" in {p["name"] for p in patch["parameters"]}
    assert {"409", "412", "422", "401", "403", "404"} <= set(patch["responses"])
    post = spec["paths"]["/api/v1/patients"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in post["parameters"]}
    assert spec["components"]["responses"]["PROBLEM_412"]["content"]["application/problem+json"]
    assert "429" in spec["paths"]["/api/v1/auth/token"]["post"]["responses"]


def test_login_webhooks_and_health_need_no_bearer(spec):
    assert spec["security"] == [{"bearer": []}]
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    assert spec["paths"]["/sms/inbound"]["post"]["security"] == []
    assert spec["paths"]["/health"]["get"]["security"] == []
    assert "security" not in spec["paths"]["/api/v1/patients"]["get"]


def test_the_docs_page_uses_only_assets_served_by_the_app(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html  # no CDN
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        assert f"docs/assets/{asset}" in html
        assert client.get(f"/api/v1/docs/assets/{asset}").status_code == 200
    licence = client.get("/api/v1/docs/assets/LICENSE")
    assert licence.status_code == 200 and "Apache License" in licence.get_data(as_text=True)
