"""Console sign-in: a session cookie that holds an API token (never a URL), and the guard.

The token is issued by `auth.services.authenticate` exactly as for the API, so lockouts,
expiry, revocation and deactivation apply to the console the moment they apply to the API.
A form posted after the session expired is kept in the session and offered again after login.
"""
from functools import wraps

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import gettext

from app.auth.services import resolve_token, revoke_token
from app.common.clock import utcnow
from app.common.permissions import Capability, has_capability

TOKEN_KEY = "console_token"
PENDING_FORM_KEY = "console_pending_form"


def sign_in(raw_token: str) -> None:
    session.clear()
    session[TOKEN_KEY] = raw_token
    session.permanent = False


def sign_out(now) -> None:
    raw = session.pop(TOKEN_KEY, None)
    if raw:
        revoke_token(raw, now)
    session.clear()


def load_actor() -> None:
    """Resolve the session's token to a user on every console request (None when signed out)."""
    raw = session.get(TOKEN_KEY)
    token = resolve_token(raw, utcnow()) if raw else None
    g.actor = token.user if token else None
    g.token = token


def _keep_posted_form() -> None:
    # The session is a signed, not encrypted, cookie: a password (a signature, a new user's
    # initial password) is never kept in it; the user types it again.
    fields = {k: v for k, v in request.form.items() if k != "csrf_token" and "password" not in k}
    session[PENDING_FORM_KEY] = {"path": request.referrer or request.path, "fields": fields}


def restore_form(path: str) -> dict:
    """The fields of a form posted to `path` while signed out, once (empty when none)."""
    pending = session.get(PENDING_FORM_KEY)
    if pending and pending["path"].endswith(path):
        session.pop(PENDING_FORM_KEY)
        return pending["fields"]
    return {}


def console_requires(capability: Capability = Capability.AUTHENTICATED):
    """Signed-in users whose role holds `capability`; others go to the login page (keeping
    a posted form) or get the console's 403 page."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.actor is None:
                if request.method == "POST":
                    _keep_posted_form()
                target = request.referrer if request.method == "POST" and request.referrer else request.full_path
                return redirect(url_for("console.login", next=_local(target)))
            if not has_capability(g.actor.role, capability):
                return render_template("console/error.html", status=403,
                                       message=gettext("Your role cannot open this page.")), 403
            return view(*args, **kwargs)

        wrapper.required_capability = capability
        return wrapper

    return decorate


def _local(target: str | None) -> str:
    """Only same-site paths as redirect targets (no open redirect through ?next=)."""
    if not target:
        return url_for("console.today")
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/console") else url_for("console.today")


safe_next = _local
