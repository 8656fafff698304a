"""Write audit entries. Every service that changes clinical data calls `log_change`."""
from datetime import date, datetime
from decimal import Decimal

from app.common.problems import ValidationProblem
from app.extensions import db
from app.models import AuditEntry


def jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj, fields) -> dict:
    """The audited values of `obj`, JSON-ready."""
    return {name: jsonable(getattr(obj, name)) for name in fields}


def changed(before: dict, after: dict) -> dict:
    return {k: v for k, v in after.items() if before.get(k) != v}


def require_reason(reason: str | None) -> str:
    """Changing recorded clinical data needs a reason (ICH GCP audit trail)."""
    if not reason or not reason.strip():
        raise ValidationProblem("A reason is required to change recorded clinical data.",
                                errors={"reason": ["A reason for the change is required."]})
    return reason.strip()


# Phone numbers are PHI: audit values keep the last four digits only (issue 16, item 14).
PHONE_KEYS = frozenset({"phone", "to_number", "from_number", "mobile"})


def mask_phone_values(values: dict | None) -> dict | None:
    """`values` with every phone-number field masked to '…1234' (nested dicts too). Pure."""
    if not isinstance(values, dict):
        return values
    from app.common.logs import mask_phone

    return {key: (mask_phone(value) if key in PHONE_KEYS and isinstance(value, str)
                  else mask_phone_values(value) if isinstance(value, dict) else value)
            for key, value in values.items()}


def log_change(actor, now, action, entity, entity_id, *, before=None, after=None, reason=None, site_id=None):
    before, after = mask_phone_values(before), mask_phone_values(after)
    entry = AuditEntry(
        at=now,
        actor_id=getattr(actor, "id", None),
        actor=getattr(actor, "username", None) or str(actor or "system"),
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        site_id=site_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        reason=reason,
    )
    db.session.add(entry)
    return entry
