"""Per-patient links to the web symptom form: issue, send by templated SMS, resolve, revoke.

A token is 16 URL-safe random characters (96 bits; secrets.token_urlsafe): short enough
for an SMS, impossible to guess, and it carries no patient data. A link expires after
FORM_LINK_TTL_HOURS, serves at most FORM_LINK_MAX_USES submissions and can be revoked.
Services take `actor` and `now`, audit, flush and never commit.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from app.common.audit import log_change
from app.extensions import db
from app.models import FormLink, Message, Patient
from app.notifications.outbox import enqueue
from app.notifications.reminders import Decision
from app.notifications.templates import RenderedSms, render

PURPOSE = "form_link"
TEMPLATE_NAME = "form_link"
TOKEN_BYTES = 12  # → 16 characters
DEFAULT_TTL_HOURS, DEFAULT_MAX_USES = 72, 5
CHANNELS = ("sms", "form")
CHECKIN_ACTOR = "checkins"


@dataclass(frozen=True)
class LinkState:
    """A token looked up: the link, or why it cannot be used ("unknown", "expired", "revoked", "used_up")."""

    link: FormLink | None
    problem: str | None = None


from app.symptoms.checkins.services import checkin_channel  # noqa: E402,F401  (re-exported: one definition)


def link_url(public_base_url: str, token: str) -> str:
    """The patient's URL: PUBLIC_BASE_URL + /r/{token}."""
    return f"{public_base_url.rstrip('/')}/r/{token}"


def issue_link(actor, now: datetime, patient: Patient, *, ttl_hours: int = DEFAULT_TTL_HOURS,
               max_uses: int = DEFAULT_MAX_USES) -> FormLink:
    """A new link for `patient`; earlier links stay valid until they expire (a resend must
    not break the link in an SMS the patient is about to open)."""
    link = FormLink(token=secrets.token_urlsafe(TOKEN_BYTES), patient_id=patient.id,
                    expires_at=now + timedelta(hours=ttl_hours), max_uses=max_uses, uses=0,
                    created_by_id=getattr(actor, "id", None))
    db.session.add(link)
    db.session.flush()
    log_change(actor, now, "form_link_issued", "form_link", link.id,
               after={"patient_id": patient.id, "expires_at": link.expires_at, "max_uses": max_uses},
               site_id=patient.site_id)
    return link


def send_link(actor, now: datetime, patient: Patient, *, public_base_url: str, ttl_hours: int = DEFAULT_TTL_HOURS,
              max_uses: int = DEFAULT_MAX_USES) -> tuple[FormLink, Message | None]:
    """Issue a link and queue the `form_link` SMS (token as its only variable).

    The message is None when the patient cannot be texted (opted out): the link is still
    made, for staff to give by other means.
    """
    link = issue_link(actor, now, patient, ttl_hours=ttl_hours, max_uses=max_uses)
    message = None
    if not patient.sms_opted_out:
        message = enqueue(to_number=patient.phone, sms=render_link_sms(patient, public_base_url, link.token),
                          purpose=PURPOSE, now=now, patient=patient, expires_at=link.expires_at,
                          idempotency_key=f"{PURPOSE}:{link.id}")
    return link, message


def send_checkin_link(now: datetime, patient: Patient, checkin) -> bool:
    """A due check-in as a form link (site or patient `checkin_channel` "form"); True when queued.

    Keyed on the check-in (idempotent like SMS check-ins); the link lives as long as the
    check-in's window or FORM_LINK_TTL_HOURS, whichever is longer, so it can still be used.
    """
    from flask import current_app

    key = f"{PURPOSE}:checkin:{checkin.key}"
    taken = select(Message.id).where(Message.idempotency_key.startswith(f"{key}:", autoescape=True)).limit(1)
    if db.session.scalar(taken) is not None:
        return False
    config = current_app.config
    ttl = int(config.get("FORM_LINK_TTL_HOURS", DEFAULT_TTL_HOURS))
    link = issue_link(CHECKIN_ACTOR, now, patient, ttl_hours=ttl,
                      max_uses=int(config.get("FORM_LINK_MAX_USES", DEFAULT_MAX_USES)))
    message = enqueue(to_number=patient.phone, purpose=PURPOSE, now=now, patient=patient,
                      sms=render_link_sms(patient, config["PUBLIC_BASE_URL"], link.token),
                      send_at=max(checkin.send_at_utc, now), expires_at=checkin.expires_at_utc,
                      idempotency_key=f"{key}:{link.id}")
    return message is not None


def render_link_sms(patient: Patient, public_base_url: str, token: str) -> RenderedSms:
    """The `form_link` SMS in the patient's language: the site's neutral SMS name and the token are
    its variables; the base URL is a fixed part of the approved text (API.md: domestic templates)."""
    language = patient.language if patient.language in ("zh", "en") else "zh"
    return render(TEMPLATE_NAME, language, fixed={"link_base": public_base_url.rstrip("/")},
                  site=patient.site.sms_label(language), token=token)


def current_form_link_message(message: Message, patient: Patient, now: datetime) -> Decision:
    """Send-time decision for a queued form-link SMS: cancelled when its link is no longer usable."""
    link_id = int((message.idempotency_key or "").rsplit(":", 1)[-1] or 0)
    link = db.session.get(FormLink, link_id)
    state = _state(link, now)
    if state.problem:
        return Decision("cancel", reason=f"form link is {state.problem}")
    return Decision("send")  # the stored text and template stand (decide() falls back to them)


def resolve(token: str, now: datetime) -> LinkState:
    """Look a token up; a forged or malformed token is "unknown" (the same page as any other)."""
    if not token or len(token) > 64:
        return LinkState(None, "unknown")
    link = db.session.scalar(select(FormLink).where(FormLink.token == token))
    return _state(link, now)


def _state(link: FormLink | None, now: datetime) -> LinkState:
    if link is None:
        return LinkState(None, "unknown")
    if link.revoked_at is not None:
        return LinkState(link, "revoked")
    if now >= link.expires_at:
        return LinkState(link, "expired")
    if link.uses >= link.max_uses:
        return LinkState(link, "used_up")
    return LinkState(link)


def claim_use(link: FormLink, nonce: str, now: datetime) -> bool:
    """Count one submission under `nonce`; False when this nonce was already used (a double
    tap) or the link stopped being usable meanwhile. One conditional UPDATE: two requests
    racing with the same nonce cannot both win, on SQLite or PostgreSQL."""
    statement = (update(FormLink)
                 .where(FormLink.id == link.id, FormLink.revoked_at.is_(None), FormLink.expires_at > now,
                        FormLink.uses < FormLink.max_uses,
                        or_(FormLink.last_nonce.is_(None), FormLink.last_nonce != nonce))
                 .values(uses=FormLink.uses + 1, last_nonce=nonce)
                 .execution_options(synchronize_session=False))
    won = db.session.execute(statement).rowcount == 1
    db.session.refresh(link)
    return won


def revoke(actor, now: datetime, link: FormLink, reason: str | None = None) -> None:
    """Switch a link off at once."""
    if link.revoked_at is None:
        link.revoked_at = now
        patient = db.session.get(Patient, link.patient_id)
        log_change(actor, now, "form_link_revoked", "form_link", link.id, before={"revoked_at": None},
                   after={"revoked_at": now}, reason=reason, site_id=patient.site_id)
