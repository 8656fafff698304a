"""POST /api/v1/patients/{id}/form-links: staff send (or resend) the web symptom form link."""
from flask import current_app, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.common.access import load_visible
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.permissions import Capability
from app.forms import links
from app.models import Patient

blp = Blueprint("forms_api", __name__, url_prefix="/api/v1", description="Web symptom form links")


class FormLinkSchema(Schema):
    url = fields.String(required=True, metadata={"description": "PUBLIC_BASE_URL/r/{token}"})
    expires_at = fields.DateTime(required=True)


@blp.route("/patients/<int:patient_id>/form-links", methods=["POST"])
@requires(Capability.RECORD_SYMPTOMS)
@blp.response(201, FormLinkSchema)
def create_form_link(patient_id):
    """A new link for the patient, texted to them by the `form_link` template (none when opted out)."""
    patient = load_visible(Patient, patient_id, g.actor, what="patient")
    config = current_app.config
    link, _message = links.send_link(g.actor, utcnow(), patient, public_base_url=config["PUBLIC_BASE_URL"],
                                     ttl_hours=int(config.get("FORM_LINK_TTL_HOURS", links.DEFAULT_TTL_HOURS)),
                                     max_uses=int(config.get("FORM_LINK_MAX_USES", links.DEFAULT_MAX_USES)))
    return {"url": links.link_url(config["PUBLIC_BASE_URL"], link.token), "expires_at": link.expires_at}
