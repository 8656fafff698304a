"""Log in, resolve and revoke tokens, create users."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.common.audit import log_change
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from app.common.problems import Conflict, TooManyRequests, Unauthorized, ValidationProblem
from app.extensions import db
from app.models import ApiToken, Site, User
from app.common.permissions import ROLES
from app.common.sites import find_site

# Verified against when the username is unknown, so a miss costs as long as a hit.
_DUMMY_HASH = None
BAD_LOGIN = "Wrong username or password."


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _dummy_verify(password):
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password")
    verify_password(_DUMMY_HASH, password)


class WrongPassword(Unauthorized):
    """401 for a known user's wrong password; the caller records the failure (`register_failure`)
    in a transaction of its own, since the request's own changes are rolled back."""

    def __init__(self, user_id: int):
        super().__init__(BAD_LOGIN)
        self.user_id = user_id


def _locked(user, now):
    wait = int((user.locked_until - now).total_seconds()) + 1
    return TooManyRequests(f"Too many failed logins. Try again in {wait} seconds.",
                           headers={"Retry-After": str(wait)})


def register_failure(user_id: int, now) -> None:
    """Count a failed login towards the lockout (LOGIN_MAX_FAILURES failures lock the account
    for LOGIN_LOCKOUT_SECONDS, audited); flushes. The caller commits it on its own."""
    user = db.session.get(User, user_id)
    config = current_app.config
    user.failed_logins += 1
    if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + timedelta(seconds=config["LOGIN_LOCKOUT_SECONDS"])
        user.failed_logins = 0
        log_change(user, now, "lockout", "user", user.id, reason="repeated failed logins")


def authenticate(username: str, password: str, now):
    """Return (raw_token, token_row) or raise Unauthorized (401) or TooManyRequests (429, locked
    out). A wrong password raises WrongPassword: the caller records it with `register_failure`."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        _dummy_verify(password)
        raise Unauthorized(BAD_LOGIN)
    if user.locked_until and user.locked_until > now:
        raise _locked(user, now)
    if not verify_password(user.password_hash, password):
        raise WrongPassword(user.id)
    user.failed_logins = 0
    user.locked_until = None
    return issue_token(user, now)


def issue_token(user, now):
    """A new bearer token for `user`, valid TOKEN_TTL_SECONDS from `now`: returns (raw, ApiToken).
    Only the SHA-256 of `raw` is stored; flushes."""
    raw = secrets.token_urlsafe(32)
    ttl = current_app.config["TOKEN_TTL_SECONDS"]
    token = ApiToken(user=user, token_hash=_token_hash(raw), issued_at=now,
                     expires_at=now + timedelta(seconds=ttl))
    db.session.add(token)
    db.session.flush()
    return raw, token


def resolve_token(raw: str, now):
    """The ApiToken for a raw bearer token, or None when unknown, revoked, expired at `now` or its
    user is inactive. Never raises for a bad token."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.active:
        return None
    return token


def revoke_token(raw: str, now) -> None:
    """Mark the token revoked at `now` (idempotent; an unknown token is ignored). Does not flush."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = now


def _validate_new_user(username, password, role, site):
    if role not in ROLES:
        raise ValidationProblem(f"Unknown role {role!r}.", errors={"role": [f"One of {', '.join(ROLES)}."]})
    if role != "admin" and site is None:
        raise ValidationProblem("Users other than admins belong to a site.", errors={"site": ["Required."]})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationProblem("The password is too short.",
                                errors={"password": [f"At least {MIN_PASSWORD_LENGTH} characters."]})
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"The username {username!r} is taken.")


def create_user(actor, now, *, username, password, role, site_code=None, phone=None, on_call=False):
    """Create a user with a hashed password; audited, flushed. Raises ValidationProblem (422) for
    an unknown site or role, a short password or a missing site (non-admins), Conflict (409) for a
    taken username."""
    site = find_site(site_code) if site_code else None
    _validate_new_user(username, password, role, site)
    user = User(username=username, password_hash=hash_password(password), role=role,
                site_id=site.id if site else None, phone=phone, on_call=on_call)
    db.session.add(user)
    db.session.flush()
    log_change(actor, now, "create", "user", user.id,
           after={"username": username, "role": role, "site": site_code, "on_call": on_call})
    return user

