"""/follow-up (the coordinators' worklist) and /patients/{id}/contacts (the contact log)."""
from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from app.common.sites import find_site
from app.common.access import require_own_site
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.pagination import ListArgs, paginate
from app.common.schemas import page_schema
from app.followup import services
from app.followup.schemas import ContactCreateSchema, ContactSchema, FollowUpArgs, FollowUpSchema
from app.common.pagination import decode_cursor, encode_cursor
from app.models import ContactAttempt
from app.common.access import load_patient

blp = Blueprint("followup", __name__, url_prefix="/api/v1", description="Follow-up tracking and contacts")


@blp.route("/follow-up", methods=["GET"])
@requires(Capability.FOLLOW_UP)
@blp.arguments(FollowUpArgs, location="query")
@blp.response(200, FollowUpSchema)
def follow_up(args):
    site = None
    if args["site"]:
        site = find_site(args["site"])
        require_own_site(g.actor, site)
    now = utcnow()
    rows = services.follow_up_worklist(g.actor, now, site)
    for flag in ("overdue", "lost_to_follow_up_candidate"):
        if args[flag] is not None:
            rows = [row for row in rows if row[flag] is args[flag]]
    if args["updated_since"] is not None:
        changed = services.changed_patient_ids([row["patient_id"] for row in rows], args["updated_since"])
        rows = [row for row in rows if row["patient_id"] in changed]
    offset = decode_cursor(args["cursor"]) or 0
    page = rows[offset:offset + args["limit"]]
    more = len(rows) > offset + args["limit"]
    return {"as_of": now, "items": page,
            "lost_to_follow_up_candidates": [r["study_id"] for r in rows if r["lost_to_follow_up_candidate"]],
            "next_cursor": encode_cursor(offset + args["limit"]) if more else None}


@blp.route("/patients/<int:patient_id>/contacts", methods=["POST"])
@requires(Capability.FOLLOW_UP)
@blp.arguments(ContactCreateSchema)
@blp.response(201, ContactSchema)
def record_contact(args, patient_id):
    patient = load_patient(patient_id)
    return services.record_contact(g.actor, utcnow(), patient, **args), 201


@blp.route("/patients/<int:patient_id>/contacts", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_schema(ContactSchema))
def list_contacts(args, patient_id):
    load_patient(patient_id)
    return paginate(select(ContactAttempt).where(ContactAttempt.patient_id == patient_id), ContactAttempt, args)
