"""Cursor pagination and tablet delta sync (`updated_since`) for every list."""
import base64
import binascii
import json

from marshmallow import Schema, fields, validate
from app.common.problems import ValidationProblem
from app.extensions import db


class SyncArgs(Schema):
    """`updated_since` alone: for short lists served whole (a patient's visits)."""

    updated_since = fields.AwareDateTime(load_default=None, format="iso")


class ListArgs(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)
    updated_since = fields.AwareDateTime(load_default=None, format="iso")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"]
        if not isinstance(value, int):
            raise ValueError
        return value
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        raise ValidationProblem("The cursor is not one this API issued.", errors={"cursor": ["Invalid cursor."]})


def paginate(statement, model, args) -> dict:
    """Apply updated_since, cursor and limit (ordered by id) and return the list envelope."""
    if args.get("updated_since") is not None:
        statement = statement.where(model.updated_at > args["updated_since"])
    after = decode_cursor(args.get("cursor"))
    if after is not None:
        statement = statement.where(model.id > after)
    limit = args.get("limit", 50)
    rows = db.session.scalars(statement.order_by(model.id).limit(limit + 1)).unique().all()
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return {"items": rows[:limit], "next_cursor": next_cursor}
