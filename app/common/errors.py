"""Every error is problem+json; nothing a client sends produces a bare 500."""
import logging

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.common.problems import Problem, from_http_exception, from_problem, problem_response

log = logging.getLogger(__name__)


def handle_problem(exc: Problem):
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


def handle_unexpected(exc: Exception):
    log.exception("unhandled error")
    return problem_response(500, "Internal server error",
                            "Something went wrong on our side; nothing was saved. The team has been told.",
                            slug="internal-error")


def install(app):
    app.register_error_handler(Problem, handle_problem)
    app.register_error_handler(HTTPException, from_http_exception)
    app.register_error_handler(ValidationError, handle_validation)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(IntegrityError, handle_integrity)
    app.register_error_handler(Exception, handle_unexpected)
