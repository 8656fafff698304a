"""Who is calling: the bearer token is resolved once per request; views declare a capability."""
from functools import wraps

from flask import g, request

from app.common.permissions import Capability, has_capability, roles_with
from app.common.problems import Forbidden, Unauthorized


def current_actor():
    return getattr(g, "actor", None)


def requires(capability: Capability = Capability.AUTHENTICATED):
    """Allow only authenticated users whose role holds `capability` (app/common/permissions.py).

    Raises Unauthorized (401) without a valid token, Forbidden (403) without the capability.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                raise Unauthorized("Send a valid bearer token in the Authorization header.",
                                   headers={"WWW-Authenticate": 'Bearer realm="haic-track"'})
            if not has_capability(actor.role, capability):
                raise Forbidden(f"This action ({capability.value}) needs one of the roles: "
                                f"{', '.join(roles_with(capability))}.")
            return view(*args, **kwargs)

        wrapper.required_capability = capability
        return wrapper

    return decorate


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
