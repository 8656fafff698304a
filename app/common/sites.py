"""Site lookup by code, shared by every domain that takes a `site` field."""
from sqlalchemy import select

from app.common.problems import ValidationProblem
from app.extensions import db
from app.models import Site


def find_site(code: str) -> Site:
    """The site with `code`; ValidationProblem (422, field "site") when there is none."""
    site = db.session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise ValidationProblem(f"No site with code {code!r}.", errors={"site": ["Unknown site."]})
    return site


def site_named(code: str, actor=None) -> Site:
    """`find_site(code)`, answered without a query when it is `actor`'s own site (already
    loaded with the actor)."""
    own = getattr(actor, "site", None)
    return own if own is not None and own.code == code else find_site(code)
