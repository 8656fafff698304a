"""POST /auth/token, POST /auth/revoke, GET /auth/me, POST /auth/password, POST/GET /users,
POST /users/{id}/unlock."""
from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from app.auth import admin, services
from app.auth.rate_limit import client_address, login_limits
from app.auth.schemas import (PasswordChangeSchema, PasswordResetSchema, TokenRequestSchema, TokenSchema,
                              UserCreateSchema, UserSchema, UserUpdateSchema)
from app.common.permissions import Capability
from app.common.auth_context import bearer_token, current_actor, requires
from app.common.clock import utcnow
from app.common.etag import check_version, expected_version, with_etag
from app.common.pagination import ListArgs, paginate
from app.common.schemas import page_schema
from app.models import User

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Log in, tokens and users")


@blp.route("/auth/token", methods=["POST"])
@login_limits
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
def issue_token(args):
    now = utcnow()
    raw, token = services.authenticate(args["username"], args["password"], now, client=client_address())
    return {"access_token": raw, "token_type": "Bearer",
            "expires_in": int((token.expires_at - now).total_seconds()), "user": token.user}


@blp.route("/auth/revoke", methods=["POST"])
@requires()
@blp.response(204)
def revoke_token():
    services.revoke_token(bearer_token(), utcnow())


@blp.route("/auth/me", methods=["GET"])
@requires()
@blp.response(200, UserSchema)
def me():
    return current_actor()


@blp.route("/users", methods=["POST"])
@requires(Capability.ADMINISTER)
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
def create_user(args):
    return services.create_user(g.actor, utcnow(), username=args["username"], password=args["password"],
                                role=args["role"], site_code=args["site"], phone=args["phone"],
                                on_call=args["on_call"])


@blp.route("/users", methods=["GET"])
@requires(Capability.ADMINISTER)
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_schema(UserSchema))
def list_users(args):
    return paginate(select(User), User, args)


@blp.route("/auth/password", methods=["POST"])
@requires()
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(args):
    services.change_password(g.actor, utcnow(), current=args["current_password"], new=args["new_password"],
                             client=client_address())


@blp.route("/users/<int:user_id>/unlock", methods=["POST"])
@requires(Capability.ADMINISTER)
@blp.response(200, UserSchema)
def unlock_user(user_id):
    user = admin.load_user(user_id)
    check_version(user, expected_version())
    return with_etag(services.unlock(g.actor, utcnow(), user))


@blp.route("/users/<int:user_id>", methods=["GET"])
@requires(Capability.ADMINISTER)
@blp.response(200, UserSchema)
@blp.doc(summary="One user")
def get_user(user_id):
    return with_etag(admin.load_user(user_id))


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@requires(Capability.ADMINISTER)
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@blp.doc(summary="Change a user's role, site, phone, on-call flag or deactivate them")
def update_user(args, user_id):
    """Deactivating (`"active": false`) revokes every token of the user at once."""
    user = admin.load_user(user_id)
    check_version(user, expected_version())
    reason = args.pop("reason", None)
    return with_etag(admin.update_user(g.actor, utcnow(), user, args, reason))


@blp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@requires(Capability.ADMINISTER)
@blp.response(200, PasswordResetSchema)
@blp.doc(summary="Reset a user's password to a one-time password")
def reset_password(user_id):
    """The user must change the one-time password (POST /auth/password) before any other call."""
    user = admin.load_user(user_id)
    check_version(user, expected_version())
    password = admin.reset_password(g.actor, utcnow(), user)
    return with_etag(user, {"username": user.username, "one_time_password": password, "must_change_password": True})
