"""GET /audit?entity=&id= for coordinators and admins."""
from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from app.audit.schemas import AuditArgs, AuditEntrySchema
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.pagination import paginate
from app.common.schemas import page_schema
from app.models import AuditEntry

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="The audit trail")


@blp.route("/audit", methods=["GET"])
@requires(Capability.VIEW_AUDIT)
@blp.arguments(AuditArgs, location="query")
@blp.response(200, page_schema(AuditEntrySchema))
def list_audit(args):
    statement = select(AuditEntry)
    if not g.actor.is_admin:
        statement = statement.where(AuditEntry.site_id == g.actor.site_id)
    if args["entity"]:
        statement = statement.where(AuditEntry.entity == args["entity"])
    if args["id"]:
        statement = statement.where(AuditEntry.entity_id == args["id"])
    args["updated_since"] = None  # audit rows never change; `at` is their time
    return paginate(statement, AuditEntry, args)
