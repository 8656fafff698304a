from flask import current_app, g
from flask_smorest import Blueprint

from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.pagination import ListArgs, paginate
from app.common.schemas import page_schema
from app.models import Site
from app.sites import services
from app.sites.schemas import SiteCreateSchema, SiteSchema

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
