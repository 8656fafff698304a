"""/patients, /patients/{id}, /patients/{id}/events."""
from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.common.sites import find_site
from app.common.access import load_patient, scope_to_site
from app.common.permissions import Capability
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.etag import check_version, expected_version, with_etag
from app.common.pagination import ListArgs, paginate
from app.common.problems import NotFound
from app.common.schemas import ReasonSchema, page_schema
from app.extensions import db
from app.models import Patient, PatientEvent
from app.assessments.progression import SOURCES
from app.patients import progression, services
from app.patients.schemas import (EventCreateSchema, EventResultSchema, EventSchema, PatientCreateSchema,
                                  PatientListArgs, PatientSchema, PatientUpdateSchema)

blp = Blueprint("patients", __name__, url_prefix="/api/v1", description="Enrollment and patients")


@blp.route("/patients", methods=["POST"])
@requires(Capability.SCREEN_PATIENTS)
@blp.arguments(PatientCreateSchema)
@blp.response(201, PatientSchema)
def enroll(args):
    return with_etag(services.enroll_patient(g.actor, utcnow(), **args), status=201)


@blp.route("/patients", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(PatientListArgs, location="query")
@blp.response(200, page_schema(PatientSchema))
def list_patients(args):
    statement = scope_to_site(select(Patient), g.actor, Patient.site_id)
    if args["site"]:
        statement = statement.where(Patient.site_id == find_site(args["site"]).id)
    if args["status"]:
        statement = statement.where(Patient.status == args["status"])
    return paginate(statement, Patient, args)


@blp.route("/patients/<int:patient_id>", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, PatientSchema)
def get_patient(patient_id):
    return with_etag(load_patient(patient_id))


@blp.route("/patients/<int:patient_id>", methods=["PATCH"])
@requires(Capability.EDIT_PATIENTS)
@blp.arguments(PatientUpdateSchema)
@blp.response(200, PatientSchema)
def update_patient(args, patient_id):
    patient = load_patient(patient_id)
    check_version(patient, expected_version())
    return with_etag(services.update_patient(g.actor, utcnow(), patient, args))


@blp.route("/patients/<int:patient_id>/events", methods=["POST"])
@requires(Capability.EDIT_PATIENTS)
@blp.arguments(EventCreateSchema)
@blp.response(201, EventResultSchema)
def record_event(args, patient_id):
    patient = load_patient(patient_id)
    check_version(patient, expected_version())
    event = services.record_event(g.actor, utcnow(), patient, **args)
    return with_etag(patient, {"event": event, "patient": patient}, status=201)


@blp.route("/patients/<int:patient_id>/events", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_schema(EventSchema))
def list_events(args, patient_id):
    load_patient(patient_id)
    return paginate(select(PatientEvent).where(PatientEvent.patient_id == patient_id), PatientEvent, args)


@blp.route("/patients/<int:patient_id>/events/<int:event_id>/retract", methods=["POST"])
@requires(Capability.RETRACT_RECORDS)
@blp.arguments(ReasonSchema)
@blp.response(200, EventResultSchema)
def retract_event(args, patient_id, event_id):
    patient = load_patient(patient_id)
    event = db_event(patient, event_id)
    check_version(event, expected_version())  # If-Match: the event's version (its `version`)
    services.retract_event(g.actor, utcnow(), patient, event, args["reason"])
    return with_etag(patient, {"event": event, "patient": patient})


def db_event(patient, event_id):
    event = db.session.get(PatientEvent, event_id)
    if event is None or event.patient_id != patient.id:
        raise NotFound(f"No event {event_id} for this patient.")
    return event


class ConfirmProgressionSchema(Schema):
    date = fields.Date(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    treatment_beyond_progression = fields.Boolean(load_default=False)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


@blp.route("/patients/<int:patient_id>/progression/confirm", methods=["POST"])
@requires(Capability.CONFIRM_PROGRESSION)
@blp.arguments(ConfirmProgressionSchema)
@blp.response(201, EventResultSchema)
def confirm_progression(args, patient_id):
    """The investigator confirms progression (radiological or clinical); ends treatment unless
    treatment beyond progression is chosen."""
    patient = load_patient(patient_id)
    check_version(patient, expected_version())  # If-Match: the patient's ETag, as this answer carries
    event = progression.confirm_progression(g.actor, utcnow(), patient, **args)
    return with_etag(patient, {"event": event, "patient": patient}, status=201)
