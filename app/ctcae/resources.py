"""/ctcae/terms: the tablet's term picker (prefix, synonyms, Chinese and English)."""
from flask_smorest import Blueprint

from app.common.auth_context import requires
from app.ctcae.catalogue import search_terms
from app.ctcae.schemas import TermListSchema, TermSearchArgs

blp = Blueprint("ctcae", __name__, url_prefix="/api/v1", description="CTCAE v5.0 terms")


@blp.route("/ctcae/terms", methods=["GET"])
@requires()
@blp.arguments(TermSearchArgs, location="query")
@blp.response(200, TermListSchema)
def find(args):
    return {"items": search_terms(args["q"], args["lang"], args["limit"])}
