"""Read a posted form with the API's own marshmallow schema, so both clients validate alike;
and recognise a form sent twice (a double tap, a resend after a slow answer)."""
import uuid

from flask import session
from marshmallow import ValidationError

from app.common.problems import Problem

SUBMISSIONS_KEY = "console_submissions"
KEPT_SUBMISSIONS = 20
NOT_FIELDS = ("csrf_token", "version", "submission")


class FormErrors(Exception):
    """Field → messages, shown next to each field; the page keeps what the user typed."""

    def __init__(self, errors: dict, message: str | None = None, status: int = 422):
        super().__init__(message or "Please correct the fields marked below.")
        self.errors, self.message, self.status = errors, message, status


def parse(schema, form) -> dict:
    """`form` (request.form) through `schema`; blank optional fields are missing, not ""."""
    data = {k: v for k, v in form.items() if k not in NOT_FIELDS and v.strip() != ""}
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise FormErrors(exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages})


def from_problem(problem: Problem) -> FormErrors:
    """A service's Problem (422 with field errors, 409, 412 ...) as errors the page can show."""
    return FormErrors(getattr(problem, "errors", None) or {}, problem.detail, problem.status)


def refused(exc: Exception, stale: str | None = None) -> FormErrors:
    """What a form's submission was refused for (its own FormErrors, or a service's Problem),
    after rolling back whatever the attempt had written. `stale`: the page's own words for a
    412 (the record changed since the page was shown), instead of the service's."""
    from app.extensions import db

    db.session.rollback()
    errors = exc if isinstance(exc, FormErrors) else from_problem(exc)
    if stale is not None and errors.status == 412:
        errors.message = stale
    return errors


def submission_token(values=None) -> str:
    """The hidden `submission` value of a form that creates a record: the one the form was
    shown with (kept when the page comes back with errors), else a new one."""
    return (values or {}).get("submission") or uuid.uuid4().hex


def earlier_result(form) -> str | None:
    """Where the first send of this very form led (a URL), when it is sent again; else None.
    The browser's session holds the last KEPT_SUBMISSIONS tokens, so a double tap on one tablet
    writes once (the API's equivalent is the Idempotency-Key header)."""
    token = form.get("submission", "")
    return session.get(SUBMISSIONS_KEY, {}).get(token) if token else None


def remember_result(form, url: str) -> None:
    """Record that this form's submission led to `url` (after its write succeeded)."""
    token = form.get("submission", "")
    if token:
        kept = dict(list(session.get(SUBMISSIONS_KEY, {}).items())[-(KEPT_SUBMISSIONS - 1):])
        kept[token] = url
        session[SUBMISSIONS_KEY] = kept
