"""The nurse's care pages: reschedule with the cascade previewed, miss, bedside symptom reports,
the CTCAE term picker, AE candidates, alert notes.

Every write goes through the API's own service (lifecycle.reschedule_visit and miss_visit,
symptoms.tablet.record_tablet_report, adverse_events.candidate_review, alerts.add_note) with the
API's schema, capability, site scoping and version check; the reschedule preview is the
visits domain's (rescheduling.preview_reschedule), the very computation the reschedule applies.
"""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.adverse_events import candidate_review
from app.adverse_events.schemas import CandidateConfirmSchema
from app.alerts import services as alerts
from app.alerts.schemas import AlertNoteSchema
from app.common.access import load_visible, scope_to_site
from app.common.clock import utcnow
from app.common.etag import check_version
from app.common.permissions import Capability
from app.common.problems import NotFound, Problem
from app.common.schemas import ReasonSchema
from app.console.forms import FormErrors, earlier_result, parse, refused, remember_result
from app.console import symptom_entry
from app.console.session import console_requires
from app.console.views import STALE_VISIT, _patient_data, _posted_version, _site_day, bp
from app.extensions import db
from app.models import Alert, Patient, SymptomReport, Visit
from app.visits import lifecycle
from app.visits.rescheduling import preview_reschedule
from app.visits.schemas import RescheduleSchema, VisitReasonSchema



# --- Reschedule (previewed) and miss -------------------------------------------------------------

@bp.route("/visits/<int:visit_id>")
@console_requires(Capability.SCHEDULE_VISITS)
def visit_page(visit_id):
    """One visit with its reschedule form (date and reason, then the preview) and its miss form."""
    return _visit_page(load_visible(Visit, visit_id, g.actor, what="visit"))


def _visit_page(visit, *, moves=None, form=None, error_form=None, errors=None, message=None, status=200):
    return render_template("console/reschedule.html", visit=visit, patient=visit.patient, moves=moves,
                           expected=_fingerprint(moves or []), form=form or {}, error_form=error_form,
                           errors=errors or {}, error_message=message, today=_site_day(g.actor, utcnow())), status


def _fingerprint(moves) -> str:
    """What the nurse confirmed: each moved row at its version and new day. A confirmation whose
    preview no longer holds (another change in between) is shown the new preview instead."""
    return ",".join(f"{m.row.id}:{m.row.version}:{m.new_date.isoformat()}" for m in moves)


@bp.route("/visits/<int:visit_id>/reschedule", methods=["POST"])
@console_requires(Capability.SCHEDULE_VISITS)
def reschedule_visit(visit_id):
    """action=preview shows the moves; action=apply books them (If-Match: the posted version)."""
    visit = load_visible(Visit, visit_id, g.actor, what="visit")
    form = dict(request.form)
    try:
        check_version(visit, _posted_version())
        args = parse(RescheduleSchema(), {name: request.form.get(name, "") for name in ("date", "reason")})
        moves = preview_reschedule(utcnow(), visit, args["date"])
        if request.form.get("action") != "apply":
            return _visit_page(visit, moves=moves, form=form)
        if _fingerprint(moves) != request.form.get("expected", ""):
            return _visit_page(visit, moves=moves, form=form, status=409, message=_(
                "The schedule changed since your preview. Check the new preview and confirm again."))
        visit, moved = lifecycle.reschedule_visit(g.actor, utcnow(), visit, args["date"], args["reason"])
    except (Problem, FormErrors) as exc:
        return _visit_refused(visit, exc, form, "reschedule")
    flash(ngettext("%(code)s is now on %(day)s; %(num)d other visit moved with it.",
                   "%(code)s is now on %(day)s; %(num)d other visits moved with it.", len(moved),
                   code=visit.code, day=visit.scheduled_date.isoformat()), "success")
    return redirect(url_for("console.patient", patient_id=visit.patient_id) + f"#visit-{visit.id}")


@bp.route("/visits/<int:visit_id>/miss", methods=["POST"])
@console_requires(Capability.SCHEDULE_VISITS)
def miss_visit(visit_id):
    """The patient did not come: lifecycle.miss_visit with the reason, as POST /visits/{id}/miss."""
    visit = load_visible(Visit, visit_id, g.actor, what="visit")
    try:
        check_version(visit, _posted_version())
        args = parse(VisitReasonSchema(), request.form)
        lifecycle.miss_visit(g.actor, utcnow(), visit, args["reason"])
    except (Problem, FormErrors) as exc:
        return _visit_refused(visit, exc, dict(request.form), "miss")
    flash(_("%(code)s recorded as missed.", code=visit.code), "success")
    return redirect(url_for("console.patient", patient_id=visit.patient_id) + f"#visit-{visit.id}")


def _visit_refused(visit, exc, form, which):
    errors = refused(exc, stale=_(STALE_VISIT))
    return _visit_page(visit, form=form, error_form=which, errors=errors.errors, message=errors.message,
                       status=errors.status)


# --- Bedside symptom report and the CTCAE term picker ---------------------------------------------

@bp.route("/ctcae")
@console_requires()
def ctcae_picker():
    """Search CTCAE v5.0 terms (English, Chinese, synonyms) and read their grade definitions."""
    query = request.args.get("q", "")
    terms, definitions, errors = symptom_entry.term_search(query)
    status = 422 if errors else 200
    return render_template("console/ctcae_picker.html", q=query, terms=terms, definitions=definitions,
                           errors={"q": errors.get("q", [])} if errors else {}), status


@bp.route("/patients/<int:patient_id>/symptom-reports/new", methods=["GET", "POST"])
@console_requires(Capability.RECORD_SYMPTOMS)
def symptom_report_form(patient_id):
    """Terms picked with a grade, or free text read by the SMS parser into rows; saved through
    symptoms.tablet.record_tablet_report (graded and escalated like any report)."""
    patient = load_visible(Patient, patient_id, g.actor, what="patient")
    if request.method == "GET":
        return symptom_entry.page(patient, symptom_entry.rows_for_terms(request.args.getlist("term")))
    return symptom_entry.submitted(patient, request.form)


@bp.route("/patients/<int:patient_id>/symptom-reports/<int:report_id>")
@console_requires(Capability.VIEW_PATIENTS)
def symptom_report_result(patient_id, report_id):
    """What a report recorded: grades, red flags, and whether it opened an alert."""
    patient = load_visible(Patient, patient_id, g.actor, what="patient")
    report = db.session.get(SymptomReport, report_id)
    if report is None or report.patient_id != patient.id:
        raise NotFound(f"No symptom report {report_id} for this patient.")
    alerts_opened = db.session.scalars(select(Alert).where(Alert.symptom_report_id == report.id)).all()
    return render_template("console/symptom_result.html", patient=patient, report=report, alerts=alerts_opened)


# --- AE candidates ------------------------------------------------------------------------------

@bp.route("/patients/<int:patient_id>/ae-candidates/<candidate_id>/confirm", methods=["POST"])
@console_requires(Capability.RECORD_AE)
def confirm_candidate(patient_id, candidate_id):
    """The candidate becomes an AE (candidate_review.confirm, as the API's confirm)."""
    patient = load_visible(Patient, patient_id, g.actor, what="patient")
    try:
        fields = _confirm_fields(request.form)
        event = candidate_review.confirm(g.actor, utcnow(), patient, candidate_id, fields)
    except (Problem, FormErrors) as exc:
        return _candidate_refused(patient, candidate_id, exc, "confirm")
    flash(_("Recorded as an adverse event: %(term)s grade %(grade)s.", term=event.ctcae_term, grade=event.grade),
          "success")
    return redirect(url_for("console.patient", patient_id=patient.id) + "#candidates-h")


def _confirm_fields(form) -> dict:
    """The posted confirm form as CandidateConfirmSchema's input (attribution nested), loaded."""
    data = {k: v for k, v in form.items() if v.strip() and k not in ("csrf_token", "version")}
    attribution = {k.split(".", 1)[1]: data.pop(k) for k in list(data) if k.startswith("attribution.")}
    if attribution:
        data["attribution"] = attribution
    if data.get("grade", "").isdigit():
        data["grade"] = int(data["grade"])  # the schema's integer is strict (JSON numbers only)
    try:
        return CandidateConfirmSchema().load(data)
    except ValidationError as exc:
        raise FormErrors(_flat(exc.messages))


def _flat(messages: dict, prefix: str = "") -> dict:
    """{"attribution": {"haic": [...]}} → {"attribution.haic": [...]} (one key per form field)."""
    flat = {}
    for key, value in messages.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


@bp.route("/patients/<int:patient_id>/ae-candidates/<candidate_id>/dismiss", methods=["POST"])
@console_requires(Capability.RECORD_AE)
def dismiss_candidate(patient_id, candidate_id):
    """Not an AE, with the reason (candidate_review.dismiss, as the API's dismiss)."""
    patient = load_visible(Patient, patient_id, g.actor, what="patient")
    try:
        args = parse(ReasonSchema(), request.form)
        candidate_review.dismiss(g.actor, utcnow(), patient, candidate_id, args["reason"])
    except (Problem, FormErrors) as exc:
        return _candidate_refused(patient, candidate_id, exc, "dismiss")
    flash(_("Dismissed: not an adverse event."), "success")
    return redirect(url_for("console.patient", patient_id=patient.id) + "#candidates-h")


def _candidate_refused(patient, candidate_id, exc, which):
    errors = refused(exc)
    return render_template("console/patient.html", patient=patient, **_patient_data(patient), restored={},
                           today=_site_day(g.actor, utcnow()), errors=errors.errors, error_message=errors.message,
                           error_visit=None, error_candidate=candidate_id, error_candidate_form=which,
                           candidate_form=dict(request.form)), errors.status


# --- Alert notes --------------------------------------------------------------------------------

@bp.route("/alerts/<int:alert_id>/notes", methods=["POST"])
@console_requires(Capability.HANDLE_ALERTS)
def add_alert_note(alert_id):
    """A note on the alert's thread without acknowledging it (alerts.add_note, as POST /alerts/{id}/notes)."""
    alert = load_visible(Alert, alert_id, g.actor, what="alert")
    earlier = earlier_result(request.form)
    if earlier:  # the same note sent twice (a double tap): it is on the thread once
        return redirect(earlier)
    try:
        check_version(alert, _posted_version())
        args = parse(AlertNoteSchema(), request.form)
        alerts.add_note(g.actor, utcnow(), alert, args["note"])
    except (Problem, FormErrors) as exc:
        errors = refused(exc, stale=_("Someone else changed this alert meanwhile; the page shows it as it is now. "
                                      "Add your note again."))
        return render_template("console/alerts.html", alerts=_alerts_like(alert), status=alert.status, errors={},
                               error_alert=None, note_errors=errors.errors, error_note_alert=alert_id,
                               error_message=errors.message), errors.status
    flash(_("Note added."), "success")
    thread = url_for("console.alerts_inbox", status=alert.status) + f"#alert-{alert.id}"
    remember_result(request.form, thread)
    return redirect(thread)


def _alerts_like(alert):
    """The inbox tab the alert is on (open or acknowledged), as the inbox lists it."""
    statement = scope_to_site(select(Alert).options(selectinload(Alert.patient)), g.actor, Alert.site_id)
    return db.session.scalars(statement.where(Alert.status == alert.status)
                              .order_by(Alert.last_event_at.desc()).limit(200)).all()
