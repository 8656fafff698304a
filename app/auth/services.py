"""Log in, resolve and revoke tokens, create users."""
import hashlib
from datetime import timedelta
import secrets

from flask import current_app
from sqlalchemy import select

from app.common.audit import log_change
from app.auth import throttle, token_cache
from app.auth.token_cache import ResolvedToken
from app.auth.passwords import check_password_policy, hash_password, verify_password
from app.common.problems import Conflict, TooManyRequests, Unauthorized, ValidationProblem
from app.extensions import db
from app.models import ApiToken, User
from app.common.permissions import ROLES
from app.common.sites import find_site  # noqa: F401  (re-exported for older imports)

TOKEN_CACHE = "token_cache"  # app.extensions key
# Verified against when the username is unknown, so a miss costs as long as a hit.
_DUMMY_HASH = None


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _dummy_verify(password):
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password")
    verify_password(_DUMMY_HASH, password)


def _bad_login():
    problem = Unauthorized("Wrong username or password.")
    # The failure's audit entry must be kept despite the 401: the boundary commits it.
    problem.keep_changes = True
    return problem


def _locked(retry_after):
    problem = TooManyRequests(f"Too many failed logins from this address. Try again in {retry_after} seconds.",
                              headers={"Retry-After": str(retry_after)})
    problem.keep_changes = True
    return problem


def _audit_login(user, username, client, now, action, **details):
    """login / login_failed / lockout, with who tried from where (never the password)."""
    log_change(user if user is not None else "anonymous", now, action, "user",
               user.id if user is not None else "-",
               after={"username": username[:throttle.MAX_USERNAME_LENGTH], "client": client, **details},
               site_id=user.site_id if user is not None else None)


def authenticate(username: str, password: str, now, client: str = "-"):
    """Return (raw_token, token_row) or raise 401/429.

    Throttled per (username, client address): LOGIN_MAX_FAILURES failed attempts within
    LOGIN_LOCKOUT_SECONDS refuse that pair only (429 with Retry-After), so a stranger cannot
    lock staff out and known and unknown usernames answer alike. The attempt is counted
    before the password is hashed (concurrent guesses are counted exactly). Every login,
    failure and lockout is audited (issue 16, item 1).
    """
    config = current_app.config
    reservation = throttle.reserve(throttle.LOGIN, username, client, now, limit=config["LOGIN_MAX_FAILURES"],
                                   window_s=config["LOGIN_LOCKOUT_SECONDS"])
    user = db.session.scalar(select(User).where(User.username == username))
    if reservation.over_limit:
        if reservation.just_locked:
            _audit_login(user, username, client, now, "lockout", reason="repeated failed logins")
        raise _locked(reservation.retry_after(now))
    if user is None or not user.active:
        _dummy_verify(password)
        _audit_login(None if user is None else user, username, client, now, "login_failed")
        raise _bad_login()
    if not verify_password(user.password_hash, password):
        _audit_login(user, username, client, now, "login_failed")
        raise _bad_login()
    throttle.clear(throttle.LOGIN, username, client)
    _audit_login(user, username, client, now, "login")
    return issue_token(user, now)


def unlock(actor, now, user):
    """Forget every failed attempt against `user`, from every address (admin)."""
    throttle.clear(throttle.LOGIN, user.username)
    throttle.clear(throttle.SIGNATURE, str(user.id))
    user.failed_logins, user.locked_until = 0, None
    log_change(actor, now, "unlock", "user", user.id, after={"username": user.username}, site_id=user.site_id)
    db.session.flush()
    return user


def change_password(actor, now, *, current: str, new: str, client: str = "-") -> None:
    """POST /auth/password: the current password (throttled like a login) and a new one that
    meets the policy. Other tokens of the user stay valid. Raises 401/429/422."""
    config = current_app.config
    reservation = throttle.reserve(throttle.LOGIN, actor.username, client, now,
                                   limit=config["LOGIN_MAX_FAILURES"], window_s=config["LOGIN_LOCKOUT_SECONDS"])
    if reservation.over_limit:
        raise _locked(reservation.retry_after(now))
    if not verify_password(actor.password_hash, current):
        _audit_login(actor, actor.username, client, now, "password_change_failed")
        problem = Unauthorized("The current password is not correct.")
        problem.keep_changes = True
        raise problem
    throttle.clear(throttle.LOGIN, actor.username, client)
    set_password(actor, now, new, action="password_change")


def set_password(actor, now, new: str, *, user=None, action="password_reset") -> None:
    """Set `user`'s (default: the actor's) password after the policy check (422); audited
    without the password. Used by change and by an admin reset."""
    user = user or actor
    check_password_policy(new, user.username, field="new_password" if action == "password_change" else "password")
    user.password_hash = hash_password(new)
    if hasattr(user, "must_change_password") and action == "password_change":
        user.must_change_password = False
    log_change(actor, now, action, "user", user.id, after={"username": user.username}, site_id=user.site_id)
    db.session.flush()


def issue_token(user, now):
    raw = secrets.token_urlsafe(32)
    ttl = current_app.config["TOKEN_TTL_SECONDS"]
    token = ApiToken(user=user, token_hash=_token_hash(raw), issued_at=now,
                     expires_at=now + timedelta(seconds=ttl))
    db.session.add(token)
    db.session.flush()
    return raw, token


def resolve_token(raw: str, now) -> ResolvedToken | None:
    """The user of a valid bearer token (in the request's session), or None when the token is
    unknown, revoked, expired or its user deactivated.

    Answers from the process's token cache (app/auth/token_cache.py: at most 5 s old, emptied
    by any write to users, sites or tokens in this process) without SQL; otherwise one query."""
    key = _token_hash(raw)
    cache = current_app.extensions.get(TOKEN_CACHE)
    entry = cache.get(key) if cache is not None else None
    if entry is not None:
        if entry.expires_at <= now:
            return None
        return ResolvedToken(token_cache.attach(db.session, entry), entry.expires_at)
    read_at = cache.clock() if cache is not None else 0.0
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == key))
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.active:
        return None
    if cache is not None:
        cache.put(key, token, read_at)
    return ResolvedToken(token.user, token.expires_at)


def install_token_cache(app) -> token_cache.TokenCache:
    """A per-process token cache for `app`, TOKEN_CACHE_SECONDS old at most (5; 0 turns it off)."""
    cache = token_cache.TokenCache(float(app.config.get("TOKEN_CACHE_SECONDS", token_cache.MAX_AGE_S)))
    app.extensions[TOKEN_CACHE] = cache
    return cache


def revoke_token(raw: str, now) -> None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = now


def _validate_new_user(username, password, role, site):
    if role not in ROLES:
        raise ValidationProblem(f"Unknown role {role!r}.", errors={"role": [f"One of {', '.join(ROLES)}."]})
    if role != "admin" and site is None:
        raise ValidationProblem("Users other than admins belong to a site.", errors={"site": ["Required."]})
    check_password_policy(password, username)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"The username {username!r} is taken.")


def create_user(actor, now, *, username, password, role, site_code=None, phone=None, on_call=False):
    site = find_site(site_code) if site_code else None
    _validate_new_user(username, password, role, site)
    user = User(username=username, password_hash=hash_password(password), role=role,
                site_id=site.id if site else None, phone=phone, on_call=on_call)
    db.session.add(user)
    db.session.flush()
    log_change(actor, now, "create", "user", user.id,
           after={"username": username, "role": role, "site": site_code, "on_call": on_call})
    return user
