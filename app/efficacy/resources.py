"""/reports/efficacy (JSON), its Kaplan-Meier curves and the swimmer plot (PNG or SVG)."""
from flask import Response, g
from flask_smorest import Blueprint

from app.common.sites import find_site
from app.common.access import require_own_site
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.efficacy import services
from app.efficacy.schemas import EfficacySchema, KmArgs, ReportArgs, SwimmerArgs

blp = Blueprint("efficacy", __name__, url_prefix="/api/v1", description="Efficacy endpoints and plots")
MIMETYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _scope(args):
    site = None
    if args["site"]:
        site = find_site(args["site"])
        require_own_site(g.actor, site)
    return services.resolve_cutoff(utcnow(), args["cutoff"]), site


def _image(data: bytes, fmt: str) -> Response:
    return Response(data, mimetype=MIMETYPES[fmt], headers={"Cache-Control": "no-store"})


@blp.route("/reports/efficacy", methods=["GET"])
@requires(Capability.VIEW_REPORTS)
@blp.arguments(ReportArgs, location="query")
@blp.response(200, EfficacySchema)
def efficacy(args):
    cutoff, site = _scope(args)
    return services.efficacy(g.actor, cutoff, site)


@blp.route("/reports/efficacy/km.<any(png, svg):fmt>", methods=["GET"])
@requires(Capability.VIEW_REPORTS)
@blp.arguments(KmArgs, location="query")
@blp.alt_response(200, description="Kaplan-Meier curve with numbers at risk (PNG or SVG)")
def km_curve(args, fmt):
    cutoff, site = _scope(args)
    fmt = args["format"] or fmt
    return _image(services.km_image(g.actor, cutoff, args["endpoint"], fmt, site, args["dpi"]), fmt)


@blp.route("/reports/efficacy/swimmer.<any(png, svg):fmt>", methods=["GET"])
@requires(Capability.VIEW_REPORTS)
@blp.arguments(SwimmerArgs, location="query")
@blp.alt_response(200, description="Swimmer plot of each patient (PNG or SVG)")
def swimmer(args, fmt):
    cutoff, site = _scope(args)
    fmt = args["format"] or fmt
    return _image(services.swimmer_image(g.actor, cutoff, fmt, site, args["limit"], args["dpi"]), fmt)
