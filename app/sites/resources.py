from flask import current_app, g
from flask_smorest import Blueprint

from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.pagination import ListArgs, paginate
from app.common.schemas import page_schema
from app.models import Site
from app.common.access import require_own_site
from app.common.etag import check_version, expected_version, with_etag
from app.sites import on_call, services
from app.sites.schemas import OnCallShiftSchema, SiteCreateSchema, SiteSchema, SiteUpdateSchema

blp = Blueprint("sites", __name__, url_prefix="/api/v1", description="Trial sites")


@blp.route("/sites", methods=["POST"])
@requires(Capability.ADMINISTER)
@blp.arguments(SiteCreateSchema)
@blp.response(201, SiteSchema)
def create_site(args):
    return services.create_site(g.actor, utcnow(), sends_sms=services.sends_sms(current_app.config), **args)


@blp.route("/sites", methods=["GET"])
@requires()
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_schema(SiteSchema))
def list_sites(args):
    return paginate(services.visible_sites(g.actor), Site, args)


@blp.route("/sites/<code>", methods=["GET"])
@requires()
@blp.response(200, SiteSchema)
@blp.doc(summary="One site")
def get_site(code):
    site = services.find_site_or_404(code)
    require_own_site(g.actor, site)
    return with_etag(site)


@blp.route("/sites/<code>", methods=["PATCH"])
@requires(Capability.ADMINISTER)
@blp.arguments(SiteUpdateSchema)
@blp.response(200, SiteSchema)
@blp.doc(summary="Change a site's name, SMS name, phone, time zone or HAIC capacity")
def update_site(args, code):
    site = services.find_site_or_404(code)
    check_version(site, expected_version())
    reason = args.pop("reason", None)
    return with_etag(services.update_site(g.actor, utcnow(), site, args, reason,
                                          sends_sms=services.sends_sms(current_app.config)))


@blp.route("/sites/<code>/on-call", methods=["GET"])
@requires(Capability.HANDLE_ALERTS)
@blp.response(200, OnCallShiftSchema(many=True))
@blp.doc(summary="The site's on-call rota")
def get_on_call(code):
    site = services.find_site_or_404(code)
    require_own_site(g.actor, site)
    return on_call.rota(site.id)


@blp.route("/sites/<code>/on-call", methods=["PUT"])
@requires(Capability.ADMINISTER)
@blp.arguments(OnCallShiftSchema(many=True))
@blp.response(200, OnCallShiftSchema(many=True))
@blp.doc(summary="Replace the site's on-call rota")
def put_on_call(args, code):
    """Where the rota has nobody at a moment, users flagged `on_call: true` are paged."""
    site = services.find_site_or_404(code)
    return on_call.replace_rota(g.actor, utcnow(), site, args)
