"""Investigator sign-off: an electronic signature (password re-entered; meaning, time and name audited)."""
from flask import current_app

from app.auth import throttle
from app.common.audit import log_change
from app.auth.passwords import verify_password
from app.common.problems import Conflict, Forbidden, TooManyRequests
from app.extensions import db

DEFAULT_MEANING = "I confirm the causality and seriousness assessment of this adverse event."


def sign_off(actor, now, event, *, password, meaning=None):
    """Sign as the investigator. The password proves who signs, not just who holds the token.

    Whether the record can be signed is decided before the password is looked at, so a
    record that cannot be signed answers 409 whatever the password (no password oracle).
    Wrong passwords are counted per signer, apart from logins (SIGNATURE_MAX_FAILURES per
    LOGIN_LOCKOUT_SECONDS, then 429), and each is audited (issue 16, item 2).
    """
    if actor.role != "investigator":
        raise Forbidden("Only an investigator can sign off an adverse event.")
    if event.retracted_at is not None:
        raise Conflict("A retracted adverse event cannot be signed.", slug="retracted")
    if event.signed_at is not None:
        raise Conflict("This assessment is already signed; a change of causality or seriousness reopens it.",
                       slug="already-signed")
    _check_password(actor, now, event, password)
    meaning = (meaning or DEFAULT_MEANING).strip()
    event.signed_at, event.signed_by_id, event.signature_meaning = now, actor.id, meaning
    db.session.flush()
    log_change(actor, now, "sign_off", "adverse_event", event.id, reason=meaning, site_id=event.site_id,
           after={"signed_at": now, "signer": actor.username, "signer_role": actor.role, "meaning": meaning,
                  "attribution": event.attribution, "serious": event.serious,
                  "seriousness_criteria": event.seriousness_criteria, "immune_related": event.immune_related})
    return event


def _check_password(actor, now, event, password):
    config = current_app.config
    reservation = throttle.reserve(throttle.SIGNATURE, str(actor.id), "-", now,
                                   limit=config["SIGNATURE_MAX_FAILURES"], window_s=config["LOGIN_LOCKOUT_SECONDS"])
    if reservation.over_limit:
        wait = reservation.retry_after(now)
        problem = TooManyRequests(f"Too many wrong signature passwords. Try again in {wait} seconds.",
                                  headers={"Retry-After": str(wait)})
        if reservation.just_locked:
            _audit_failure(actor, now, event, "signature_locked")
            problem.keep_changes = True
        raise problem
    if not verify_password(actor.password_hash, password or ""):
        _audit_failure(actor, now, event, "signature_failed")
        problem = Forbidden("The password is not correct; the signature was not applied.", slug="signature-failed",
                            title="Signature failed")
        problem.keep_changes = True  # the audit entry of the failure stays
        raise problem
    throttle.clear(throttle.SIGNATURE, str(actor.id))


def _audit_failure(actor, now, event, action):
    log_change(actor, now, action, "adverse_event", event.id, site_id=event.site_id,
               after={"signer": actor.username, "attempts_counted": True})
