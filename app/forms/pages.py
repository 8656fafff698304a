"""GET/POST /r/{token}: the web symptom form (HTML, no login, no JavaScript, no external assets).

Whatever goes wrong, the patient sees a short page in their language, never a stack trace
and never another patient's data. Unknown query parameters are ignored (WeChat adds its own).
The request boundary commits after a successful submission, as for any request.
"""
from __future__ import annotations

import logging
import secrets

from flask import Blueprint, make_response, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from app.common.clock import utcnow
from app.extensions import db
from app.forms import links
from app.forms.questions import MAX_TEXT_CHARS, QUESTIONS, RED_FLAGS, SCALES, read_answers
from app.forms.submission import NOTHING_TODAY_TEXT, record_form_report
from app.forms.texts import TEXTS, texts_for
from app.models import Patient, SymptomReport
from app.notifications.patient_sms import NO_SMS_STATUSES

log = logging.getLogger(__name__)
bp = Blueprint("forms", __name__, template_folder="templates")
# The token is in the URL: keep it out of Referer headers, caches and search engines.
_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                       "base-uri 'none'; frame-ancestors 'none'",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex",
            "X-Content-Type-Options": "nosniff"}
_MAX_FORM_BYTES = 64 * 1024  # a filled form is ~2 KB; more is not a patient typing


@bp.route("/r/<token>", methods=["GET", "POST"])
def symptom_form(token: str):
    """The form for the link's patient; POST records one report (form-encoded fields, see questions.py)."""
    try:
        return _handle(token)
    except Exception:  # the patient must get a page, whatever broke
        db.session.rollback()
        log.exception("web form failed")
        return _message_page(None, "error_title", "error_body", status=500)


def _handle(token: str):
    now = utcnow()
    state = links.resolve(token, now)
    patient = db.session.get(Patient, state.link.patient_id) if state.link is not None else None
    if state.problem is None and patient.status in NO_SMS_STATUSES:
        state = links.LinkState(state.link, "revoked")
    if state.problem is not None:
        # An unknown token says nothing about whose it might be: both languages, no phone.
        known = state.problem != "unknown"
        return _message_page(patient if known else None, "bad_link_title", "bad_link_body",
                             status=404 if not known else 410)
    if request.method == "GET":
        return _form_page(patient, MultiDict(), {}, status=200)
    if (request.content_length or 0) > _MAX_FORM_BYTES:
        return _message_page(patient, "error_title", "too_large", status=413)
    try:
        form = request.form
    except RequestEntityTooLarge:
        return _message_page(patient, "error_title", "too_large", status=413)
    answers = read_answers(form)
    if answers.errors:
        return _form_page(patient, form, answers.errors, status=422)
    nonce = (form.get("nonce") or "")[:32] or secrets.token_hex(16)
    if not links.claim_use(state.link, nonce, now):
        return _repeat(state.link, nonce, patient, now)
    outcome = record_form_report(now, state.link, patient, answers)
    return _done_page(patient, outcome.urgent, answers.nothing_today)


def _repeat(link, nonce: str, patient: Patient, now):
    """A second post of the same form (double tap, reload): show the first result again."""
    report = db.session.get(SymptomReport, link.last_report_id) if link.last_report_id else None
    if link.last_nonce == nonce and report is not None:
        urgent = any(item.red_flags for item in report.items)
        return _done_page(patient, urgent, report.text == NOTHING_TODAY_TEXT)
    return _message_page(patient, "bad_link_title", "bad_link_body", status=410)


def _form_page(patient: Patient, form, errors: dict, status: int):
    html = render_template("forms/form.html", t=texts_for(patient.language), lang=_lang(patient), form=form,
                           errors=errors, questions=QUESTIONS, red_flags=RED_FLAGS, scales=SCALES,
                           nonce=secrets.token_hex(16), phone=patient.site.phone, max_text=MAX_TEXT_CHARS)
    return _respond(html, status)


def _done_page(patient: Patient, urgent: bool, nothing: bool):
    html = render_template("forms/done.html", t=texts_for(patient.language), lang=_lang(patient), urgent=urgent,
                           nothing=nothing, phone=patient.site.phone)
    return _respond(html, 200)


def _message_page(patient: Patient | None, title_key: str, body_key: str, status: int):
    languages = [_lang(patient)] if patient is not None else ["zh", "en"]
    pages = [{"lang": lang, "title": TEXTS[lang][title_key], "body": TEXTS[lang][body_key]} for lang in languages]
    html = render_template("forms/message.html", t=texts_for(languages[0]), lang=languages[0], pages=pages,
                           phone=patient.site.phone if patient is not None else None)
    return _respond(html, status)


def _lang(patient: Patient | None) -> str:
    return patient.language if patient is not None and patient.language in TEXTS else "zh"


def _respond(html: str, status: int):
    response = make_response(html, status)
    response.headers.update(_HEADERS)
    response.mimetype = "text/html"
    return response


def register(app):
    """Mount the page (a plain blueprint: HTML, not part of the OpenAPI document)."""
    app.register_blueprint(bp)
