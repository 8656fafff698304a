"""Console pages for coordinators: screening with unit-aware labs and live criteria, enrollment
from an eligible screening to its booked schedule, and the screening log as a CONSORT table.

Writes go through the API's services with the API's schemas and capabilities:
  create  → screening.services.screen_candidate (POST /api/v1/screenings, SCREEN_PATIENTS)
  update  → screening.services.rescreen (PATCH /api/v1/screenings/{id}, If-Match as hidden `version`)
  enroll  → patients.services.enroll_patient (POST /api/v1/patients: books the protocol schedule)
Reads are site-scoped like the API (another site's screening is a 404). The live criteria
(`…/criteria`) judge the posted form with `eligibility.evaluate` and write nothing.
"""
from datetime import date

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.common.access import load_visible, scope_to_site
from app.common.clock import site_today, utcnow
from app.common.etag import check_version
from app.common.permissions import Capability
from app.common.problems import Problem
from app.console import screening_form
from app.console.forms import FormErrors, earlier_result, refused, remember_result, submission_token
from app.console.session import console_requires, restore_form
from app.console.views import _posted_version, bp
from app.console.vocabulary import N_
from app.extensions import db
from app.models import Patient, Screening, Site
from app.patients import services as patients
from app.patients.schemas import PatientCreateSchema
from app.screening import eligibility, services
from app.screening.schemas import (HISTOLOGIES, HISTORY, LAB_TESTS, LIVER_PATTERNS, ScreeningCreateSchema,
                                   ScreeningListArgs, ScreeningUpdateSchema)
from app.visits import views as visit_views

TOP_FIELDS = ("site", "screened_on", "initials", "sex", "birth_date")
# The registry's criterion titles (eligibility.CRITERIA), marked so the page can show them in Chinese.
CRITERION_TITLES = [
    N_("Age 18–75 years"), N_("ECOG 0–1"), N_("Metastatic ESCC confirmed by histology or cytology"),
    N_("Liver metastasis dominant (metachronous, progressed, or main threat)"), N_("Predicted survival ≥ 3 months"),
    N_("Liver, bone marrow and renal function (Child-Pugh 5–7, labs)"),
    N_("HBV: effective antivirals, HBV DNA < 100 IU/mL"), N_("Informed consent signed"), N_("Effective contraception"),
    N_("Age > 75 years"), N_("ECOG ≥ 2"), N_("Poor liver function (Child-Pugh > 7) or labs outside inclusion limits"),
    N_("History of GI bleeding, encephalopathy, massive ascites or abdominal infection"),
    N_("Distant metastases not treatable by local radiotherapy"),
    N_("Tumour near bowel/organs or residual liver volume < 800 mL"), N_("Allergy to sintilimab"),
    N_("Prior PD-1/PD-L1/CTLA-4 immunotherapy"), N_("Immunosuppressants within 4 weeks"),
]
# What the coded answers read as on the page (the API's codes stay the values posted).
CHOICE_LABELS = {
    "squamous_cell_carcinoma": N_("Squamous cell carcinoma"), "adenosquamous": N_("Adenosquamous carcinoma"),
    "adenocarcinoma": N_("Adenocarcinoma"), "other": N_("Other"),
    "metachronous_after_esophagectomy": N_("Metachronous, after esophagectomy"),
    "synchronous_progressed_after_first_line": N_("Synchronous, progressed after first-line therapy"),
    "liver_main_threat": N_("Liver metastasis the main threat"),
    "esophagogastric_bleeding": N_("Esophagogastric bleeding"), "hepatic_encephalopathy": N_("Hepatic encephalopathy"),
    "massive_ascites": N_("Massive ascites"), "abdominal_infection": N_("Abdominal infection"),
    "female": N_("Female"), "male": N_("Male"),
}
LAB_LABELS = {"alt": "ALT", "ast": "AST", "alp": "ALP", "total_bilirubin": N_("Total bilirubin"), "pt": "PT",
              "inr": "INR", "wbc": "WBC", "anc": N_("ANC (neutrophils)"), "platelets": N_("Platelets"),
              "hemoglobin": N_("Hemoglobin"), "bun": "BUN", "creatinine": N_("Creatinine"), "hbv_dna": "HBV DNA"}


@bp.route("/screenings")
@console_requires(Capability.VIEW_PATIENTS)
def screenings():
    """The site's screenings, newest first, with their verdict and enrolled study id."""
    statement = scope_to_site(select(Screening), g.actor, Screening.site_id)
    rows = db.session.scalars(statement.order_by(Screening.screened_on.desc(), Screening.id.desc()).limit(200)).all()
    return render_template("console/screening_list.html", screenings=rows)


@bp.route("/screenings/new")
@console_requires(Capability.SCREEN_PATIENTS)
def new_screening():
    site = g.actor.site
    values = MultiDict({"site": site.code if site else "", "screened_on": _site_day(site).isoformat()})
    # A form posted after the session expired comes back filled in after login.
    return _new_page(restore_form(url_for("console.new_screening")) or values)


@bp.route("/screenings", methods=["POST"])
@console_requires(Capability.SCREEN_PATIENTS)
def create_screening():
    """Check (re-judge, no write) or save a new screening through `screen_candidate`."""
    form = request.form
    if form.get("action") == "check":
        return _new_page(form)
    earlier = earlier_result(form)
    if earlier:  # the same form sent twice (a double tap, a resend): the first screening stands
        return redirect(earlier)
    reading = screening_form.read_facts(form)
    try:
        data = {key: form[key].strip() for key in TOP_FIELDS if form.get(key, "").strip()}
        args = _load(ScreeningCreateSchema(), {**data, "facts": reading.facts}, reading)
        _refuse_bad_labs(reading, args["birth_date"], args["screened_on"])
        created = services.screen_candidate(g.actor, utcnow(), **args)
    except (Problem, FormErrors) as exc:
        errors = refused(exc)
        return _new_page(form, errors.errors, errors.message, errors.status)
    remember_result(form, url_for("console.screening", screening_id=created.id))
    flash(_("Screening saved: %(verdict)s.", verdict=_verdict_text(created.eligible)), "success")
    return redirect(url_for("console.screening", screening_id=created.id))


@bp.route("/screenings/criteria", methods=["POST"])
@console_requires(Capability.SCREEN_PATIENTS)
def new_screening_criteria():
    """The live-criteria fragment for the new-screening form (judged, never written)."""
    birth_date, screened_on = _form_dates(request.form)
    return _criteria_fragment(request.form, birth_date, screened_on)


@bp.route("/screenings/<int:screening_id>")
@console_requires(Capability.VIEW_PATIENTS)
def screening(screening_id):
    record = load_visible(Screening, screening_id, g.actor, what="screening")
    restored = restore_form(url_for("console.screening", screening_id=screening_id))
    if "phone" in restored:  # the enrollment form was the one posted after the session expired
        return _screening_page(record, screening_form.form_values(record.facts), enroll_values=restored)
    return _screening_page(record, restored or screening_form.form_values(record.facts))


@bp.route("/screenings/<int:screening_id>", methods=["POST"])
@console_requires(Capability.SCREEN_PATIENTS)
def update_screening(screening_id):
    """Check, or re-screen with completed facts and a reason (the API's PATCH, If-Match as `version`)."""
    record = load_visible(Screening, screening_id, g.actor, what="screening")
    form = request.form
    if form.get("action") == "check":
        return _screening_page(record, form)
    reading = screening_form.read_facts(form)
    try:
        check_version(record, _posted_version())
        data = {"facts": reading.facts, **({"reason": form["reason"].strip()} if form.get("reason", "").strip() else {})}
        args = _load(ScreeningUpdateSchema(), data, reading)
        _refuse_bad_labs(reading, record.birth_date, record.screened_on)
        services.rescreen(g.actor, utcnow(), record, args["facts"], args["reason"])
    except (Problem, FormErrors) as exc:
        errors = refused(exc, stale=_("Someone else changed this screening while you were editing. The page now "
                                      "shows the current version; check it and save again."))
        if errors.status == 412:  # show what is stored now, not what was typed over an older version
            form = screening_form.form_values(db.session.get(Screening, screening_id).facts)
        return _screening_page(db.session.get(Screening, screening_id), form, errors.errors, errors.message,
                               errors.status)
    flash(_("Screening updated: %(verdict)s.", verdict=_verdict_text(record.eligible)), "success")
    return redirect(url_for("console.screening", screening_id=screening_id))


@bp.route("/screenings/<int:screening_id>/criteria", methods=["POST"])
@console_requires(Capability.SCREEN_PATIENTS)
def screening_criteria(screening_id):
    record = load_visible(Screening, screening_id, g.actor, what="screening")
    return _criteria_fragment(request.form, record.birth_date, record.screened_on)


@bp.route("/screenings/<int:screening_id>/enroll", methods=["POST"])
@console_requires(Capability.SCREEN_PATIENTS)
def enroll(screening_id):
    """Enroll through `enroll_patient` (number, schedule, audit); a refusal is shown on the screening."""
    record = load_visible(Screening, screening_id, g.actor, what="screening")
    try:
        args = _load_enrollment(request.form, screening_id)
        patient = patients.enroll_patient(g.actor, utcnow(), **args)
    except (Problem, FormErrors) as exc:
        errors = refused(exc)
        record = db.session.get(Screening, screening_id)
        return _screening_page(record, screening_form.form_values(record.facts), message=errors.message,
                               status=errors.status, enroll_values=request.form, enroll_errors=errors.errors)
    flash(_("Enrolled as %(study_id)s; the schedule is booked.", study_id=patient.study_id), "success")
    return redirect(url_for("console.booked_schedule", patient_id=patient.id))


@bp.route("/patients/<int:patient_id>/booked")
@console_requires(Capability.VIEW_PATIENTS)
def booked_schedule(patient_id):
    """The visits enrollment booked (the protocol schedule), in the order they happen."""
    record = load_visible(Patient, patient_id, g.actor, what="patient")
    return render_template("console/screening_booked.html", patient=record,
                           visits=visit_views.timeline(record.id))


@bp.route("/screening-log")
@console_requires(Capability.VIEW_PATIENTS)
def screening_log():
    """The CONSORT table of the screenings the user may see (GET /screenings/summary's counts)."""
    query = {key: value for key, value in request.args.items() if key in ("site", "from", "to") and value.strip()}
    errors = {}
    try:
        args = ScreeningListArgs().load(query)
        statement = services.filtered(g.actor, args)
    except (ValidationError, Problem) as exc:
        errors = exc.messages if isinstance(exc, ValidationError) else (getattr(exc, "errors", None) or {})
        args = ScreeningListArgs().load({})
        statement = services.filtered(g.actor, args)
    return render_template("console/consort.html", consort=consort(statement, args), query=query, errors=errors,
                           sites=_sites()), 422 if errors else 200


def consort(statement, args) -> dict:
    """The API's summary laid out as CONSORT's enrollment box (counts n, by criterion).

    excluded = ineligible + eligible-but-not-enrolled (declined or other; eligibility already
    requires signed consent, and the screening stores no separate "declined" answer);
    open screenings (facts missing) are neither excluded nor enrolled yet; `consent_missing`
    counts those still waiting for consent. Target: ENROLLMENT_TARGET per site in scope."""
    summary = services.summary(statement)
    criteria = db.session.execute(statement.with_only_columns(Screening.eligible, Screening.criteria)).all()
    consent_missing = sum(1 for row in criteria if row.eligible is None and _undecided(row.criteria, "I8"))
    not_enrolled = summary["eligible"] - summary["enrolled"]
    per_site = current_app.config["ENROLLMENT_TARGET"]
    return {**summary, "not_enrolled": not_enrolled, "excluded": summary["ineligible"] + not_enrolled,
            "consent_missing": consent_missing, "target_per_site": per_site,
            "target": per_site * _site_count(args),
            "inclusion": [r for r in summary["by_reason"] if r["id"].startswith("I")],
            "exclusion": [r for r in summary["by_reason"] if r["id"].startswith("E")]}


def _undecided(criteria: list, criterion_id: str) -> bool:
    return any(c.get("id") == criterion_id and c.get("met") is None for c in criteria)


def _site_count(args) -> int:
    if args.get("site") or g.actor.site_id is not None:
        return 1
    return db.session.scalar(select(func.count(Site.id))) or 1


def _sites():
    return db.session.scalars(scope_to_site(select(Site), g.actor, Site.id).order_by(Site.code)).all()


# --- helpers -------------------------------------------------------------------------------------------------

def _site_day(site) -> date:
    now = utcnow()
    return site_today(site, now) if site is not None else now.date()


def _form_dates(form) -> tuple[date | None, date]:
    """The form's birth and screening dates when they read as dates (the live panel judges age
    only then); the screening date defaults to today at the user's site."""
    def read(key):
        try:
            return date.fromisoformat(form.get(key, "").strip())
        except ValueError:
            return None
    return read("birth_date"), read("screened_on") or _site_day(g.actor.site)


def _load(schema, data: dict, reading) -> dict:
    """`data` through the API's `schema`; its messages keyed by the form's own field names."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise FormErrors(screening_form.field_errors(messages, reading))


def _refuse_bad_labs(reading, birth_date, screened_on) -> None:
    """Lab units the domain cannot convert (say, ALT in U/L without its ULN), beside the field;
    the service would refuse them too, but only as one message for all labs."""
    errors = screening_form.judge(reading, birth_date, screened_on).errors
    if errors:
        raise FormErrors(errors)


def _load_enrollment(form, screening_id: int) -> dict:
    data = {key: form[key].strip() for key in ("phone", "language", "treatment_start", "weight_kg")
            if form.get(key, "").strip()}
    if form.get("quiet_start", "").strip() or form.get("quiet_end", "").strip():
        data["quiet_hours"] = {"start": form.get("quiet_start", "").strip(), "end": form.get("quiet_end", "").strip()}
    try:
        return PatientCreateSchema().load({"screening_id": screening_id, **data})
    except ValidationError as exc:
        errors = dict(exc.messages)
        quiet = errors.pop("quiet_hours", None)
        if isinstance(quiet, dict):
            for part in ("start", "end"):
                if part in quiet:
                    errors[f"quiet_{part}"] = quiet[part]
            if "_schema" in quiet:
                errors["quiet_end"] = quiet["_schema"]
        raise FormErrors(errors)


def _verdict_text(eligible: bool | None) -> str:
    if eligible is None:
        return _("undecided, facts missing")
    return _("eligible") if eligible else _("not eligible")


def _judged(form, birth_date, screened_on):
    return screening_form.judge(screening_form.read_facts(form), birth_date, screened_on)


def _criteria_fragment(form, birth_date, screened_on):
    return render_template("console/screening_criteria.html", judgement=_judged(form, birth_date, screened_on),
                           **_vocabulary())


def _vocabulary() -> dict:
    return {"criteria_by_id": eligibility.CRITERIA_BY_ID, "lab_tests": LAB_TESTS, "lab_labels": LAB_LABELS,
            "unit_choices": screening_form.unit_choices, "needs_uln": screening_form.needs_uln,
            "chosen_unit": screening_form.chosen_unit,
            "choice_labels": CHOICE_LABELS, "histologies": HISTOLOGIES, "liver_patterns": LIVER_PATTERNS, "history_items": HISTORY,
            "max_metastases": screening_form.MAX_METASTASES,
            "ecog_scores": [(str(n), str(n)) for n in range(0, 6)],
            "child_pugh_scores": [(str(n), str(n)) for n in range(5, 16)]}


def _new_page(values, errors=None, message=None, status=200):
    birth_date, screened_on = _form_dates(values)
    values = MultiDict(values)
    values["submission"] = submission_token(values)
    return render_template("console/screening.html", record=None, values=values, errors=errors or {},
                           error_message=message, judgement=_judged(values, birth_date, screened_on),
                           sites=_sites(), **_vocabulary()), status


def _screening_page(record, values, errors=None, message=None, status=200, enroll_values=None, enroll_errors=None):
    return render_template("console/screening.html", record=record, values=MultiDict(values), errors=errors or {},
                           error_message=message, judgement=_judged(values, record.birth_date, record.screened_on),
                           enroll_values=enroll_values or {}, enroll_errors=enroll_errors or {},
                           today=_site_day(record.site), **_vocabulary()), status
