"""RFC 9457 problem details: the only error shape the API returns."""
from flask import jsonify
from werkzeug.exceptions import HTTPException

PROBLEM_BASE = "https://haic-track.org/problems/"


class Problem(Exception):
    """A client-facing error raised by services and handlers."""

    status = 400
    slug = "bad-request"
    title = "Bad request"
    # True for a refusal whose own record must stand (the audit entry of a failed login or
    # signature, a lockout): the error handler commits it on its own before answering.
    keep_changes = False

    def __init__(self, detail, *, errors=None, status=None, title=None, slug=None, extra=None, headers=None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.status = status or self.status
        self.title = title or self.title
        self.slug = slug or self.slug
        self.extra = extra or {}
        self.headers = headers or {}


class ValidationProblem(Problem):
    status, slug, title = 422, "validation-error", "Invalid input"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


class TooManyRequests(Problem):
    status, slug, title = 429, "too-many-requests", "Too many requests"


def problem_response(status, title, detail, *, slug=None, errors=None, extra=None, headers=None):
    body = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_problem(exc: Problem):
    return problem_response(exc.status, exc.title, exc.detail, slug=exc.slug, errors=exc.errors,
                            extra=exc.extra, headers=exc.headers)


def _flatten_webargs_messages(messages):
    """webargs nests messages by location ({"json": {...}}); clients want field → messages."""
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "headers", "files", "view_args"}:
        merged = {}
        for part in messages.values():
            merged.update(part if isinstance(part, dict) else {"_schema": part})
        return merged
    return messages


def from_http_exception(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages is not None:
        errors = _flatten_webargs_messages(messages)
        return problem_response(422 if exc.code in (400, 422) else exc.code, "Invalid input",
                                "The request has fields that are missing or invalid.",
                                slug="validation-error", errors=errors)
    return problem_response(exc.code, exc.name, exc.description or exc.name)
