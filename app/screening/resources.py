"""POST/GET /screenings, GET/PATCH /screenings/{id}: the screening log."""
from flask import g
from flask_smorest import Blueprint

from app.common.access import load_visible
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.etag import check_version, expected_version, with_etag
from app.common.pagination import paginate
from app.models import Screening
from app.screening import services
from app.screening.schemas import (ScreeningCreateSchema, ScreeningListArgs, ScreeningPageSchema, ScreeningSchema,
                                   ScreeningSummarySchema, ScreeningUpdateSchema)

blp = Blueprint("screening", __name__, url_prefix="/api/v1", description="Screening and the screening log")


@blp.route("/screenings", methods=["POST"])
@requires(Capability.SCREEN_PATIENTS)
@blp.arguments(ScreeningCreateSchema)
@blp.response(201, ScreeningSchema)
def create_screening(args):
    return with_etag(services.screen_candidate(g.actor, utcnow(), **args), status=201)


@blp.route("/screenings", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(ScreeningListArgs, location="query")
@blp.response(200, ScreeningPageSchema)
def list_screenings(args):
    statement = services.filtered(g.actor, args)
    page = paginate(services.with_verdict(statement, args["eligible"]), Screening, args)
    page["summary"] = services.summary(statement)
    return page


@blp.route("/screenings/summary", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(ScreeningListArgs, location="query")
@blp.response(200, ScreeningSummarySchema)
def screening_summary(args):
    return services.summary(services.filtered(g.actor, args))


@blp.route("/screenings/<int:screening_id>", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, ScreeningSchema)
def get_screening(screening_id):
    return with_etag(load_visible(Screening, screening_id, g.actor, what="screening"))


@blp.route("/screenings/<int:screening_id>", methods=["PATCH"])
@requires(Capability.SCREEN_PATIENTS)
@blp.arguments(ScreeningUpdateSchema)
@blp.response(200, ScreeningSchema)
def update_screening(args, screening_id):
    screening = load_visible(Screening, screening_id, g.actor, what="screening")
    check_version(screening, expected_version())
    return with_etag(services.rescreen(g.actor, utcnow(), screening, args["facts"], args["reason"]))
