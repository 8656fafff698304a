"""/patients/{id}/adverse-events, /adverse-events/{id}/..., AE candidates and /reports/safety."""

from flask import Response, current_app, g
from flask_smorest import Blueprint
from sqlalchemy import select

from app.adverse_events import candidate_review, reporting, seriousness, services, signature
from app.adverse_events.csv_export import safety_csv
from app.adverse_events.schemas import (AdverseEventCreateSchema, AdverseEventListArgs, AdverseEventSchema,
                                        AdverseEventUpdateSchema, CandidateConfirmSchema, CandidateListSchema,
                                        GradeChangeSchema, ReviewSchema, SaeReportedSchema, SafetyArgs,
                                        SafetyReportSchema, SignOffSchema)
from app.common.access import load_visible
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import local_date, utcnow
from app.common.etag import check_version, expected_version, with_etag
from app.common.pagination import SyncArgs, paginate
from app.common.schemas import ReasonSchema, page_schema
from app.extensions import db
from app.models import AdverseEvent, Patient

blp = Blueprint("adverse_events", __name__, url_prefix="/api/v1", description="Adverse events and safety report")


def load_patient(patient_id):
    return load_visible(Patient, patient_id, g.actor, what="patient")


def load_event(event_id):
    event = load_visible(AdverseEvent, event_id, g.actor, what="adverse event")
    return event, db.session.get(Patient, event.patient_id)


def present(event, status=200):
    services.annotate([event], utcnow())
    return with_etag(event, status=status)


@blp.route("/patients/<int:patient_id>/adverse-events", methods=["POST"])
@requires(Capability.RECORD_AE)
@blp.arguments(AdverseEventCreateSchema)
@blp.response(201, AdverseEventSchema)
def create_adverse_event(args, patient_id):
    patient = load_patient(patient_id)
    return present(services.record_adverse_event(g.actor, utcnow(), patient, **args), 201)


@blp.route("/patients/<int:patient_id>/adverse-events", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(AdverseEventListArgs, location="query")
@blp.response(200, page_schema(AdverseEventSchema))
def list_adverse_events(args, patient_id):
    load_patient(patient_id)
    statement = select(AdverseEvent).where(AdverseEvent.patient_id == patient_id)
    if not args["include_retracted"]:
        statement = statement.where(AdverseEvent.retracted_at.is_(None))
    page = paginate(statement, AdverseEvent, args)
    services.annotate(page["items"], utcnow())
    return page


@blp.route("/adverse-events/<int:event_id>", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, AdverseEventSchema)
def get_adverse_event(event_id):
    return present(load_event(event_id)[0])


@blp.route("/adverse-events/<int:event_id>", methods=["PATCH"])
@requires(Capability.RECORD_AE)
@blp.arguments(AdverseEventUpdateSchema)
@blp.response(200, AdverseEventSchema)
def update_adverse_event(args, event_id):
    event, patient = load_event(event_id)
    check_version(event, expected_version())
    return present(services.update_adverse_event(g.actor, utcnow(), patient, event, args))


@blp.route("/adverse-events/<int:event_id>/grades", methods=["POST"])
@requires(Capability.RECORD_AE)
@blp.arguments(GradeChangeSchema)
@blp.response(201, AdverseEventSchema)
def change_grade(args, event_id):
    event, patient = load_event(event_id)
    check_version(event, expected_version())
    return present(services.change_grade(g.actor, utcnow(), patient, event, **args), 201)


@blp.route("/adverse-events/<int:event_id>/retract", methods=["POST"])
@requires(Capability.RETRACT_RECORDS)
@blp.arguments(ReasonSchema)
@blp.response(200, AdverseEventSchema)
def retract_adverse_event(args, event_id):
    event, _patient = load_event(event_id)
    check_version(event, expected_version())
    return present(services.retract_adverse_event(g.actor, utcnow(), event, args["reason"]))


@blp.route("/adverse-events/<int:event_id>/sign-off", methods=["POST"])
@requires(Capability.SIGN_AE)
@blp.arguments(SignOffSchema)
@blp.response(200, AdverseEventSchema)
def sign_off(args, event_id):
    event, _patient = load_event(event_id)
    check_version(event, expected_version())
    return present(signature.sign_off(g.actor, utcnow(), event, **args))


@blp.route("/adverse-events/<int:event_id>/sae-report", methods=["POST"])
@requires(Capability.RECORD_AE)
@blp.arguments(SaeReportedSchema)
@blp.response(200, AdverseEventSchema)
def mark_sae_reported(args, event_id):
    event, _patient = load_event(event_id)
    check_version(event, expected_version())
    return present(seriousness.mark_reported(g.actor, utcnow(), event, **args))


@blp.route("/patients/<int:patient_id>/ae-candidates", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(SyncArgs, location="query")
@blp.response(200, CandidateListSchema)
@blp.doc(summary="AE candidates from symptoms and labs")
def list_candidates(args, patient_id):
    """Pending AE candidates of the patient, from symptom reports and lab results; with
    `updated_since`, only those whose source changed after it."""
    return {"items": candidate_review.pending(load_patient(patient_id), args["updated_since"]), "next_cursor": None}


@blp.route("/patients/<int:patient_id>/ae-candidates/<candidate_id>/confirm", methods=["POST"])
@requires(Capability.RECORD_AE)
@blp.arguments(CandidateConfirmSchema)
@blp.response(201, AdverseEventSchema)
def confirm_candidate(args, patient_id, candidate_id):
    return present(candidate_review.confirm(g.actor, utcnow(), load_patient(patient_id), candidate_id, args), 201)


@blp.route("/patients/<int:patient_id>/ae-candidates/<candidate_id>/dismiss", methods=["POST"])
@requires(Capability.RECORD_AE)
@blp.arguments(ReasonSchema)
@blp.response(200, ReviewSchema)
def dismiss_candidate(args, patient_id, candidate_id):
    return candidate_review.dismiss(g.actor, utcnow(), load_patient(patient_id), candidate_id, args["reason"])


def _default_cutoff():
    zone = g.actor.site.timezone if g.actor.site else current_app.config["SITE_TIMEZONE"]
    return local_date(utcnow(), zone)


def _csv_response(report):
    name = f"safety_{report['cutoff'].isoformat()}.csv"
    return Response(safety_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/reports/safety", methods=["GET"])
@requires(Capability.VIEW_SAFETY_REPORT)
@blp.arguments(SafetyArgs, location="query")
@blp.response(200, SafetyReportSchema)
def safety_report(args):
    report = reporting.safety_report(g.actor, args["cutoff"] or _default_cutoff())
    return _csv_response(report) if args["format"] == "csv" else report


@blp.route("/reports/safety.csv", methods=["GET"])
@requires(Capability.VIEW_SAFETY_REPORT)
@blp.arguments(SafetyArgs, location="query")
def safety_report_csv(args):
    return _csv_response(reporting.safety_report(g.actor, args["cutoff"] or _default_cutoff()))
