"""Who is calling: the bearer token is resolved once per request; views declare roles."""
from functools import wraps

from flask import g, request

from app.common.problems import Forbidden, Unauthorized


def current_actor():
    return getattr(g, "actor", None)


def requires(*roles):
    """Allow only authenticated users with one of `roles` (any role when none given)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                raise Unauthorized("Send a valid bearer token in the Authorization header.",
                                   headers={"WWW-Authenticate": 'Bearer realm="haic-track"'})
            if roles and actor.role not in roles:
                raise Forbidden(f"This action needs one of the roles: {', '.join(roles)}.")
            return view(*args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorate


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
