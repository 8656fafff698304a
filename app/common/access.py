"""Site scoping: users other than admins see only their own site; elsewhere is a 404."""
from flask import g

from app.common.problems import Forbidden, NotFound
from app.extensions import db
from app.models import Patient


def can_see_site(actor, site_id) -> bool:
    return actor.is_admin or actor.site_id == site_id


def scope_to_site(statement, actor, site_column):
    return statement if actor.is_admin else statement.where(site_column == actor.site_id)


def load_visible(model, obj_id, actor, *, site_of=lambda obj: obj.site_id, what=None):
    """Load by id or 404 — also 404 (not 403) for another site's records, so ids leak nothing."""
    obj = db.session.get(model, obj_id)
    if obj is None or not can_see_site(actor, site_of(obj)):
        raise NotFound(f"No {what or model.__name__.lower()} with id {obj_id}.")
    return obj


def load_patient(patient_id: int) -> Patient:
    """The patient with `patient_id` if the current actor may see it; NotFound (404) otherwise."""
    return load_visible(Patient, patient_id, g.actor, what="patient")


def require_own_site(actor, site) -> None:
    if not can_see_site(actor, site.id):
        raise Forbidden(f"You can only act for your own site, not {site.code}.")
