"""Console pages for investigators and coordinators: AE review with e-signature, reports, exports.

The signature goes through `adverse_events.signature.sign_off` (password re-entered, meaning
and time audited), exactly as the API's POST /adverse-events/{id}/sign-off; the reports page
embeds the same PNG figures and links the same exports as the API.
"""
from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.adverse_events import signature
from app.adverse_events.reporting import safety_report
from app.adverse_events.schemas import SignOffSchema
from app.common.access import load_visible, scope_to_site
from app.common.clock import utcnow
from app.common.downloads import attachment
from app.common.etag import check_version
from app.common.permissions import Capability
from app.common.problems import Problem
from app.console.forms import FormErrors, parse, refused
from app.console.session import console_requires
from app.console.views import _posted_version, bp
from app.efficacy import services as efficacy
from app.efficacy.services import resolve_cutoff
from app.extensions import db
from app.models import AdverseEvent, Message, Patient


def _unsigned(actor):
    statement = scope_to_site(select(AdverseEvent).options(selectinload(AdverseEvent.grades)).where(
        AdverseEvent.retracted_at.is_(None), AdverseEvent.signed_at.is_(None)), actor, AdverseEvent.site_id)
    return db.session.scalars(statement.order_by(AdverseEvent.serious.desc(), AdverseEvent.onset_date)).all()


@bp.route("/adverse-events")
@console_requires(Capability.SIGN_AE)
def ae_review():
    return render_template("console/ae_review.html", events=_unsigned(g.actor), errors={}, error_event=None)


@bp.route("/adverse-events/<int:event_id>/sign", methods=["POST"])
@console_requires(Capability.SIGN_AE)
def sign_adverse_event(event_id):
    event = load_visible(AdverseEvent, event_id, g.actor, what="adverse event")
    try:
        check_version(event, _posted_version())
        args = parse(SignOffSchema(), request.form)
        signature.sign_off(g.actor, utcnow(), event, **args)
    except (Problem, FormErrors) as exc:
        errors = refused(exc)
        if errors.status == 403:  # a wrong password: say so next to the password field
            errors.errors = {"password": [errors.message]}
        return render_template("console/ae_review.html", events=_unsigned(g.actor), errors=errors.errors,
                               error_message=errors.message, error_event=event_id), errors.status
    flash(_("Signed: %(term)s.", term=event.ctcae_term), "success")
    return redirect(url_for("console.ae_review"))


@bp.route("/reports")
@console_requires(Capability.VIEW_SAFETY_REPORT)
def reports():
    cutoff = resolve_cutoff(utcnow(), None)
    return render_template("console/reports.html", cutoff=cutoff, safety=safety_report(g.actor, cutoff))


@bp.route("/reports/<any(km, swimmer):name>.png")
@console_requires(Capability.VIEW_REPORTS)
def figure(name):
    """The API's figures for the signed-in user (the browser sends the session, not a token)."""
    cutoff = resolve_cutoff(utcnow(), None)
    if name == "km":
        endpoint = request.args.get("curve", "os")
        if endpoint not in efficacy.ENDPOINTS:
            abort(404)
        data = efficacy.km_image(g.actor, cutoff, endpoint, "png", None)
    else:
        data = efficacy.swimmer_image(g.actor, cutoff, "png", None, 60)
    return Response(data, mimetype="image/png", headers={"Cache-Control": "no-store"})


EXPORTS = {  # what → (dataset, format)
    "adsl": ("adsl", "csv"), "adtte": ("adtte", "csv"),
    "sdtm-csv": ("sdtm", "csv"), "sdtm-xpt": ("sdtm", "xpt"), "sdtm-dataset-json": ("sdtm", "dataset-json"),
}


@bp.route("/exports/<what>")
@console_requires(Capability.EXPORT_DATA)
def export(what):
    """The statistician's downloads through the session: the same builders, packaging and audit
    entry as GET /api/v1/exports/* (today's cutoff, every site the user may see)."""
    from app.exports import services as exports, writers

    if what not in EXPORTS:
        abort(404)
    now = utcnow()
    scope = exports.ExportScope(g.actor, now, exports.resolve_export_cutoff(now, None), None)
    name, fmt = EXPORTS[what]
    if name == "sdtm":
        data, _manifest = exports.export_sdtm(scope, fmt)
        return attachment(data, "application/zip", f"sdtm_{fmt}_{scope.cutoff.isoformat()}.zip")
    dataset = exports.export_analysis(scope, name)
    return attachment(writers.dataset_csv(dataset), "text/csv; charset=utf-8", f"{name}_{scope.cutoff.isoformat()}.csv")


@bp.route("/reports/safety.xlsx")
@console_requires(Capability.VIEW_SAFETY_REPORT)
def safety_xlsx():
    """The report-ready safety tables (one sheet per table), as GET /api/v1/reports/safety.xlsx."""
    from app.exports import safety_tables, services as exports

    now = utcnow()
    scope = exports.ExportScope(g.actor, now, exports.resolve_export_cutoff(now, None), None)
    return attachment(safety_tables.tables_xlsx(exports.safety_tables_in_scope(scope)),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"safety_tables_{scope.cutoff.isoformat()}.xlsx")


@bp.route("/messages/unmatched")
@console_requires(Capability.MANAGE_MESSAGES)
def unmatched_messages():
    """Texts from numbers that belong to no patient (a relative's phone): read, then assign."""
    return render_template("console/unmatched.html", messages=_unmatched(), errors={}, error_message_id=None,
                           patients=_patients_for_assignment())


def _unmatched():
    statement = scope_to_site(select(Message).where(Message.direction == "inbound", Message.patient_id.is_(None)),
                              g.actor, Message.site_id)
    return db.session.scalars(statement.order_by(Message.id.desc()).limit(200)).all()


def _patients_for_assignment():
    return db.session.scalars(scope_to_site(select(Patient), g.actor, Patient.site_id).order_by(Patient.study_id)).all()


@bp.route("/messages/<int:message_id>/assign", methods=["POST"])
@console_requires(Capability.MANAGE_MESSAGES)
def assign_message(message_id):
    """The text joins the chosen patient's messages and is processed as theirs (the API's service)."""
    from app.notifications import inbound

    message = db.session.get(Message, message_id)
    if message is None or message.site_id is not None and not (g.actor.is_admin or g.actor.site_id == message.site_id):
        abort(404)
    raw = request.form.get("patient_id", "")
    patient = db.session.get(Patient, int(raw)) if raw.isdigit() else None
    try:
        if patient is None or not (g.actor.is_admin or g.actor.site_id == patient.site_id):
            raise FormErrors({"patient_id": [_("Choose one of the site's patients.")]})
        inbound.assign(g.actor, utcnow(), message, patient)
    except (FormErrors, ValueError) as exc:
        db.session.rollback()
        errors = exc.errors if isinstance(exc, FormErrors) else {"patient_id": [str(exc)]}
        return render_template("console/unmatched.html", messages=_unmatched(), errors=errors,
                               error_message_id=message_id, patients=_patients_for_assignment()), 422
    flash(_("The message now belongs to %(study_id)s.", study_id=patient.study_id), "success")
    return redirect(url_for("console.unmatched_messages"))


@bp.route("/follow-up")
@console_requires(Capability.FOLLOW_UP)
def follow_up():
    """The follow-up worklist (most urgent first) with phone numbers and a call-outcome form per row."""
    return _worklist_page()


def _worklist_page(errors=None, error_patient=None, message=None, status=200):
    from app.followup.services import follow_up_worklist

    rows = follow_up_worklist(g.actor, utcnow())
    phones = dict(db.session.execute(select(Patient.id, Patient.phone).where(
        Patient.id.in_([r["patient_id"] for r in rows]))).all()) if rows else {}
    return render_template("console/follow_up.html", rows=rows, phones=phones, errors=errors or {},
                           error_patient=error_patient, error_message=message), status


@bp.route("/follow-up/<int:patient_id>/contacts", methods=["POST"])
@console_requires(Capability.FOLLOW_UP)
def record_contact(patient_id):
    """A call's outcome through the follow-up service (proof of life, or a reported death's task)."""
    from app.followup.schemas import ContactCreateSchema
    from app.followup.services import record_contact as record

    patient = load_visible(Patient, patient_id, g.actor, what="patient")
    try:
        args = parse(ContactCreateSchema(), request.form)
        record(g.actor, utcnow(), patient, **args)
    except (Problem, FormErrors) as exc:
        errors = refused(exc)
        return _worklist_page(errors.errors, patient_id, errors.message, errors.status)
    flash(_("Contact with %(study_id)s recorded.", study_id=patient.study_id), "success")
    return redirect(url_for("console.follow_up"))
