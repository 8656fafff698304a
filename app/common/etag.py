"""Optimistic concurrency for tablets: `version` ↔ ETag, If-Match → 412."""
from flask import request

from app.common.problems import PreconditionFailed


def etag_for(obj) -> str:
    return f'"{obj.version}"'


def expected_version() -> int | None:
    """The version a client claims to have edited, from If-Match (None when absent or `*`)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError:
        raise PreconditionFailed(f"If-Match {header!r} is not an ETag this API issued.")


def check_version(obj, expected: int | None) -> None:
    if expected is not None and expected != obj.version:
        raise PreconditionFailed(
            f"This record changed since you loaded it (you have version {expected}, "
            f"the current version is {obj.version}). Reload and try again.",
            extra={"current_version": obj.version},
        )


def with_etag(obj, body=None, status=200):
    """A flask-smorest return value that carries the ETag header."""
    return (obj if body is None else body), status, {"ETag": etag_for(obj)}
