from sqlalchemy import select

from app.common.audit import log_change, snapshot
from app.common.problems import Conflict, NotFound, ValidationProblem
from app.extensions import db
from app.models import Site

SITE_FIELDS = ("code", "name", "timezone", "phone", "haic_daily_capacity", "quiet_start", "quiet_end", "sms_name",
               "checkin_channel")


def create_site(actor, now, *, sends_sms: bool = False, **values):
    """Create a site from validated `values` (SITE_FIELDS) and audit it; flushes.

    Raises Conflict (409) when the code exists, and ValidationProblem (422) when the site
    `sends_sms` (a real SMS provider is configured) but has no contact phone: every patient
    text names the phone to call, and no template may render an empty variable.
    """
    check_sms_contact(values.get("phone"), sends_sms)
    if db.session.scalar(select(Site.id).where(Site.code == values["code"])):
        raise Conflict(f"A site with code {values['code']!r} exists.")
    site = Site(**values)
    db.session.add(site)
    db.session.flush()
    log_change(actor, now, "create", "site", site.id, after={k: values.get(k) for k in SITE_FIELDS}, site_id=site.id)
    return site


def check_sms_contact(phone: str | None, sends_sms: bool) -> None:
    """Raise ValidationProblem when a site that sends SMS has no contact phone (create and update)."""
    if sends_sms and not (phone or "").strip():
        message = "A site that sends SMS needs a contact phone: every text tells the patient whom to call."
        raise ValidationProblem(message, errors={"phone": [message]})


def sends_sms(config) -> bool:
    """True when a real SMS provider is configured (SMS_BACKEND other than "console")."""
    return (config.get("SMS_BACKEND") or "console").lower() != "console"


def visible_sites(actor):
    """A SELECT of the sites `actor` may see: all for an admin, their own otherwise."""
    statement = select(Site)
    return statement if actor.is_admin else statement.where(Site.id == actor.site_id)


UPDATABLE = ("name", "sms_name", "phone", "timezone", "haic_daily_capacity", "quiet_start", "quiet_end")


def find_site_or_404(code: str) -> Site:
    """The site with `code`, or NotFound (404)."""
    site = db.session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise NotFound(f"No site with code {code!r}.")
    return site


def update_site(actor, now, site: Site, changes: dict, reason: str | None = None, *, sends_sms: bool = False) -> Site:
    """Apply `changes` (name, sms_name, phone, timezone, haic_capacity / haic_daily_capacity,
    quiet hours) to `site`, audited with before and after. The code never changes (it is
    in every study id). Raises ValidationProblem (422) when the change would leave a site that
    `sends_sms` without a contact phone (as `create_site` does)."""
    if "phone" in changes:
        check_sms_contact(changes["phone"], sends_sms)
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
