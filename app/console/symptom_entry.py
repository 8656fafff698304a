"""The bedside symptom form (console/symptom_report.html): one POST form whose buttons read the
free text into rows, search the CTCAE terms, add a term, or save; what was typed is kept
through each round trip (no script needed). Saving is symptoms.tablet.record_tablet_report,
the service behind POST /patients/{id}/symptom-reports, with the API's schema.
"""
from flask import flash, g, redirect, render_template, url_for
from flask_babel import get_locale, gettext as _
from marshmallow import ValidationError

from app.common.clock import utcnow
from app.common.problems import Problem
from app.console.forms import FormErrors, earlier_result, parse, refused, remember_result, submission_token
from app.console.symptom_rows import items_from_rows, row_errors, row_from_item, rows_from_form, with_blank_rows
from app.ctcae.catalogue import search_terms
from app.ctcae.definitions import grade_definitions
from app.ctcae.facts import all_facts
from app.ctcae.schemas import TermSearchArgs
from app.symptoms.schemas import SymptomReportCreateSchema
from app.symptoms.tablet import items_from_text, record_tablet_report


def language() -> str:
    return "zh" if str(get_locale()).startswith("zh") else "en"


def term_search(query: str):
    """(terms, their imported definitions, errors) for `query`: the API's search (GET /ctcae/terms)
    in the page's language; nothing for a blank query."""
    if not query.strip():
        return [], {}, {}
    try:
        args = parse(TermSearchArgs(), {"q": query, "lang": language()})
    except FormErrors as exc:
        return [], {}, exc.errors
    terms = search_terms(args["q"], args["lang"], args["limit"])
    return terms, grade_definitions(t.term for t in terms), {}


def rows_for_terms(terms) -> list[dict]:
    """Rows with `terms` filled in (from ?term=… links), plus blank rows."""
    return with_blank_rows([row_from_item({"ctcae_term": term}) for term in terms if term.strip()])


def page(patient, rows, *, text="", query="", errors=None, message=None, status=200, submission=None):
    terms, definitions, search_errors = term_search(query)
    return render_template("console/symptom_report.html", patient=patient, rows=rows, text=text, query=query,
                           submission=submission or submission_token(),
                           terms=terms, definitions=definitions, errors={**(errors or {}), **search_errors},
                           error_message=message, official_terms=[f.term for f in all_facts()]), status


def submitted(patient, form):
    """One press of the form: `add_term`, or action read_text | search | save."""
    rows, text = rows_from_form(form), form.get("text", "")
    query, submission = form.get("term_query", ""), submission_token(form)
    if form.get("add_term"):
        return page(patient, with_blank_rows(rows + [row_from_item({"ctcae_term": form["add_term"]})]),
                    text=text, query=query, submission=submission)
    action = form.get("action", "save")
    if action == "read_text":
        return page(patient, with_blank_rows(_merge(rows, text)), text=text, query=query, submission=submission)
    if action == "search":
        return page(patient, with_blank_rows(rows), text=text, query=query, submission=submission)
    earlier = earlier_result(form)
    if earlier:  # the same form saved twice (a double tap): the first report stands
        return redirect(earlier)
    return _save(patient, rows, text, query, form)


def _merge(rows: list[dict], text: str) -> list[dict]:
    """`rows` plus the symptoms the text names that no row has yet."""
    named = {row["ctcae_term"].lower() for row in rows if row["ctcae_term"]}
    return rows + [row_from_item(item) for item in items_from_text(text) if item["ctcae_term"].lower() not in named]


def _save(patient, rows, text, query, form):
    rows = [row for row in rows if any(row.values())]  # error keys name rows as shown again
    if not any(row["ctcae_term"] for row in rows) and text.strip():
        rows = _merge(rows, text)  # Save with only the text: read it first, as the button would
    items, where = items_from_rows(rows)
    try:
        if not items:
            raise FormErrors({"items": [_("Name at least one symptom, or write what the patient said.")]})
        args = _load(text, items)
        report = record_tablet_report(g.actor, utcnow(), patient, items=args["items"], text=args["text"],
                                      received_at=args["received_at"])
    except (Problem, FormErrors) as exc:
        errors = refused(exc)
        return page(patient, with_blank_rows(rows, 1), text=text, query=query, status=errors.status,
                    errors=row_errors(errors.errors, where), message=errors.message, submission=submission_token(form))
    flash(_("Symptom report recorded."), "success")
    result = url_for("console.symptom_report_result", patient_id=patient.id, report_id=report.id)
    remember_result(form, result)
    return redirect(result)


def _load(text, items) -> dict:
    try:
        return SymptomReportCreateSchema().load({"text": text, "items": items})
    except ValidationError as exc:
        raise FormErrors(exc.messages)

