"""User administration (API.md "Second wave": PATCH /users/{id}, password-reset).

Kept apart from `services.py` (log in, tokens) so that login hardening and administration
can change independently. Every function takes the acting user and `now`, audits, flushes
and never commits. Unlocking and the password policy live with login (`services.py`).
"""
import secrets

from sqlalchemy import select, update

from app.auth.passwords import hash_password
from app.auth.services import find_site
from app.common.audit import log_change, snapshot
from app.common.problems import Conflict, NotFound, ValidationProblem
from app.extensions import db
from app.models import ApiToken, User
from app.common.permissions import ROLES
from app.common.request_boundary import ALLOWED_WHILE_PASSWORD_EXPIRED, password_change_required  # noqa: F401

AUDITED = ("role", "site_id", "phone", "on_call", "active", "must_change_password")
# Paths a user who must change their password may still call (change it, see who they are,
# log out). The password change itself is served by the login module.
ONE_TIME_PASSWORD_BYTES = 12  # token_urlsafe(12) → 16 characters, above the minimum length


def load_user(user_id: int) -> User:
    """The user with `user_id`, or NotFound (404)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


def find_user(username: str) -> User:
    """The user called `username`, or NotFound (404) — for the CLI."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"No user called {username!r}.")
    return user


def update_user(actor, now, user: User, changes: dict, reason: str | None = None) -> User:
    """Apply `changes` (any of role, site (code or None), phone, on_call, active) to `user`.

    Deactivating revokes every live token of the user at once (the token cache of other
    nodes lives at most 5 s, API.md). An admin cannot deactivate or demote themselves, so
    a site is never left without the admin who could undo it. Raises ValidationProblem (422)
    for an unknown role or site, or a non-admin without a site; Conflict (409) for self-lockout.
    """
    before = snapshot(user, AUDITED)
    if "role" in changes and changes["role"] not in ROLES:
        raise ValidationProblem(f"Unknown role {changes['role']!r}.", errors={"role": [f"One of {', '.join(ROLES)}."]})
    if getattr(actor, "id", None) == user.id and (changes.get("active") is False
                                                  or changes.get("role", user.role) != user.role):
        raise Conflict("You cannot deactivate yourself or change your own role; ask another admin.",
                       slug="self-administration")
    if "site" in changes:
        user.site_id = find_site(changes["site"]).id if changes["site"] else None
    for name in ("role", "phone", "on_call", "active"):
        if name in changes:
            setattr(user, name, changes[name])
    if user.role != "admin" and user.site_id is None:
        raise ValidationProblem("Users other than admins belong to a site.", errors={"site": ["Required."]})
    if before["active"] and not user.active:
        revoke_all_tokens(user, now)
    db.session.flush()
    log_change(actor, now, "update", "user", user.id, before=before, after=snapshot(user, AUDITED),
               reason=reason, site_id=user.site_id)
    return user


def revoke_all_tokens(user: User, now) -> int:
    """Revoke every unrevoked token of `user`; returns how many."""
    result = db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                .values(revoked_at=now))
    return result.rowcount or 0


def reset_password(actor, now, user: User) -> str:
    """Give `user` a random one-time password and force a change at the next call.

    Returns the one-time password (shown once to the admin, never stored in clear or audited).
    The user's tokens are revoked: whoever held them must log in with the new password.
    """
    before = snapshot(user, AUDITED)
    password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    revoke_all_tokens(user, now)
    db.session.flush()
    log_change(actor, now, "password_reset", "user", user.id, before=before, after=snapshot(user, AUDITED),
               site_id=user.site_id)
    return password


