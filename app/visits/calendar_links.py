"""Calendar subscription links (issue 16, item 13; API.md: `POST /api/v1/patients/{id}/
calendar-links` → {"url"}, served at `GET /cal/{token}.ics` without a bearer token).

The token is 32 random bytes (URL-safe); only its SHA-256 is stored, so a database copy
gives no working link. One live link per patient: a new link revokes the previous ones
(that is how a lost phone's subscription is cut), and DELETE revokes them all. Each
creation and revocation is audited.
"""
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select, update

from app.common.audit import log_change
from app.extensions import db
from app.models import CalendarLink


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_all(actor, now, patient) -> int:
    """Revoke every live link of `patient`; returns how many (audited when any)."""
    revoked = db.session.execute(
        update(CalendarLink)
        .where(CalendarLink.patient_id == patient.id, CalendarLink.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False)).rowcount
    if revoked:
        log_change(actor, now, "calendar_link_revoked", "patient", patient.id, after={"revoked": revoked},
                   site_id=patient.site_id)
    return revoked


def create_link(actor, now, patient) -> str:
    """A new subscription URL for `patient` (older links revoked)."""
    revoke_all(actor, now, patient)
    token = secrets.token_urlsafe(32)
    link = CalendarLink(patient_id=patient.id, token_hash=_hash(token), created_at=now, created_by_id=actor.id)
    db.session.add(link)
    db.session.flush()
    log_change(actor, now, "calendar_link_created", "patient", patient.id, after={"link_id": link.id},
               site_id=patient.site_id)
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    return f"{base}/cal/{token}.ics"


def patient_for_token(token: str):
    """The patient behind a live link, or None (unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(CalendarLink).where(CalendarLink.token_hash == _hash(token),
                                                        CalendarLink.revoked_at.is_(None)))
    return link.patient if link is not None else None
