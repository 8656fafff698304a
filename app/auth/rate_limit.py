"""Login flood ceilings with Flask-Limiter (issue 16, item 1), applied before any password
is hashed.

Two ceilings on POST /auth/token: LOGIN_MAX_PER_CLIENT_PER_MIN per client address (across
usernames) and LOGIN_MAX_GLOBAL_PER_MIN for all clients together (it bounds the scrypt work
a flood can cause). Both spare clients without a failed attempt in the current window, so
the right password from a clean client is never refused. The client address is
`request.remote_addr` after ProxyFix trusted TRUSTED_PROXIES hops (app factory).

Storage is RATELIMIT_STORAGE_URI ("memory://" by default, per process).
"""
from flask import current_app, request
from flask_limiter import Limiter

limiter = Limiter(key_func=lambda: client_address())


def client_address() -> str:
    return (request.remote_addr or "-")[:64]


def _per_client() -> str:
    return f"{current_app.config['LOGIN_MAX_PER_CLIENT_PER_MIN']}/minute"


def _global() -> str:
    return f"{current_app.config['LOGIN_MAX_GLOBAL_PER_MIN']}/minute"


def _clean_client() -> bool:
    from app.auth.throttle import client_has_failed
    from app.common.clock import utcnow

    return not client_has_failed(client_address(), utcnow(), current_app.config["LOGIN_LOCKOUT_SECONDS"])


def login_limits(view):
    """Decorate the login view with both ceilings."""
    view = limiter.limit(_per_client, key_func=client_address, exempt_when=_clean_client,
                         scope="login-per-client")(view)
    return limiter.shared_limit(_global, scope="login-global", key_func=lambda: "all",
                                exempt_when=_clean_client)(view)


def init_app(app):
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
