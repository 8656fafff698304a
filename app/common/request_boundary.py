"""The request boundary: authenticate, check the body, replay idempotent POSTs, and the
one place that commits or rolls back."""
import logging

from flask import current_app, g, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.common import idempotency
from app.common.auth_context import bearer_token
from app.common.clock import utcnow
from app.common.problems import Forbidden, PreconditionFailed, Problem, Unauthorized, from_problem, problem_response
from app.extensions import db

log = logging.getLogger(__name__)
BODY_METHODS = ("POST", "PUT", "PATCH")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
TOKEN_RESOLVER = "resolve_token"  # app.extensions key: (raw token, now) -> an object with .user, or None
# The only calls a user whose password was reset may make until they change it.
ALLOWED_WHILE_PASSWORD_EXPIRED = ("/api/v1/auth/password", "/api/v1/auth/me", "/api/v1/auth/revoke")


def password_change_required(user, path: str) -> bool:
    """True when `user` must change their password (an admin reset it) before calling `path`."""
    return bool(getattr(user, "must_change_password", False)) and path not in ALLOWED_WHILE_PASSWORD_EXPIRED


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
    token = current_app.extensions[TOKEN_RESOLVER](raw, utcnow())
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
    return idempotency.replay_if_seen(g.actor, key, utcnow())


def _reset_request_state():
    # `g` lives on the app context, which a test (or a CLI) may keep across requests.
    g.actor = g.token = g.idempotency_key = None
    g.if_match_evaluated = False


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
    return response.status_code < 400


def in_own_transaction(work):
    """Run `work()` in a transaction of its own and commit it, whatever the request's answer
    will be (a failed login is remembered although the request answers 401). The request's
    pending changes are rolled back first; `work`'s result is returned, its errors re-raised
    after a rollback."""
    db.session.rollback()
    try:
        result = work()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def commit_refusal_record() -> None:
    """Commit what the session holds while a request is being refused (see Problem.keep_changes);
    a failing commit is rolled back and logged: the refusal is answered all the same."""
    try:
        db.session.commit()
    except Exception:  # the answer (401/403/429) matters more than the record of it
        db.session.rollback()
        log.exception("could not keep the record of a refused request")


def after_request(response):
    unmet = _unevaluated_if_match(response)
    if unmet is not None:
        db.session.rollback()
        return unmet
    key = getattr(g, "idempotency_key", None)
    if key and response.status_code in (409, 412) and "Idempotent-Replayed" not in response.headers:
        # A concurrent twin may have committed first (its unique rows made this one
        # conflict): answer what it answered.
        db.session.rollback()
        replayed = _replay_after_race(None, key)
        if replayed is not None:
            return replayed
    if key and response.status_code < 400 and "Idempotent-Replayed" not in response.headers:
        idempotency.remember(g.actor, key, response, utcnow())
    if not _should_commit(response):
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except (IntegrityError, StaleDataError, OperationalError) as exc:
        replayed = _replay_after_race(exc, key)
        return replayed if replayed is not None else _commit_failure_response(exc)
    return response


def _unevaluated_if_match(response):
    """A write that carried If-Match to an operation with no version to compare it with (a
    create, an action on a record without a version): its precondition cannot hold (RFC 9110
    section 13.1.1: no current representation to match), so the write is undone and answers
    412. Without this, such a route would silently ignore the client's If-Match (API.md: a
    write whose If-Match does not match changes nothing). None when nothing is wrong."""
    if (request.method not in WRITE_METHODS or not _is_api() or response.status_code >= 400
            or "If-Match" not in request.headers or getattr(g, "if_match_evaluated", False)
            or "Idempotent-Replayed" in response.headers):
        return None
    return from_problem(PreconditionFailed(
        f"{request.method} {request.path} has no version to compare If-Match with (it creates a record, or "
        "acts on one that has no version); nothing was changed. Send it without If-Match."))


def _replay_after_race(exc, key):
    """A concurrent retry with the same Idempotency-Key: the first request committed while
    this one ran; this one's changes are rolled back and the stored response is answered."""
    if key is None or (exc is not None and not isinstance(exc, IntegrityError)):
        return None
    db.session.rollback()
    try:
        return idempotency.replay_if_seen(g.actor, key)
    except Problem as problem:
        return from_problem(problem)


def install(app, resolve_token):
    """Install the boundary on `app`; `resolve_token(raw, now)` (from auth, passed in by the
    factory so the kernel imports no domain) turns a bearer token into an object with `.user`
    (the caller, in the request's session), or None."""
    app.extensions[TOKEN_RESOLVER] = resolve_token
    app.before_request(before_request)
    app.after_request(after_request)
