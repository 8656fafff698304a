"""Optimistic concurrency for tablets: `version` ↔ ETag, If-Match → 412."""
import hashlib

from flask import g, request

from app.common.problems import PreconditionFailed


def etag_for(obj) -> str:
    return f'"{obj.version}"'


def expected_version() -> int | None:
    """The version a client claims to have edited, from If-Match (None when absent or `*`).
    Calling it is what tells the request boundary that this write evaluated If-Match."""
    g.if_match_evaluated = True
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


# Created resources whose JSON nests the record under one of these keys (a view of it).
_NESTED = ("assessment", "visit", "adverse_event", "patient")


def created_version(body) -> int | None:
    """The version of the resource a 201 body describes (top level or nested), else None."""
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("version"), int):
        return body["version"]
    for key in _NESTED:
        if isinstance(body.get(key), dict) and isinstance(body[key].get("version"), int):
            return body[key]["version"]
    return None


def tag_created(response):
    """Every created resource answers with its ETag (API.md conventions), whichever view made it."""
    if response.status_code == 201 and "ETag" not in response.headers and response.is_json:
        body = response.get_json(silent=True)
        version = created_version(body)
        if version is not None:
            response.headers["ETag"] = f'"{version}"'
        elif isinstance(body, dict) and "id" in body:
            # A record that is never edited (a contact attempt) has no version: a weak tag of its content.
            response.headers["ETag"] = f'W/"{hashlib.sha256(response.get_data()).hexdigest()[:16]}"'
    return response


def install(app):
    app.after_request(tag_created)
