"""Idempotency-Key: a repeated POST by the same user returns the first response.

Edges (issue 16, item 10): the same key with a different body is a 422; a retry that runs
concurrently with the first request loses the race on the (user, key) unique constraint and
then gets the stored response (request boundary); stored responses hold PHI, so they expire
after IDEMPOTENCY_TTL_HOURS (an expired key counts as new) and `purge_expired` deletes them
(scheduler job "idempotency-purge", `flask idempotency purge`).
"""
import hashlib
import json
from datetime import timedelta

from flask import current_app, g, request
from sqlalchemy import delete, select

from app.common.jobs import job
from app.common.problems import ValidationProblem
from app.extensions import db
from app.models import IdempotencyRecord

MAX_KEY_LENGTH = 200
REPLAYED_HEADERS = ("ETag", "Location", "Content-Type")


def idempotency_key() -> str | None:
    if request.method != "POST":
        return None
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise ValidationProblem("Idempotency-Key must be 1 to 200 characters.",
                                errors={"Idempotency-Key": ["Invalid key."]})
    return key.strip()


def request_hash() -> str:
    return hashlib.sha256(request.get_data(cache=True)).hexdigest()


def _ttl():
    return timedelta(hours=int(current_app.config.get("IDEMPOTENCY_TTL_HOURS", 24)))


def replay_if_seen(actor, key, now=None):
    """The stored response for (actor, key), or None when this is the first request (or the
    stored one has expired: it is deleted). Raises 422 for a key reused with another
    endpoint or another body."""
    stored = db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == actor.id, IdempotencyRecord.key == key))
    if stored is None:
        return None
    if now is not None and stored.created_at <= now - _ttl():
        db.session.delete(stored)
        db.session.flush()
        return None
    if stored.path != request.path:
        raise ValidationProblem("This Idempotency-Key was already used for another request.",
                                errors={"Idempotency-Key": ["Reused for a different endpoint."]})
    if stored.request_hash is not None and stored.request_hash != request_hash():
        raise ValidationProblem("This Idempotency-Key was already used with a different body.",
                                errors={"Idempotency-Key": ["Reused with a different request body."]})
    response = current_app.response_class(stored.body, status=stored.status_code)
    for name, value in json.loads(stored.headers).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(actor, key, response, now) -> None:
    """Store the first response; 5xx answers are not remembered so a retry can succeed."""
    if response.status_code >= 500:
        return
    headers = {h: response.headers[h] for h in REPLAYED_HEADERS if h in response.headers}
    db.session.add(IdempotencyRecord(
        user_id=actor.id, key=key, method=request.method, path=request.path,
        status_code=response.status_code, body=response.get_data(as_text=True),
        headers=json.dumps(headers), created_at=now, request_hash=request_hash()))
    g.idempotency_stored = True


def purge_expired(now, ttl_hours: int) -> int:
    """Delete stored responses older than `ttl_hours`; returns how many (caller commits)."""
    statement = delete(IdempotencyRecord).where(IdempotencyRecord.created_at <= now - timedelta(hours=ttl_hours))
    return db.session.execute(statement).rowcount


@job("idempotency-purge", every=timedelta(hours=1))
def purge_job(now) -> dict:
    """Delete stored Idempotency-Key responses older than IDEMPOTENCY_TTL_HOURS (they hold PHI)."""
    return {"purged": purge_expired(now, int(current_app.config.get("IDEMPOTENCY_TTL_HOURS", 24)))}
