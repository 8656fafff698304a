"""/alerts: the nurse's list of open alerts (every domain's) and their acknowledgement."""
from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.alerts import services
from app.alerts.schemas import AcknowledgeSchema, AlertListArgs, AlertNoteSchema, AlertSchema
from app.common.sites import find_site
from app.common.access import load_visible, scope_to_site
from app.common.permissions import Capability, has_capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.etag import check_version, expected_version, with_etag
from app.common.pagination import paginate
from app.common.schemas import page_schema
from app.models import Alert

blp = Blueprint("alerts", __name__, url_prefix="/api/v1", description="Alerts for the nurse")


@blp.route("/alerts", methods=["GET"])
@requires(Capability.HANDLE_ALERTS)
@blp.arguments(AlertListArgs, location="query")
@blp.response(200, page_schema(AlertSchema))
def list_alerts(args):
    statement = scope_to_site(select(Alert).options(selectinload(Alert.patient)), g.actor, Alert.site_id)
    if not has_capability(g.actor.role, Capability.MANAGE_MESSAGES):
        # a text from an unknown number is for coordinators and admins (API.md, second wave)
        statement = statement.where(Alert.kind != "unmatched_message")
    if args["site"]:
        statement = statement.where(Alert.site_id == find_site(args["site"]).id)
    for column in ("status", "kind", "patient_id"):
        if args[column] is not None:
            statement = statement.where(getattr(Alert, column) == args[column])
    return paginate(statement, Alert, args)


@blp.route("/alerts/<int:alert_id>", methods=["GET"])
@requires(Capability.HANDLE_ALERTS)
@blp.response(200, AlertSchema)
def get_alert(alert_id):
    return with_etag(load_visible(Alert, alert_id, g.actor, what="alert"))


@blp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@requires(Capability.HANDLE_ALERTS)
@blp.arguments(AcknowledgeSchema)
@blp.response(200, AlertSchema)
def acknowledge(args, alert_id):
    alert = load_visible(Alert, alert_id, g.actor, what="alert")
    check_version(alert, expected_version())
    return with_etag(services.acknowledge(g.actor, utcnow(), alert, args["note"]))


@blp.route("/alerts/<int:alert_id>/notes", methods=["POST"])
@requires(Capability.HANDLE_ALERTS)
@blp.arguments(AlertNoteSchema)
@blp.response(201, AlertSchema)
@blp.doc(summary="Add a note to an alert (open or acknowledged)")
def add_note(args, alert_id):
    alert = load_visible(Alert, alert_id, g.actor, what="alert")
    check_version(alert, expected_version())
    return with_etag(services.add_note(g.actor, utcnow(), alert, args["note"]), status=201)
