"""Unknown query parameters are a 422 on /api/v1 (API.md "Second wave: more names,
settled"); other paths (the web form `/r/{token}`, which WeChat decorates) ignore them.

The allowed names are those of the view's query schemas (`@blp.arguments(..., location="query")`),
read once per endpoint from what flask-smorest records on the view (`_apidoc`). A view that
reads `request.args` itself declares its names with `@accepts_query("name", ...)`.
"""
from functools import lru_cache

from flask import current_app, request

from app.common.problems import ValidationProblem

API_PREFIX = "/api/v1/"


def _schema_names(schema) -> set[str]:
    instance = schema() if isinstance(schema, type) else schema
    return {field.data_key or name for name, field in instance.fields.items() if not field.dump_only}


def accepts_query(*names: str):
    """Declare query parameters a view reads from `request.args` without a schema."""

    def decorate(view):
        view.extra_query_params = tuple(getattr(view, "extra_query_params", ())) + names
        return view

    return decorate


@lru_cache(maxsize=512)
def _allowed(view) -> frozenset[str]:
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    names = set(getattr(view, "extra_query_params", ()))
    for parameter in parameters:
        if parameter.get("in") == "query":
            names |= _schema_names(parameter["schema"])
    return frozenset(names)


def check_query_parameters():
    """Raise ValidationProblem (422) naming each query parameter the endpoint does not take."""
    if not request.path.startswith(API_PREFIX) or not request.args or request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None:
        return
    unknown = sorted(set(request.args) - _allowed(view))
    if unknown:
        raise ValidationProblem(f"Unknown query parameter(s): {', '.join(unknown)}.",
                                errors={name: ["Unknown query parameter."] for name in unknown},
                                slug="unknown-query-parameter")


def install(app):
    app.before_request(check_query_parameters)
