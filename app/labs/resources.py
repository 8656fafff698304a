"""/patients/{id}/lab-results (one collection per POST; GET lists collections with their
results in one query), /lab-results/{id} and corrections of one result."""
from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.adverse_events import candidate_sources
from app.common.access import load_visible
from app.common.auth_context import requires
from app.common.clock import utcnow
from app.common.pagination import paginate
from app.common.permissions import Capability
from app.common.problems import NotFound
from app.common.schemas import page_schema
from app.common.etag import check_version, expected_version, with_etag
from app.extensions import db
from app.labs import review, services
from app.labs.candidate_source import LAB_SOURCE
from app.labs.schemas import (CollectionCreateSchema, CollectionListArgs, CollectionSchema, ResultCorrectionSchema,
                              ResultSchema)
from app.models import LabCollection, LabResult, Patient

blp = Blueprint("labs", __name__, url_prefix="/api/v1", description="Laboratory results")

# Laboratory candidates join the AE candidate list; hand-typed lab AEs get checked against values.
candidate_sources.register(LAB_SOURCE)
candidate_sources.register_review_check(review.lab_grade_flags)


def load_patient(patient_id):
    return load_visible(Patient, patient_id, g.actor, what="patient")


def load_collection(collection_id):
    collection = db.session.scalar(select(LabCollection).options(joinedload(LabCollection.results))
                                   .where(LabCollection.id == collection_id))
    if collection is None:
        raise NotFound(f"No lab collection {collection_id}.")
    load_visible(Patient, collection.patient_id, g.actor, what="lab collection")
    return collection


@blp.route("/patients/<int:patient_id>/lab-results", methods=["POST"])
@requires(Capability.RECORD_LABS)
@blp.arguments(CollectionCreateSchema)
@blp.response(201, CollectionSchema)
def create_collection(args, patient_id):
    patient = load_patient(patient_id)
    return with_etag(services.record_collection(g.actor, utcnow(), patient, **args), status=201)


@blp.route("/patients/<int:patient_id>/lab-results", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.arguments(CollectionListArgs, location="query")
@blp.response(200, page_schema(CollectionSchema))
def list_collections(args, patient_id):
    load_patient(patient_id)
    statement = (select(LabCollection).options(joinedload(LabCollection.results))
                 .where(LabCollection.patient_id == patient_id))
    if args["test"]:
        statement = statement.where(LabCollection.results.any(LabResult.test == args["test"]))
    return paginate(statement, LabCollection, args)


@blp.route("/lab-results/<int:collection_id>", methods=["GET"])
@requires(Capability.VIEW_PATIENTS)
@blp.response(200, CollectionSchema)
def get_collection(collection_id):
    return with_etag(load_collection(collection_id))


@blp.route("/lab-results/<int:collection_id>/results/<int:result_id>", methods=["PATCH"])
@requires(Capability.RECORD_LABS)
@blp.arguments(ResultCorrectionSchema)
@blp.response(200, ResultSchema)
def correct_result(args, collection_id, result_id):
    collection = load_collection(collection_id)
    result = next((row for row in collection.results if row.id == result_id), None)
    if result is None:
        raise NotFound(f"No result {result_id} in lab collection {collection_id}.")
    check_version(collection, expected_version())
    patient = db.session.get(Patient, collection.patient_id)
    reason = args.pop("reason")
    return services.correct_result(g.actor, utcnow(), patient, result, args, reason)
