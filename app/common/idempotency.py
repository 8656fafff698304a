"""Idempotency-Key: a repeated POST by the same user returns the first response."""
import json

from flask import current_app, g, request
from sqlalchemy import select

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


def replay_if_seen(actor, key):
    """The stored response for (actor, key), or None when this is the first request."""
    stored = db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == actor.id, IdempotencyRecord.key == key))
    if stored is None:
        return None
    if stored.path != request.path:
        raise ValidationProblem("This Idempotency-Key was already used for another request.",
                                errors={"Idempotency-Key": ["Reused for a different endpoint."]})
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
        headers=json.dumps(headers), created_at=now))
    g.idempotency_stored = True
