"""The request boundary: authenticate, check the body, replay idempotent POSTs, and the
one place that commits or rolls back."""
import logging

from flask import g, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.auth.admin import password_change_required
from app.auth.services import resolve_token
from app.common import idempotency
from app.common.auth_context import bearer_token
from app.common.clock import utcnow
from app.common.problems import Forbidden, Problem, Unauthorized, problem_response
from app.extensions import db

log = logging.getLogger(__name__)
BODY_METHODS = ("POST", "PUT", "PATCH")


def _is_api():
    return request.path.startswith("/api/")


def check_content_type():
    if not _is_api() or request.method not in BODY_METHODS:
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if has_body and not request.is_json:
        raise Problem("Send JSON with Content-Type: application/json.", status=415,
                      title="Unsupported media type", slug="unsupported-media-type")


def authenticate():
    raw = bearer_token()
    if raw is None:
        return
    token = resolve_token(raw, utcnow())
    if token is None:
        raise Unauthorized("The token is invalid, expired or revoked. Log in again.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    g.actor = token.user
    g.token = token
    if password_change_required(token.user, request.path):
        raise Forbidden("Your password was reset: change it (POST /api/v1/auth/password) before anything else.",
                        slug="password-change-required")


def replay_idempotent():
    key = idempotency.idempotency_key()
    if key is None or g.actor is None:
        return None
    g.idempotency_key = key
    return idempotency.replay_if_seen(g.actor, key)


def _reset_request_state():
    # `g` lives on the app context, which a test (or a CLI) may keep across requests.
    g.actor = g.token = g.idempotency_key = None
    g.keep_changes = False


def before_request():
    _reset_request_state()
    check_content_type()
    authenticate()
    return replay_idempotent()


def _commit_failure_response(exc):
    db.session.rollback()
    if isinstance(exc, StaleDataError):
        return problem_response(412, "Precondition failed",
                                "Someone else changed this record at the same time. Reload and try again.",
                                slug="precondition-failed")
    if isinstance(exc, OperationalError):
        log.warning("commit failed: %s", exc)
        return problem_response(503, "Service unavailable", "The database is busy. Try again.",
                                slug="database-busy", headers={"Retry-After": "1"})
    return problem_response(409, "Conflict", "The change conflicts with data saved at the same time.",
                            slug="conflict")


def _should_commit(response):
    return response.status_code < 400 or getattr(g, "keep_changes", False)


def after_request(response):
    key = getattr(g, "idempotency_key", None)
    if key and response.status_code < 400 and "Idempotent-Replayed" not in response.headers:
        idempotency.remember(g.actor, key, response, utcnow())
    if not _should_commit(response):
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError, OperationalError) as exc:
        return _commit_failure_response(exc)
    return response


def install(app):
    app.before_request(before_request)
    app.after_request(after_request)
