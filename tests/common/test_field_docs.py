"""Every field of the OpenAPI document says what it holds, with its unit where it has one."""
import pytest

UNITS = {"_mg": "mg", "_kg": "kg", "_mm": "mm", "_ml": "mL", "_pct": "ercent", "_days": "days",
         "_months": "months", "_at": "ISO 8601", "_date": "YYYY-MM-DD", "_on": "YYYY-MM-DD"}


@pytest.fixture(scope="module")
def spec(session_app):
    with session_app.test_request_context():
        return session_app.extensions["smorest_api"].spec.to_dict()


def _properties(spec):
    for schema_name, schema in spec["components"]["schemas"].items():
        for name, prop in schema.get("properties", {}).items():
            yield f"{schema_name}.{name}", name, prop
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if "name" in parameter:
                    yield f"{method.upper()} {path} ?{parameter['name']}", parameter["name"], parameter


def test_every_field_and_query_parameter_is_described(spec):
    fields = list(_properties(spec))
    assert len(fields) > 500
    assert [where for where, _, node in fields if not node.get("description")] == []


def test_fields_with_a_unit_name_it(spec):
    wrong = [where for where, name, node in _properties(spec) for suffix, unit in UNITS.items()
             if name.endswith(suffix) and unit not in node.get("description", "")]
    assert wrong == []
