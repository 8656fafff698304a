"""The on-call rota of a site: who is paged for its alerts, from when to when.

API.md ("Second wave: more names, settled"): `GET/PUT /api/v1/sites/{code}/on-call`
`[{"user_id", "starts_at", "ends_at"}]`; a user's `on_call: true` means "always on call"
where the rota has nobody. `pageable_users` is what paging asks.
"""
from datetime import datetime

from sqlalchemy import delete, select

from app.common.audit import log_change
from app.common.problems import ValidationProblem
from app.extensions import db
from app.models import OnCallShift, User


def rota(site_id: int) -> list[OnCallShift]:
    """The site's shifts, in start order."""
    return list(db.session.scalars(select(OnCallShift).where(OnCallShift.site_id == site_id)
                                   .order_by(OnCallShift.starts_at, OnCallShift.id)))


def replace_rota(actor, now: datetime, site, shifts: list[dict]) -> list[OnCallShift]:
    """Replace the site's whole rota with `shifts` (dicts with user_id, starts_at, ends_at).

    Every user must be an active member of the site with a phone to page. Raises
    ValidationProblem (422) naming the offending line (`errors["0.user_id"]`).
    """
    errors = {}
    for index, shift in enumerate(shifts):
        user = db.session.get(User, shift["user_id"])
        if user is None or user.site_id != site.id or not user.active:
            errors[f"{index}.user_id"] = [f"No active user {shift['user_id']} at site {site.code}."]
        elif not user.phone:
            errors[f"{index}.user_id"] = [f"User {user.username} has no phone to page."]
    if errors:
        raise ValidationProblem("The rota names users who cannot be paged.", errors=errors)
    before = [_line(shift) for shift in rota(site.id)]
    db.session.execute(delete(OnCallShift).where(OnCallShift.site_id == site.id))
    rows = [OnCallShift(site_id=site.id, **shift) for shift in shifts]
    db.session.add_all(rows)
    db.session.flush()
    log_change(actor, now, "on_call:replace", "site", site.id, before={"rota": before},
               after={"rota": [_line(row) for row in rows]}, site_id=site.id)
    return rota(site.id)


def _line(shift) -> dict:
    return {"user_id": shift.user_id if isinstance(shift, OnCallShift) else shift["user_id"],
            "starts_at": shift.starts_at, "ends_at": shift.ends_at}


def pageable_users(site_id: int, now: datetime) -> list[User]:
    """Who to page at `site_id` at `now`: the active users with a phone whose rota shift
    covers `now`; when the rota has nobody then, the users flagged `on_call` (always on call)."""
    on_shift = db.session.scalars(
        select(User).join(OnCallShift, OnCallShift.user_id == User.id)
        .where(OnCallShift.site_id == site_id, OnCallShift.starts_at <= now, OnCallShift.ends_at > now,
               User.active.is_(True), User.phone.is_not(None))
        .order_by(User.id)).unique().all()
    if on_shift:
        return list(on_shift)
    return list(db.session.scalars(select(User).where(User.site_id == site_id, User.on_call.is_(True),
                                                      User.active.is_(True), User.phone.is_not(None))
                                   .order_by(User.id)))
