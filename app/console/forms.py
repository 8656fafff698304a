"""Read a posted form with the API's own marshmallow schema, so both clients validate alike."""
from marshmallow import ValidationError

from app.common.problems import Problem


class FormErrors(Exception):
    """Field → messages, shown next to each field; the page keeps what the user typed."""

    def __init__(self, errors: dict, message: str | None = None, status: int = 422):
        super().__init__(message or "Please correct the fields marked below.")
        self.errors, self.message, self.status = errors, message, status


def parse(schema, form) -> dict:
    """`form` (request.form) through `schema`; blank optional fields are missing, not ""."""
    data = {k: v for k, v in form.items() if k not in ("csrf_token", "version") and v.strip() != ""}
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise FormErrors(exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages})


def from_problem(problem: Problem) -> FormErrors:
    """A service's Problem (422 with field errors, 409, 412 ...) as errors the page can show."""
    return FormErrors(getattr(problem, "errors", None) or {}, problem.detail, problem.status)


def refused(exc: Exception) -> FormErrors:
    """What a form's submission was refused for (its own FormErrors, or a service's Problem),
    after rolling back whatever the attempt had written."""
    from app.extensions import db

    db.session.rollback()
    return exc if isinstance(exc, FormErrors) else from_problem(exc)
