"""Console pages for investigators: progression confirmation tasks.

The worklist is the domain's read model (`assessments.confirmations.pending_confirmations`:
open ``confirm_progression`` tasks, site-scoped, each with the PD scan's RECIST evidence); the
confirm form posts through `patients.progression.confirm_progression`, the service behind
POST /api/v1/patients/{id}/progression/confirm (same schema, capability, audit), with the
patient's version from the page checked first so a decision taken on a stale page is refused.
"""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.assessments.confirmations import pending_confirmations
from app.common.access import load_visible
from app.common.clock import utcnow
from app.common.etag import check_version
from app.common.permissions import Capability
from app.common.problems import Problem
from app.console.forms import FormErrors, parse, refused
from app.console.session import console_requires, restore_form
from app.console.vocabulary import N_
from app.console.views import _posted_version, bp
from app.models import Patient
from app.patients import progression
from app.patients.resources import ConfirmProgressionSchema

# Stored codes the page shows through gettext (progression source, new-lesion sites).
WORDS = [N_("radiological"), N_("clinical"), N_("liver"), N_("extrahepatic")]


@bp.route("/progression")
@console_requires(Capability.CONFIRM_PROGRESSION)
def progression_tasks():
    """Patients whose PD scan awaits the investigator's confirmation, oldest task first (a form
    posted after the session expired is offered again, filled in, after login)."""
    restored = restore_form(url_for("console.progression_tasks"))
    task = restored.get("task", "")
    return _tasks_page(error_patient=int(task) if task.isdigit() else None, typed=restored)


def _tasks_page(errors=None, error_patient=None, message=None, typed=None, status=200):
    return render_template("console/progression.html", tasks=pending_confirmations(g.actor), errors=errors or {},
                           error_patient=error_patient, error_message=message, typed=typed or {}), status


@bp.route("/patients/<int:patient_id>/progression/confirm", methods=["POST"])
@console_requires(Capability.CONFIRM_PROGRESSION)
def confirm_progression(patient_id):
    """Record the progression (radiological or clinical, or treatment beyond progression)."""
    patient = load_visible(Patient, patient_id, g.actor, what="patient")
    try:
        check_version(patient, _posted_version())
        # "task" only tells the page which card to re-open after a login (see progression_tasks).
        args = parse(ConfirmProgressionSchema(), {k: v for k, v in request.form.items() if k != "task"})
        progression.confirm_progression(g.actor, utcnow(), patient, **args)
    except (Problem, FormErrors) as exc:
        errors = refused(exc, stale=_("This patient's record changed since you opened the page. Check the evidence "
                                      "below and confirm again."))
        return _tasks_page(errors.errors, patient_id, errors.message, dict(request.form), errors.status)
    flash(_("Progression recorded for %(study_id)s.", study_id=patient.study_id), "success")
    return redirect(url_for("console.progression_tasks"))
