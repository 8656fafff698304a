"""/patients/{id}/symptom-reports: the patient's reports (SMS and tablet) and tablet entry."""
from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from app.common.access import load_visible
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.etag import with_etag
from app.common.pagination import paginate
from app.common.problems import NotFound
from app.common.schemas import page_schema
from app.extensions import db
from app.models import Patient, SymptomReport
from app.symptoms import baselines
from app.symptoms.schemas import (BaselineCreateSchema, BaselineSchema, SymptomItemCorrectionSchema,
                                  SymptomReportCreateSchema, SymptomReportListArgs, SymptomReportSchema)
from app.symptoms.tablet import record_tablet_report

blp = Blueprint("symptoms", __name__, url_prefix="/api/v1", description="Patient-reported symptoms")


def load_patient(patient_id):
    return load_visible(Patient, patient_id, g.actor, what="patient")


@blp.route("/patients/<int:patient_id>/symptom-reports", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(SymptomReportListArgs, location="query")
@blp.response(200, page_schema(SymptomReportSchema))
def list_reports(args, patient_id):
    load_patient(patient_id)
    statement = select(SymptomReport).where(SymptomReport.patient_id == patient_id)
    if args["status"]:
        statement = statement.where(SymptomReport.status == args["status"])
    return paginate(statement, SymptomReport, args)


@blp.route("/patients/<int:patient_id>/symptom-reports", methods=["POST"])
@requires(Capability.RECORD_SYMPTOMS)
@blp.arguments(SymptomReportCreateSchema)
@blp.response(201, SymptomReportSchema)
def enter_report(args, patient_id):
    patient = load_patient(patient_id)
    report = record_tablet_report(g.actor, utcnow(), patient, items=args["items"], text=args["text"],
                                  received_at=args["received_at"])
    return with_etag(report, status=201)


@blp.route("/patients/<int:patient_id>/symptom-reports/<int:report_id>", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, SymptomReportSchema)
def get_report(patient_id, report_id):
    load_patient(patient_id)
    report = db_report(patient_id, report_id)
    return with_etag(report)


def db_report(patient_id, report_id):
    report = db.session.get(SymptomReport, report_id)
    if report is None or report.patient_id != patient_id:
        raise NotFound(f"No symptom report {report_id} for this patient.")
    return report


@blp.route("/patients/<int:patient_id>/baselines", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, BaselineSchema)
def get_baseline(patient_id):
    """The current baseline `{"stools_per_day", "recorded_on"}`; both null when none was recorded
    (diarrhea is then graded over 0 and reports say so)."""
    load_patient(patient_id)
    return baselines.current_baseline(patient_id) or {"stools_per_day": None, "recorded_on": None}


@blp.route("/patients/<int:patient_id>/baselines", methods=["POST"])
@requires(Capability.RECORD_SYMPTOMS)
@blp.arguments(BaselineCreateSchema)
@blp.response(201, BaselineSchema)
def post_baseline(args, patient_id):
    """Record the usual stools per day; after C1D1 a `reason` is required (audited)."""
    patient = load_patient(patient_id)
    return baselines.record_baseline(g.actor, utcnow(), patient, stools_per_day=args["stools_per_day"],
                                     reason=args.get("reason"))


@blp.route("/symptom-reports/<int:report_id>/items/<int:item_id>", methods=["PATCH"])
@requires(Capability.RECORD_SYMPTOMS)
@blp.arguments(SymptomItemCorrectionSchema)
@blp.response(200, SymptomReportSchema)
@blp.doc(summary="Correct the grade of a symptom report item (with a reason)")
def correct_item(args, report_id, item_id):
    """A correction the EDC way: the reason and the before and after go to the audit trail.
    Send the report's ETag in `If-Match`."""
    from app.common.etag import check_version, expected_version
    from app.symptoms.corrections import correct_item_grade, find_item

    report = db.session.get(SymptomReport, report_id)
    if report is None:
        raise NotFound(f"No symptom report {report_id}.")
    patient = load_patient(report.patient_id)
    check_version(report, expected_version())
    item = find_item(report, item_id)
    return with_etag(correct_item_grade(g.actor, utcnow(), report, item, args["patient_grade"], args["reason"],
                                        site_id=patient.site_id))
