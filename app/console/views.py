"""Console pages: sign-in, the nurse's day and week, a patient's page, the alerts inbox.

Each handler follows the API's order — parse (the API's schema) → load or 404 (site-scoped)
→ check the capability → call the service → render — and leaves the commit to the request
boundary (a redirect after a successful POST commits; a page re-shown with errors rolls back).
"""
from datetime import date, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.alerts import services as alerts
from app.alerts.schemas import AcknowledgeSchema
from app.auth.services import authenticate
from app.common.access import load_visible, scope_to_site
from app.common.clock import utcnow
from app.common.etag import check_version
from app.common.permissions import Capability, has_capability
from app.common.problems import Problem
from app.console.extensions import csrf
from app.console.forms import FormErrors, parse, refused, submission_token
from app.console.patient_extras import care_data, outcome_data
from app.console.session import console_requires, load_actor, restore_form, safe_next, sign_in, sign_out
from app.console.vocabulary import N_
from app.extensions import db
from app.models import AdverseEvent, Alert, Message, Patient, SymptomReport, Visit
from app.patients.services import site_today
from app.visits import lifecycle, views as visit_views
from app.visits.schemas import CompleteSchema

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
LANGUAGES = ("zh", "en")
# What a nurse reads when a visit changed on another tablet (a 412), here and on the care pages.
STALE_VISIT = N_("Someone else changed this visit while you were editing. The page now shows the current version; "
                 "check it and save again.")


@bp.before_request
def _actor_and_csrf():
    # `g` outlives a request where a CLI or a test keeps the app context: a CSRF token cached
    # there would belong to a session that sign-in has since cleared.
    g.pop("csrf_token", None)
    load_actor()
    # A signed-out POST writes nothing (the guard keeps the form and sends the user to log
    # in), so only signed-in posts and the login form itself are checked.
    if request.method == "POST" and (g.actor is not None or request.endpoint == "console.login"):
        csrf.protect()


@bp.app_context_processor
def _globals():
    return {"actor": getattr(g, "actor", None), "can": _can, "Capability": Capability,
            "lang": session.get("lang") or (request.accept_languages.best_match(LANGUAGES) or "zh"),
            "one_day": lambda n: timedelta(days=n), "submission_token": submission_token}


def _can(capability) -> bool:
    actor = getattr(g, "actor", None)
    return actor is not None and has_capability(actor.role, capability)


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, username = None, ""
    if request.method == "POST":
        username = request.form.get("username", "")
        try:
            raw, _token = authenticate(username, request.form.get("password", ""), utcnow())
        except Problem as problem:
            error = _("Wrong username or password.") if problem.status == 401 else problem.detail
            return render_template("console/login.html", error=error, username=username), problem.status
        lang = session.get("lang")
        pending = session.get("console_pending_form")
        sign_in(raw)
        if lang:
            session["lang"] = lang
        if pending:
            session["console_pending_form"] = pending
        return redirect(safe_next(request.args.get("next")))
    return render_template("console/login.html", error=error, username=username)


@bp.route("/logout", methods=["POST"])
def logout():
    sign_out(utcnow())
    return redirect(url_for("console.login"))


@bp.route("/lang/<code>")
def set_language(code):
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def _site_day(actor, now) -> date:
    return site_today(actor.site, now) if actor.site is not None else now.date()


@bp.route("/")
@console_requires()
def today():
    """Today (or ?day=) at the nurse's site, or the week from it with ?week=1; cancelled hidden.
    Roles that see no patients (statistician) land on the reports instead."""
    if not _can(Capability.VIEW_PATIENTS):
        return redirect(url_for("console.reports"))
    now = utcnow()
    try:
        first = date.fromisoformat(request.args["day"]) if request.args.get("day") else _site_day(g.actor, now)
    except ValueError:
        first = _site_day(g.actor, now)
    week = request.args.get("week") == "1"
    last = first + timedelta(days=6) if week else first
    show_cancelled = request.args.get("cancelled") == "1"
    page = visit_views.day_view(g.actor, None, first, last, limit=1000, include_cancelled=True)
    items = [v for v in page["items"] if show_cancelled or v["status"] != "cancelled"]
    return render_template("console/today.html", items=items, first=first, last=last, week=week,
                           show_cancelled=show_cancelled, hidden=len(page["items"]) - len(items),
                           today=_site_day(g.actor, now), open_alerts=_open_alert_count())


def _open_alert_count() -> int:
    statement = scope_to_site(select(Alert.id).where(Alert.status == "open"), g.actor, Alert.site_id)
    return len(db.session.scalars(statement).all())


@bp.route("/patients/<int:patient_id>")
@console_requires(Capability.VIEW_PATIENTS)
def patient(patient_id):
    record = load_visible(Patient, patient_id, g.actor, what="patient")
    return render_template("console/patient.html", patient=record, **_patient_data(record),
                           restored=restore_form(url_for("console.patient", patient_id=patient_id)),
                           today=_site_day(g.actor, utcnow()), errors={}, error_visit=None)


def _patient_data(record) -> dict:
    pid = record.id
    visits = visit_views.timeline(pid)
    return {
        **care_data(record, visits),  # AE candidates, labs, HAIC readiness (patient_extras.py)
        **outcome_data(record),  # scans with RECIST responses, the contact log
        "visits": visits,
        "reports": db.session.scalars(select(SymptomReport).where(SymptomReport.patient_id == pid)
                                      .order_by(SymptomReport.received_at.desc()).limit(20)).all(),
        "adverse_events": db.session.scalars(select(AdverseEvent).where(AdverseEvent.patient_id == pid)
                                             .order_by(AdverseEvent.onset_date.desc())).all(),
        "messages": db.session.scalars(select(Message).where(Message.patient_id == pid)
                                       .order_by(Message.id.desc()).limit(20)).all(),
        "alerts": db.session.scalars(select(Alert).where(Alert.patient_id == pid).order_by(Alert.id.desc())).all(),
    }


@bp.route("/visits/<int:visit_id>/complete", methods=["POST"])
@console_requires(Capability.SCHEDULE_VISITS)
def complete_visit(visit_id):
    visit = load_visible(Visit, visit_id, g.actor, what="visit")
    try:
        check_version(visit, _posted_version())
        args = parse(CompleteSchema(), request.form)
        lifecycle.complete_visit(g.actor, utcnow(), visit, **args)
    except (Problem, FormErrors) as exc:
        return _patient_with_errors(visit, exc)
    flash(_("%(code)s recorded as done.", code=visit.code), "success")
    return redirect(url_for("console.patient", patient_id=visit.patient_id))


def _posted_version() -> int | None:
    value = request.form.get("version", "")
    return int(value) if value.isdigit() else None


def _patient_with_errors(visit, exc):
    """Re-show the patient's page with the form's errors beside its fields and the typed values."""
    errors = refused(exc, stale=_(STALE_VISIT))
    record = db.session.get(Patient, visit.patient_id)
    return render_template("console/patient.html", patient=record, **_patient_data(record),
                           restored=dict(request.form), today=_site_day(g.actor, utcnow()),
                           errors=errors.errors, error_message=errors.message, error_visit=visit.id), errors.status


@bp.route("/alerts")
@console_requires(Capability.HANDLE_ALERTS)
def alerts_inbox():
    status = request.args.get("status", "open")
    statement = scope_to_site(select(Alert).options(selectinload(Alert.patient)), g.actor, Alert.site_id)
    if status in ("open", "acknowledged"):
        statement = statement.where(Alert.status == status)
    items = db.session.scalars(statement.order_by(Alert.last_event_at.desc()).limit(200)).all()
    return render_template("console/alerts.html", alerts=items, status=status, errors={}, error_alert=None)


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@console_requires(Capability.HANDLE_ALERTS)
def acknowledge_alert(alert_id):
    alert = load_visible(Alert, alert_id, g.actor, what="alert")
    try:
        check_version(alert, _posted_version())
        args = parse(AcknowledgeSchema(), request.form)
        alerts.acknowledge(g.actor, utcnow(), alert, args.get("note"))
    except (Problem, FormErrors) as exc:
        errors = refused(exc)
        items = db.session.scalars(scope_to_site(select(Alert).where(Alert.status == "open"), g.actor,
                                                 Alert.site_id).order_by(Alert.last_event_at.desc())).all()
        return render_template("console/alerts.html", alerts=items, status="open", errors=errors.errors,
                               error_message=errors.message, error_alert=alert_id), errors.status
    flash(_("Alert acknowledged."), "success")
    return redirect(url_for("console.alerts_inbox"))


@bp.errorhandler(CSRFError)
def _csrf_page(error):
    db.session.rollback()
    return render_template("console/error.html", status=400,
                           message=_("This form has expired. Reload the page and try again.")), 400


@bp.errorhandler(Problem)
def _problem_page(problem: Problem):
    db.session.rollback()
    return render_template("console/error.html", status=problem.status, message=problem.detail), problem.status
