"""Argument schemas are built once, not on every request (issue 19)."""
import marshmallow


def test_no_schema_is_built_to_parse_a_request(nurse, monkeypatch):
    query = {"site": "BJ", "from": "2026-03-02", "to": "2026-03-02"}
    assert nurse.get("/api/v1/visits", query_string=query).status_code == 200  # first use builds it
    built = []
    original = marshmallow.Schema.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(marshmallow.Schema, "__init__", counting)
    assert nurse.get("/api/v1/visits", query_string=query).status_code == 200
    assert nurse.get("/api/v1/visits", query_string={**query, "kind": "labs"}).status_code == 200
    assert built == []
