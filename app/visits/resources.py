"""/visits (the nurse's views), /visits/{id} and its lifecycle, /patients/{id}/visits,
/patients/{id}/calendar.ics, /patients/{id}/calendar-links and /cal/{token}.ics."""

from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.common.sites import site_named
from app.common.access import load_visible, require_own_site
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.etag import check_version, expected_version, with_etag
from app.common.pagination import SyncArgs
from app.common.schemas import page_schema
from app.visits.readiness_queries import annotate_visits
from app.models import Visit
from app.common.access import load_patient
from app.common.problems import NotFound
from app.visits import calendar_links, ical, lifecycle, rescheduling, view_cache, views
from app.visits.schemas import (CompleteSchema, DayViewSchema, MovedSchema, RescheduleSchema, ReschedulePreviewArgs,
                                ReschedulePreviewSchema, VisitCorrectionSchema, VisitListArgs, VisitReasonSchema,
                                VisitSchema)

blp = Blueprint("visits", __name__, url_prefix="/api/v1", description="Visits and calendars")
cal_blp = Blueprint("calendar-subscriptions", __name__, url_prefix="/cal",
                    description="Calendar subscriptions by link (no bearer token)")


def load_visit(visit_id):
    return load_visible(Visit, visit_id, g.actor, what="visit")


def load_for_write(visit_id):
    visit = load_visit(visit_id)
    check_version(visit, expected_version())
    return visit


@blp.route("/visits", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(VisitListArgs, location="query")
@blp.response(200, DayViewSchema)
def list_visits(args):
    site = site_named(args["site"], g.actor) if args["site"] else None
    if site is not None:
        require_own_site(g.actor, site)
    first, last = views.view_days(g.actor, site, utcnow(), args["from_"], args["to"])
    # The page depends on the rows the caller may see (scope_to_site) and on every argument.
    key = ("day", None if g.actor.is_admin else g.actor.site_id, site.id if site else None, first, last,
           args["kind"], args["status"], args["cursor"], args["limit"], args["include_cancelled"],
           args["updated_since"])
    # Already JSON-shaped (see views.day_item; a test keeps it equal to the schema's dump);
    # plain compact dumps: sorting keys of a busy week costs more than the query.
    body = view_cache.json_body(key, lambda: views.day_view(
        g.actor, site, first, last, kind=args["kind"], status=args["status"], cursor=args["cursor"],
        limit=args["limit"], include_cancelled=args["include_cancelled"], updated_since=args["updated_since"]))
    return Response(body, mimetype="application/json")


@blp.route("/visits/<int:visit_id>", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, VisitSchema)
def get_visit(visit_id):
    return with_etag(load_visit(visit_id))


@blp.route("/patients/<int:patient_id>/visits", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(SyncArgs, location="query")
@blp.response(200, page_schema(VisitSchema))
def patient_visits(args, patient_id):
    load_patient(patient_id)
    # Built as JSON values directly, like the day view (a test keeps them equal to VisitSchema's
    # dump); readiness in one query for the whole list.
    body = view_cache.json_body(("timeline", patient_id, args["updated_since"]), lambda: {
        "items": views.timeline_items(patient_id, updated_since=args["updated_since"]), "next_cursor": None})
    return Response(body, mimetype="application/json")


@blp.route("/visits/<int:visit_id>/reschedule", methods=["POST"])
@requires(Capability.SCHEDULE_VISITS)
@blp.arguments(RescheduleSchema)
@blp.response(200, MovedSchema)
def reschedule(args, visit_id):
    visit, moved = lifecycle.reschedule_visit(g.actor, utcnow(), load_for_write(visit_id),
                                              args["date"], args["reason"])
    annotate_visits([visit, *moved])  # readiness of the lot in one query
    return with_etag(visit, {"visit": visit, "moved": moved})


@blp.route("/visits/<int:visit_id>/reschedule/preview", methods=["POST"])
@requires(Capability.SCHEDULE_VISITS)
@blp.arguments(ReschedulePreviewArgs)
@blp.response(200, ReschedulePreviewSchema)
@blp.doc(summary="What a reschedule to this day would move (nothing is written)")
def preview_reschedule(args, visit_id):
    """The cascade POST /visits/{id}/reschedule would apply, computed by the same code, with the
    same refusals (409 for a closed visit, 422 for a day in the past, out of range or too close to
    the previous dose). Writes nothing; send the ETag back as If-Match when you confirm. An
    If-Match here is compared like the reschedule's own (a stale one answers 412)."""
    visit = load_for_write(visit_id)
    moves = rescheduling.preview_reschedule(utcnow(), visit, args["date"])
    annotate_visits([visit])
    return with_etag(visit, {"visit": visit, "moves": moves})


@blp.route("/visits/<int:visit_id>/complete", methods=["POST"])
@requires(Capability.SCHEDULE_VISITS)
@blp.arguments(CompleteSchema)
@blp.response(200, MovedSchema)
def complete(args, visit_id):
    visit, moved = lifecycle.complete_visit(g.actor, utcnow(), load_for_write(visit_id), **args)
    annotate_visits([visit, *moved])
    return with_etag(visit, {"visit": visit, "moved": moved})


@blp.route("/visits/<int:visit_id>/miss", methods=["POST"])
@requires(Capability.SCHEDULE_VISITS)
@blp.arguments(VisitReasonSchema)
@blp.response(200, VisitSchema)
def miss(args, visit_id):
    return with_etag(lifecycle.miss_visit(g.actor, utcnow(), load_for_write(visit_id),
                                          args["reason"]))


@blp.route("/visits/<int:visit_id>/cancel", methods=["POST"])
@requires(Capability.SCHEDULE_VISITS)
@blp.arguments(VisitReasonSchema)
@blp.response(200, VisitSchema)
def cancel(args, visit_id):
    return with_etag(lifecycle.cancel_visit(g.actor, utcnow(), load_for_write(visit_id),
                                            args["reason"]))


@blp.route("/patients/<int:patient_id>/calendar.ics", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, content_type=ical.CONTENT_TYPE)
def calendar(patient_id):
    patient = load_patient(patient_id)
    body = ical.patient_calendar(patient, views.timeline(patient_id), utcnow())
    return Response(body, mimetype=ical.CONTENT_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{patient.study_id}.ics"'})


@blp.route("/visits/<int:visit_id>", methods=["PATCH"])
@requires(Capability.SCHEDULE_VISITS)
@blp.arguments(VisitCorrectionSchema)
@blp.response(200, MovedSchema)
@blp.doc(summary="Correct a completed visit's actual date or dose (with a reason)")
def correct(args, visit_id):
    """The reason and the before and after go to the audit trail. A corrected dose day
    re-anchors the later treatment cycles (listed in `moved`)."""
    from app.visits.corrections import correct_completed_visit

    reason = args.pop("reason")
    visit, moved = correct_completed_visit(g.actor, utcnow(), load_for_write(visit_id), reason, **args)
    return with_etag(visit, {"visit": visit, "moved": moved})


@blp.route("/visits/<int:visit_id>/reschedule/undo", methods=["POST"])
@requires(Capability.SCHEDULE_VISITS)
@blp.arguments(VisitReasonSchema)
@blp.response(200, MovedSchema)
@blp.doc(summary="Undo the last reschedule of a visit: every visit it moved goes back")
def undo_reschedule(args, visit_id):
    from app.visits.corrections import undo_reschedule as undo

    visit, moved = undo(g.actor, utcnow(), load_for_write(visit_id), args["reason"])
    return with_etag(visit, {"visit": visit, "moved": moved})


class CalendarLinkSchema(Schema):
    url = fields.String()


@blp.route("/patients/<int:patient_id>/calendar-links", methods=["POST"])
@requires(Capability.EDIT_PATIENTS)
@blp.response(201, CalendarLinkSchema)
def create_calendar_link(patient_id):
    return {"url": calendar_links.create_link(g.actor, utcnow(), load_patient(patient_id))}


@blp.route("/patients/<int:patient_id>/calendar-links", methods=["DELETE"])
@requires(Capability.EDIT_PATIENTS)
@blp.response(204)
def revoke_calendar_links(patient_id):
    calendar_links.revoke_all(g.actor, utcnow(), load_patient(patient_id))


@cal_blp.route("/<string:token>.ics", methods=["GET"])
@cal_blp.response(200, content_type=ical.CONTENT_TYPE)
def subscribed_calendar(token):
    patient = calendar_links.patient_for_token(token)
    if patient is None:
        raise NotFound("No such calendar (the link may have been revoked).")
    body = ical.patient_calendar(patient, views.timeline(patient.id), utcnow())
    return Response(body, mimetype=ical.CONTENT_TYPE)
