"""Every error is problem+json; nothing a client sends produces a bare 500."""
import logging

from flask import g
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.common.problems import Problem, from_http_exception, from_problem, problem_response
from app.common.request_boundary import commit_refusal_record

log = logging.getLogger(__name__)


def handle_problem(exc: Problem):
    if exc.keep_changes:
        # Explicit, in its own commit: the refusal's record (failed login or signature audited,
        # an attempt counted) stands although the answer is an error; the boundary then rolls
        # back whatever else the request had pending (nothing, for those refusals).
        commit_refusal_record()
    return from_problem(exc)


def handle_validation(exc: ValidationError):
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return problem_response(422, "Invalid input", "The request has fields that are missing or invalid.",
                            slug="validation-error", errors=messages)


def handle_stale(exc: StaleDataError):
    return problem_response(412, "Precondition failed",
                            "Someone else changed this record at the same time. Reload and try again.",
                            slug="precondition-failed")


def handle_integrity(exc: IntegrityError):
    log.info("integrity error: %s", exc.orig)
    return problem_response(409, "Conflict", "The change conflicts with existing data.", slug="conflict")


def handle_operational(exc: Exception):
    """The database is down, unreachable or timed out (connect, pool or statement timeout):
    503 with Retry-After, never a 500 (issue 16, item 6). The statement only, no parameters."""
    cause = getattr(exc, "orig", None)
    log.warning("database unavailable: %s", type(cause or exc).__name__)
    return problem_response(503, "Service unavailable", "The database is not answering. Try again shortly.",
                            slug="database-unavailable", headers={"Retry-After": "5"},
                            extra={"request_id": _request_id()})


def handle_data_error(exc: Exception):
    """A value the database or Python cannot hold (numeric overflow, date arithmetic past
    year 9999): the edge guard should have refused it; still a 422, never a 500."""
    log.info("value out of range: %s", type(exc).__name__)
    return problem_response(422, "Invalid input", "A value is outside the range this API accepts.",
                            slug="validation-error")


def handle_recursion(exc: RecursionError):
    return problem_response(400, "Bad request", "The request is nested too deeply.", slug="json-too-deep")


def _request_id():
    return getattr(g, "request_id", None)


def handle_unexpected(exc: Exception):
    log.exception("unhandled error")
    return problem_response(500, "Internal server error",
                            "Something went wrong on our side; nothing was saved. The team has been told.",
                            slug="internal-error", extra={"request_id": _request_id()})


def install(app):
    app.register_error_handler(Problem, handle_problem)
    app.register_error_handler(HTTPException, from_http_exception)
    app.register_error_handler(ValidationError, handle_validation)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(IntegrityError, handle_integrity)
    app.register_error_handler(OperationalError, handle_operational)
    app.register_error_handler(PoolTimeout, handle_operational)  # every pooled connection busy
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(OverflowError, handle_data_error)
    app.register_error_handler(RecursionError, handle_recursion)
    app.register_error_handler(Exception, handle_unexpected)
