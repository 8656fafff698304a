from sqlalchemy import select

from app.common.audit import log_change, snapshot
from app.common.problems import Conflict, NotFound
from app.extensions import db
from app.models import Site

SITE_FIELDS = ("code", "name", "timezone", "phone", "haic_daily_capacity", "quiet_start", "quiet_end", "sms_name")


def create_site(actor, now, **values):
    if db.session.scalar(select(Site.id).where(Site.code == values["code"])):
        raise Conflict(f"A site with code {values['code']!r} exists.")
    site = Site(**values)
    db.session.add(site)
    db.session.flush()
    log_change(actor, now, "create", "site", site.id, after={k: values.get(k) for k in SITE_FIELDS}, site_id=site.id)
    return site


def visible_sites(actor):
    statement = select(Site)
    return statement if actor.is_admin else statement.where(Site.id == actor.site_id)


UPDATABLE = ("name", "sms_name", "phone", "timezone", "haic_daily_capacity", "quiet_start", "quiet_end")


def find_site_or_404(code: str) -> Site:
    """The site with `code`, or NotFound (404)."""
    site = db.session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise NotFound(f"No site with code {code!r}.")
    return site


def update_site(actor, now, site: Site, changes: dict, reason: str | None = None) -> Site:
    """Apply `changes` (name, sms_name, phone, timezone, haic_capacity / haic_daily_capacity,
    quiet hours) to `site`, audited with before and after. The code never changes (it is
    in every study id)."""
    if "haic_capacity" in changes:
        changes["haic_daily_capacity"] = changes.pop("haic_capacity")
    before = snapshot(site, UPDATABLE)
    for name in UPDATABLE:
        if name in changes:
            setattr(site, name, changes[name])
    db.session.flush()
    log_change(actor, now, "update", "site", site.id, before=before, after=snapshot(site, UPDATABLE),
               reason=reason, site_id=site.id)
    return site
