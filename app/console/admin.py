"""Console pages for admins: users, sites and each site's on-call rota.

Every form goes through the service behind the matching API call, with its schema and the
ADMINISTER capability: POST /users (`auth.services.create_user`), PATCH /users/{id}
(`auth.admin.update_user`, version checked like If-Match), POST /users/{id}/password-reset,
POST /users/{id}/unlock, POST and PATCH /sites (`sites.services`), PUT /sites/{code}/on-call
(`sites.on_call.replace_rota`). Refused input is shown beside its field with what was typed
kept (a password is never echoed back into the page); a form posted after the session expired
is offered again, filled in, after login (without its password: see session._keep_posted_form).
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from app.auth import admin as users
from app.auth import services as auth, throttle
from app.auth.passwords import MIN_PASSWORD_LENGTH
from app.auth.schemas import UserCreateSchema, UserUpdateSchema
from app.common.clock import utcnow
from app.common.etag import check_version
from app.common.permissions import ROLES, Capability
from app.common.problems import Problem
from app.console.forms import FormErrors, parse, refused
from app.console.session import console_requires, restore_form
from app.console.views import _posted_version, bp
from app.extensions import db
from app.models import Site, User
from app.sites import on_call, services as sites
from app.sites.schemas import OnCallShiftSchema, SiteCreateSchema, SiteUpdateSchema

ADMIN = Capability.ADMINISTER
BLANK_ROTA_LINES = 3  # empty lines offered below the current rota to add shifts
MAX_ROTA_LINES = 1000  # nearly three years of daily shifts; a form naming line 10**9 allocates no more
ROTA_FIELDS = ("user_id", "starts_at", "ends_at")
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # <input type="datetime-local"> in the site's time zone


def _all_sites():
    return db.session.scalars(select(Site).order_by(Site.code)).all()


def _problem_on(field: str, errors: FormErrors) -> FormErrors:
    """A service's refusal without field errors (a 409: the name is taken) shown beside `field`."""
    if not errors.errors and errors.status == 409:
        errors.errors = {field: [errors.message]}
    return errors


def _load_schema(schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise FormErrors(exc.messages)


# -- users ---------------------------------------------------------------------------------------
@bp.route("/admin/users")
@console_requires(ADMIN)
def admin_users():
    return _users_page(typed=restore_form(url_for("console.admin_users")))


def _users_page(errors=None, typed=None, message=None, status=200):
    listed = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("console/admin_users.html", users=listed, sites=_all_sites(), roles=ROLES,
                           errors=errors or {}, typed=typed or {}, error_message=message,
                           min_password_length=MIN_PASSWORD_LENGTH), status


@bp.route("/admin/users", methods=["POST"])
@console_requires(ADMIN)
def admin_create_user():
    """POST /users: a weak password, a taken username or a missing site is told beside its field."""
    try:
        args = parse(UserCreateSchema(), request.form)
        user = auth.create_user(g.actor, utcnow(), username=args["username"], password=args["password"],
                                role=args["role"], site_code=args["site"], phone=args["phone"],
                                on_call=args["on_call"])
    except (Problem, FormErrors) as exc:
        errors = _problem_on("username", refused(exc))
        typed = {k: v for k, v in request.form.items() if k not in ("password", "csrf_token")}
        return _users_page(errors.errors, typed, errors.message, errors.status)
    flash(_("User %(username)s created.", username=user.username), "success")
    return redirect(url_for("console.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>")
@console_requires(ADMIN)
def admin_user(user_id):
    user = users.load_user(user_id)
    return _user_page(user, typed=restore_form(url_for("console.admin_user", user_id=user_id)) or None)


def _locks(user) -> dict:
    """Which of the user's password checks are locked now (any client over the limit), as Unlock clears."""
    config, now = current_app.config, utcnow()
    window = config["LOGIN_LOCKOUT_SECONDS"]
    return {"login": throttle.is_locked(throttle.LOGIN, user.username, now, limit=config["LOGIN_MAX_FAILURES"],
                                        window_s=window),
            "signature": throttle.is_locked(throttle.SIGNATURE, str(user.id), now,
                                            limit=config["SIGNATURE_MAX_FAILURES"], window_s=window)}


def _user_page(user, errors=None, typed=None, message=None, status=200, one_time_password=None):
    response = render_template("console/admin_user.html", user=user, sites=_all_sites(), roles=ROLES,
                               errors=errors or {}, typed=typed, error_message=message,
                               one_time_password=one_time_password, locks=_locks(user))
    # A one-time password must not stay in a cache or the browser's history.
    return response, status, {"Cache-Control": "no-store"}


def _user_changes(form) -> dict:
    """The edit form as PATCH /users/{id} fields (unticked boxes are false, a blank site or phone is none)."""
    data = {"role": form.get("role", ""), "site": form.get("site") or None,
            "phone": form.get("phone", "").strip() or None, "on_call": "on_call" in form,
            "active": "active" in form, "reason": form.get("reason", "").strip() or None}
    return _load_schema(UserUpdateSchema(), data)


@bp.route("/admin/users/<int:user_id>", methods=["POST"])
@console_requires(ADMIN)
def admin_update_user(user_id):
    """PATCH /users/{id}: role, site, phone, on call, active (deactivating revokes their sessions)."""
    user = users.load_user(user_id)
    try:
        check_version(user, _posted_version())
        changes = _user_changes(request.form)
        reason = changes.pop("reason", None)
        users.update_user(g.actor, utcnow(), user, changes, reason)
    except (Problem, FormErrors) as exc:
        errors = refused(exc, stale=_("Someone else changed this user while you were editing. The page now shows "
                                      "the current values; check them and save again."))
        return _user_page(db.session.get(User, user_id), errors.errors, dict(request.form), errors.message,
                          errors.status)
    flash(_("User %(username)s saved.", username=user.username), "success")
    return redirect(url_for("console.admin_user", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/password-reset", methods=["POST"])
@console_requires(ADMIN)
def admin_reset_password(user_id):
    """POST /users/{id}/password-reset: the one-time password is shown once, on this answer only."""
    user = users.load_user(user_id)
    password = users.reset_password(g.actor, utcnow(), user)
    return _user_page(user, one_time_password=password)


@bp.route("/admin/users/<int:user_id>/unlock", methods=["POST"])
@console_requires(ADMIN)
def admin_unlock_user(user_id):
    """POST /users/{id}/unlock: forget the failed logins and signatures that locked the user out."""
    user = users.load_user(user_id)
    auth.unlock(g.actor, utcnow(), user)
    flash(_("User %(username)s unlocked.", username=user.username), "success")
    return redirect(url_for("console.admin_user", user_id=user.id))


# -- sites ---------------------------------------------------------------------------------------
@bp.route("/admin/sites")
@console_requires(ADMIN)
def admin_sites():
    return _sites_page(typed=restore_form(url_for("console.admin_sites")))


def _sites_page(errors=None, typed=None, message=None, status=200):
    return render_template("console/admin_sites.html", sites=_all_sites(), errors=errors or {},
                           typed=typed or {}, error_message=message), status


@bp.route("/admin/sites", methods=["POST"])
@console_requires(ADMIN)
def admin_create_site():
    """POST /sites (a taken code is told beside the code; a phone is required once SMS is live)."""
    try:
        args = parse(SiteCreateSchema(), request.form)
        site = sites.create_site(g.actor, utcnow(), sends_sms=sites.sends_sms(current_app.config), **args)
    except (Problem, FormErrors) as exc:
        errors = _problem_on("code", refused(exc))
        return _sites_page(errors.errors, dict(request.form), errors.message, errors.status)
    flash(_("Site %(code)s created.", code=site.code), "success")
    return redirect(url_for("console.admin_site", code=site.code))


@bp.route("/admin/sites/<code>")
@console_requires(ADMIN)
def admin_site(code):
    site = sites.find_site_or_404(code)
    return _site_page(site, typed=restore_form(url_for("console.admin_site", code=site.code)) or None)


def _site_page(site, errors=None, typed=None, message=None, status=200):
    return render_template("console/admin_site.html", site=site, errors=errors or {}, typed=typed,
                           error_message=message), status


def _site_changes(form) -> dict:
    """The edit form as PATCH /sites/{code} fields (a blank SMS name or phone clears it)."""
    data = {name: form.get(name, "").strip() for name in ("name", "timezone", "haic_capacity", "quiet_start",
                                                           "quiet_end")}
    data.update({name: form.get(name, "").strip() or None for name in ("sms_name", "phone", "reason")})
    return _load_schema(SiteUpdateSchema(), data)


@bp.route("/admin/sites/<code>", methods=["POST"])
@console_requires(ADMIN)
def admin_update_site(code):
    """PATCH /sites/{code}; the version from the page is checked as If-Match would be."""
    site = sites.find_site_or_404(code)
    try:
        check_version(site, _posted_version())
        changes = _site_changes(request.form)
        reason = changes.pop("reason", None)
        sites.update_site(g.actor, utcnow(), site, changes, reason, sends_sms=sites.sends_sms(current_app.config))
    except (Problem, FormErrors) as exc:
        errors = refused(exc, stale=_("Someone else changed this site while you were editing. The page now shows "
                                      "the current values; check them and save again."))
        return _site_page(sites.find_site_or_404(code), errors.errors, dict(request.form), errors.message,
                          errors.status)
    flash(_("Site %(code)s saved.", code=site.code), "success")
    return redirect(url_for("console.admin_site", code=site.code))


# -- on-call rota --------------------------------------------------------------------------------
@bp.route("/admin/sites/<code>/on-call")
@console_requires(ADMIN)
def admin_on_call(code):
    site = sites.find_site_or_404(code)
    restored = restore_form(url_for("console.admin_on_call", code=site.code))
    if restored:  # posted after the session expired: the lines as typed
        return _rota_page(site, _posted_lines(restored))
    zone = ZoneInfo(site.timezone)
    lines = [{"user_id": str(s.user_id), "starts_at": s.starts_at.astimezone(zone).strftime(LOCAL_MINUTE),
              "ends_at": s.ends_at.astimezone(zone).strftime(LOCAL_MINUTE)} for s in on_call.rota(site.id)]
    return _rota_page(site, lines + [{}] * BLANK_ROTA_LINES)


def _rota_page(site, lines, errors=None, message=None, status=200):
    members = db.session.scalars(select(User).where(User.site_id == site.id, User.active.is_(True))
                                 .order_by(User.username)).all()
    return render_template("console/admin_on_call.html", site=site, lines=lines, members=members,
                           errors=errors or {}, error_message=message), status


def _posted_lines(form) -> list[dict]:
    """The rota lines as typed (user_id-N, starts_at-N, ends_at-N), in line order (at most MAX_ROTA_LINES)."""
    numbers = [int(number) for name, _dash, number in (key.rpartition("-") for key in form)
               if name in ROTA_FIELDS and number.isdigit() and int(number) < MAX_ROTA_LINES]
    return [{name: form.get(f"{name}-{n}", "").strip() for name in ROTA_FIELDS}
            for n in range(1 + max(numbers, default=-1))]


def _aware(value: str, zone: ZoneInfo) -> str:
    """A site-local "YYYY-MM-DDTHH:MM" as an ISO instant; anything else as typed (the schema refuses it)."""
    try:
        return datetime.strptime(value, LOCAL_MINUTE).replace(tzinfo=zone).isoformat()
    except ValueError:
        return value


def _rota_shifts(lines, zone) -> tuple[list[dict], list[int]]:
    """The filled lines through PUT /on-call's schema, and each shift's line number. Raises
    FormErrors keyed "<line>.<field>" as the service's own errors are."""
    numbers = [n for n, line in enumerate(lines) if any(line.values())]
    data = [{"user_id": lines[n]["user_id"], "starts_at": _aware(lines[n]["starts_at"], zone),
             "ends_at": _aware(lines[n]["ends_at"], zone)} for n in numbers]
    try:
        return OnCallShiftSchema(many=True).load(data), numbers
    except ValidationError as exc:
        raise FormErrors({f"{numbers[i]}.{field}": messages for i, fields in exc.messages.items()
                          for field, messages in fields.items()})


def _renumber(errors: dict, numbers: list[int]) -> dict:
    """The service's "<shift>.<field>" keys as "<line>.<field>" (blank lines are not shifts)."""
    renumbered = {}
    for key, messages in errors.items():
        index, _dot, field = key.partition(".")
        line = numbers[int(index)] if index.isdigit() and int(index) < len(numbers) else index
        renumbered[f"{line}.{field}"] = messages
    return renumbered


@bp.route("/admin/sites/<code>/on-call", methods=["POST"])
@console_requires(ADMIN)
def admin_replace_on_call(code):
    """PUT /sites/{code}/on-call: the whole rota replaced by the filled lines (blank a line to drop it)."""
    site = sites.find_site_or_404(code)
    lines = _posted_lines(request.form)
    numbers = []
    try:
        shifts, numbers = _rota_shifts(lines, ZoneInfo(site.timezone))
        on_call.replace_rota(g.actor, utcnow(), site, shifts)
    except (Problem, FormErrors) as exc:
        errors = refused(exc)
        found = _renumber(errors.errors, numbers) if isinstance(exc, Problem) else errors.errors
        return _rota_page(site, lines, found, errors.message, errors.status)
    flash(_("On-call rota of %(code)s saved.", code=site.code), "success")
    return redirect(url_for("console.admin_on_call", code=site.code))
