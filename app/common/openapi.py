"""Completes the generated OpenAPI document (issue 17 item 5): a summary on every operation,
the If-Match and Idempotency-Key headers, the problem+json answers 401/403/404/409/412/422/429,
no bearer on login, webhooks and public pages, and `/health`.

flask-smorest writes what the decorators say; what holds for every operation of a kind
(every PATCH takes If-Match, every POST an Idempotency-Key) is added here once, after the
blueprints are registered, instead of on 70 views.
"""
import re

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "format": "uri"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                   "description": "field → messages (validation)"},
    },
    "required": ["type", "title", "status", "detail"],
}
PROBLEMS = {
    "401": "Unauthorized: no valid bearer token (log in at POST /api/v1/auth/token).",
    "403": "Forbidden: the role lacks the capability, another site's data, or a password change is due.",
    "404": "Not found (also for another site's records).",
    "409": "Conflict: the state does not allow it (enrollment full, already done, history never changes).",
    "412": "Precondition failed: If-Match does not match the current version; nothing changed.",
    "422": "Invalid input, with `errors` per field (also unknown query parameters).",
    "429": "Too many requests; see Retry-After.",
}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": 'The ETag you read (e.g. `"3"`). When it is not the current version the '
                           "write answers 412 and changes nothing; so does an operation that has no version "
                           "to compare it with (one that creates a record)."}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "maxLength": 200},
                   "description": "Repeat a POST with the same key (same user) to get the first "
                                  "response again; the action is done once."}
# Paths that take no bearer token (the caller proves itself otherwise, or needs nothing).
PUBLIC_PATHS = re.compile(r"^(/api/v1/auth/token$|/sms/|/health|/r/|/cal/|/api/v1/docs|/api/v1/openapi)")
HEALTH = {
    "get": {
        "summary": "Liveness: the app and its database answer", "tags": ["health"], "security": [],
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"status": {"type": "string"}, "database": {"type": "string"},
                                                 "version": {"type": "string"}}}}}},
            "503": {"description": "The database does not answer"},
        },
    }
}
# Better summaries for views whose names say too little.
SUMMARIES = {
    "me": "The signed-in user", "find": "Search CTCAE terms", "response": "A patient's best overall response",
    "efficacy": "Efficacy report (ORR, OS, PFS, DoR, TTR)", "follow_up": "Follow-up worklist",
    "calendar": "A patient's visits as iCalendar", "enroll": "Enroll a screened candidate",
    "swimmer": "Swimmer plot", "km_curve": "Kaplan-Meier curves", "issue_token": "Log in: get a bearer token",
    "patient_visits": "A patient's visits", "list_visits": "The nurse's day and week views",
}
_WORDS = {"api": "API", "ae": "AE", "sae": "SAE", "sms": "SMS", "km": "KM", "csv": "CSV", "me": "me"}


def summary_from_name(name: str) -> str:
    """`list_alerts` → "List alerts"; the fallback summary of a view without one."""
    words = [_WORDS.get(word, word) for word in name.split("_") if word]
    text = " ".join(words) or name
    return text[0].upper() + text[1:]


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _view_names(app) -> dict:
    """(OpenAPI path, method) → view function name."""
    names = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        for method in rule.methods or ():
            names[(_openapi_path(rule.rule), method.lower())] = getattr(view, "__name__", rule.endpoint)
    return names


def _answers(path: str, method: str, operation: dict) -> list[str]:
    codes = []
    public = bool(PUBLIC_PATHS.match(path))
    if not public:
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if method in ("post", "put", "patch", "delete"):
        codes += ["409", "422"]
        if "{" in path:
            codes.append("412")
    elif any(p.get("in") == "query" for p in operation.get("parameters", [])) or path.startswith("/api/v1/"):
        codes.append("422")
    if path == "/api/v1/auth/token" or not public:
        codes.append("429")
    return codes


def one_line(summary: str) -> str:
    """A docstring's first paragraph as a one-line summary: whitespace collapsed, cut at the
    first sentence end when long (the rest stays in the description)."""
    text = " ".join(summary.split())
    if len(text) > 100:
        for mark in (". ", "; ", ": "):
            if mark in text[:100]:
                return text[:text.index(mark, 0, 100)] + ("." if mark == ". " else "")
    return text


def complete_spec(app, api) -> None:
    """Add summaries, headers, problem answers and security to every operation of `api.spec`."""
    spec = api.spec
    spec.components.schema("Problem", PROBLEM_SCHEMA)
    for code, text in PROBLEMS.items():
        spec.components.response(f"PROBLEM_{code}", {
            "description": text, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
    names = _view_names(app)
    for path, operations in spec._paths.items():  # apispec keeps paths here until to_dict()
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if not operation.get("summary"):
                name = names.get((path, method), method)
                operation["summary"] = SUMMARIES.get(name) or summary_from_name(name)
            operation["summary"] = one_line(operation["summary"])
            parameters = operation.setdefault("parameters", [])
            if method in ("put", "patch") or (method == "post" and "{" in path):
                parameters.append(dict(IF_MATCH))
            if method == "post" and path.startswith("/api/v1/"):
                parameters.append(dict(IDEMPOTENCY_KEY))
            responses = operation.setdefault("responses", {})
            for code in _answers(path, method, operation):
                responses.setdefault(code, {"$ref": f"#/components/responses/PROBLEM_{code}"})
            if PUBLIC_PATHS.match(path):
                operation["security"] = []
    spec._paths["/health"] = dict(HEALTH)
