"""/patients/{id}/tumor-assessments and /patients/{id}/response."""
from flask import g
from flask_smorest import Blueprint


from app.assessments import services
from app.assessments.schemas import AssessmentCreateSchema, AssessmentListSchema, AssessmentSchema, ResponseSchema
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.pagination import SyncArgs
from app.common.etag import check_version, expected_version
from app.common.problems import NotFound
from app.common.schemas import ReasonSchema
from app.extensions import db
from app.models import TumorAssessment
from app.common.access import load_patient

blp = Blueprint("assessments", __name__, url_prefix="/api/v1", description="Tumour assessments (RECIST 1.1)")


@blp.route("/patients/<int:patient_id>/tumor-assessments", methods=["POST"])
@requires(Capability.RECORD_ASSESSMENTS)
@blp.arguments(AssessmentCreateSchema)
@blp.response(201, AssessmentSchema)
def record_assessment(args, patient_id):
    patient = load_patient(patient_id)
    row = services.record_assessment(g.actor, utcnow(), patient, **args)
    return services.assessment_view(patient, row), 201


@blp.route("/patients/<int:patient_id>/tumor-assessments", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(SyncArgs, location="query")
@blp.response(200, AssessmentListSchema)
@blp.doc(summary="A patient's tumour assessments")
def list_assessments(args, patient_id):
    """With `updated_since`, only the scans changed after it (responses are still derived
    from the whole series)."""
    views = services.assessment_views(load_patient(patient_id))
    since = args["updated_since"]
    if since is not None:
        views = [view for view in views if view["assessment"].updated_at > since]
    return {"items": views, "next_cursor": None}


@blp.route("/patients/<int:patient_id>/tumor-assessments/<int:assessment_id>/retract", methods=["POST"])
@requires(Capability.RECORD_ASSESSMENTS)
@blp.arguments(ReasonSchema)
@blp.response(200, AssessmentSchema)
def retract_assessment(args, patient_id, assessment_id):
    patient = load_patient(patient_id)
    row = db.session.get(TumorAssessment, assessment_id)
    if row is None or row.patient_id != patient.id:
        raise NotFound(f"No tumour assessment {assessment_id} for this patient.")
    check_version(row, expected_version())
    services.retract_assessment(g.actor, utcnow(), patient, row, args["reason"])
    return {"assessment": row, "role": "retracted"}


@blp.route("/patients/<int:patient_id>/response", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, ResponseSchema)
def response(patient_id):
    return services.patient_response(load_patient(patient_id))
