"""Input outside what Python or the database can hold is refused at the edge (issue 16,
item 4), for every field of its kind, before any view runs:

- URLs longer than MAX_URL_LENGTH → 414 (gunicorn's own, longer limit answers in HTML);
- integer path parameters above 2**31 − 1 (PostgreSQL `integer`) → 404 (no such record);
- strings with NUL or unpaired UTF-16 surrogates (PostgreSQL text refuses NUL; UTF-8
  cannot encode a lone surrogate) in the path, the query, a form or a JSON body → 422;
- JSON nested deeper than MAX_JSON_DEPTH → 400 (Python's parser would recurse);
- integers of id fields (`id`, `*_id`) in a JSON body above 2**31 − 1 → 422;
- dates (YYYY-MM-DD, also the date part of timestamps) outside DATE_RANGE → 422: years 1
  and 9999 overflow date arithmetic (schedule shifting adds months). The range holds any
  plausible birth date as well as any date of this trial.
"""
import json
import re
from datetime import date

from flask import request

from app.common.problems import NotFound, Problem, ValidationProblem

MAX_URL_LENGTH = 4096  # below gunicorn's limit_request_line (gunicorn.conf.py)
MAX_DB_INT = 2**31 - 1
MAX_JSON_DEPTH = 32
DATE_RANGE = (date(1900, 1, 1), date(2199, 12, 31))
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_DATE_PREFIX = re.compile(r"^(\d{4,})-(\d{2})-(\d{2})(?:$|[T ])")


def bad_string(value: str) -> bool:
    """NUL or a lone surrogate (a valid pair is one code point once decoded). Pure."""
    return _BAD_CHARS.search(value) is not None


def date_out_of_range(value: str) -> bool:
    """A string that starts like a date whose year lies outside DATE_RANGE. Pure."""
    match = _DATE_PREFIX.match(value)
    if not match:
        return False
    year = int(match.group(1))
    return not DATE_RANGE[0].year <= year <= DATE_RANGE[1].year


def _is_id_key(key) -> bool:
    return isinstance(key, str) and (key == "id" or key.endswith("_id") or key.endswith("_ids"))


def problems_in(value, *, max_depth=MAX_JSON_DEPTH) -> tuple[int, dict]:
    """Walk a decoded JSON value without recursion; return (status, errors) for the first
    kinds of trouble found: (400, ...) for depth, (422, field → messages), or (0, {})."""
    errors: dict = {}
    stack = [(value, 1, "_body", False)]
    while stack:
        item, depth, where, id_field = stack.pop()
        if depth > max_depth:
            return 400, {"_body": [f"JSON nested deeper than {max_depth} levels."]}
        if isinstance(item, dict):
            for key, child in item.items():
                if bad_string(key):
                    errors.setdefault(where, []).append("A key holds a NUL or an unpaired surrogate.")
                    continue
                stack.append((child, depth + 1, key, _is_id_key(key)))
        elif isinstance(item, list):
            stack.extend((child, depth + 1, where, id_field) for child in item)
        elif isinstance(item, str):
            _check_string(item, where, errors)
        elif isinstance(item, int) and not isinstance(item, bool) and id_field and not 0 <= item <= MAX_DB_INT:
            errors.setdefault(where, []).append("No such record.")
    return (422, errors) if errors else (0, {})


def _check_string(value: str, where: str, errors: dict) -> None:
    if bad_string(value):
        errors.setdefault(where, []).append("Text must not contain NUL characters or unpaired surrogates.")
    elif date_out_of_range(value):
        errors.setdefault(where, []).append(
            f"Dates must lie between {DATE_RANGE[0].isoformat()} and {DATE_RANGE[1].isoformat()}.")


def _check_view_args():
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and value > MAX_DB_INT:
            raise NotFound("No such record.")
        if isinstance(value, str) and bad_string(value):
            raise NotFound("No such record.")


def _check_multidict(values, errors):
    for key, value in values.items(multi=True):
        if bad_string(key):
            errors.setdefault("_query", []).append("A parameter name holds a NUL or an unpaired surrogate.")
        else:
            _check_string(value, key, errors)


def _check_json():
    if not request.is_json or not request.content_length:
        return
    try:
        decoded = json.loads(request.get_data(cache=True))
    except RecursionError:
        raise Problem(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.", status=400,
                      title="Bad request", slug="json-too-deep")
    except ValueError:
        return  # not JSON: the schema layer answers with its own 400/422
    status, errors = problems_in(decoded)
    if status == 400:
        raise Problem(errors["_body"][0], status=400, title="Bad request", slug="json-too-deep")
    if errors:
        raise ValidationProblem("The request has fields that are missing or invalid.", errors=errors)


def check_request():
    """before_request: raise a Problem for input the layers below cannot hold."""
    if len(request.environ.get("RAW_URI") or request.full_path) > MAX_URL_LENGTH:
        raise Problem(f"The URL is longer than {MAX_URL_LENGTH} characters.", status=414,
                      title="URI too long", slug="uri-too-long")
    _check_view_args()
    errors: dict = {}
    _check_multidict(request.args, errors)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_multidict(request.form, errors)
    if errors:
        raise ValidationProblem("The request has fields that are missing or invalid.", errors=errors)
    _check_json()
