"""Investigator sign-off: an electronic signature (password re-entered; meaning, time and name audited)."""
from app.common.audit import log_change
from app.auth.passwords import verify_password
from app.common.problems import Conflict, Forbidden
from app.extensions import db

DEFAULT_MEANING = "I confirm the causality and seriousness assessment of this adverse event."


def sign_off(actor, now, event, *, password, meaning=None):
    """Sign as the investigator. The password proves who signs, not just who holds the token."""
    if actor.role != "investigator":
        raise Forbidden("Only an investigator can sign off an adverse event.")
    if not verify_password(actor.password_hash, password or ""):
        raise Forbidden("The password is not correct; the signature was not applied.", slug="signature-failed",
                        title="Signature failed")
    if event.retracted_at is not None:
        raise Conflict("A retracted adverse event cannot be signed.", slug="retracted")
    if event.signed_at is not None:
        raise Conflict("This assessment is already signed; a change of causality or seriousness reopens it.",
                       slug="already-signed")
    meaning = (meaning or DEFAULT_MEANING).strip()
    event.signed_at, event.signed_by_id, event.signature_meaning = now, actor.id, meaning
    db.session.flush()
    log_change(actor, now, "sign_off", "adverse_event", event.id, reason=meaning, site_id=event.site_id,
           after={"signed_at": now, "signer": actor.username, "signer_role": actor.role, "meaning": meaning,
                  "attribution": event.attribution, "serious": event.serious,
                  "seriousness_criteria": event.seriousness_criteria, "immune_related": event.immune_related})
    return event
