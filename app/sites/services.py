from sqlalchemy import select

from app.common.audit import log_change
from app.common.problems import Conflict
from app.extensions import db
from app.models import Site

SITE_FIELDS = ("code", "name", "timezone", "phone", "haic_daily_capacity", "quiet_start", "quiet_end", "sms_name",
               "checkin_channel")


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
