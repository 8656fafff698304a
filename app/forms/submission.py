"""A submitted web form into the symptom pipeline: one report, graded, escalated, alerted.

The same steps as an SMS or tablet report (app/symptoms/services.py, tablet.py): the pure
grader assesses each item, the escalation rules decide, `escalate` raises the alerts and
pages the nurse (urgent for a red flag). Free text is read by the SMS parser too, so a red
flag written in words ("吐血") escalates like a ticked box; text it cannot read goes to
the nurse as an unclear-message alert.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from app.alerts.services import alert_unclear_message
from app.common.audit import log_change
from app.extensions import db
from app.forms.questions import Answers
from app.models import FormLink, Patient, SymptomReport
from app.symptoms.grading.grader import assess
from app.symptoms.parsing.parser import ParsedSymptom, parse_message
from app.symptoms.services import COMPLETE, add_item, escalate, new_report, report_snapshot
from app.symptoms.tablet import FEVER_RED_FLAG_CELSIUS, _escalations

ACTOR = "web-form"
CHANNEL = "form"
NOTHING_TODAY_TEXT = "nothing today"


@dataclass(frozen=True)
class Outcome:
    """What the patient is shown: the report, and whether to show the phone number at once."""

    report: SymptomReport
    urgent: bool


def record_form_report(now: datetime, link: FormLink, patient: Patient, answers: Answers) -> Outcome:
    """Store the answers as one complete report (channel "form") and escalate.

    `answers` must be error-free (questions.read_answers). Raises nothing for clinical
    content; an unknown CTCAE term in the form's own tables would be a programming error.
    """
    report = new_report(patient, now, CHANNEL)
    report.status = COMPLETE
    report.text = NOTHING_TODAY_TEXT if answers.nothing_today else answers.text
    items = [] if answers.nothing_today else _items(answers)
    assessed = [assess(item) for item in items]
    escalations = _escalations(patient, assessed)
    report.escalated = bool(escalations)
    for item in assessed:
        add_item(report, item)
    db.session.flush()
    escalate(ACTOR, now, patient, report, escalations)
    if answers.text and not answers.nothing_today and not _understood(answers.text):
        alert_unclear_message(ACTOR, now, patient, report)  # the nurse reads what we could not
    link.last_report_id = report.id
    log_change(ACTOR, now, "symptom_report_received", "symptom_report", report.id, after=report_snapshot(report),
               reason=f"web form link {link.id}", site_id=patient.site_id)
    return Outcome(report, any(e.urgent for e in escalations))


def _items(answers: Answers) -> list[ParsedSymptom]:
    by_term = {data["ctcae_term"]: _parsed(data) for data in answers.items}
    for found in parse_message(answers.text).items if answers.text else ():
        # Words add only what the boxes did not say: a red flag, or a symptom not asked about.
        if found.negated:
            continue
        known = by_term.get(found.ctcae_term)
        if known is None:
            by_term[found.ctcae_term] = found
        elif found.red_flags:
            by_term[found.ctcae_term] = _with_flags(known, found.red_flags)
    return list(by_term.values())


def _parsed(data: dict) -> ParsedSymptom:
    flags = set(data.get("red_flags") or ())
    if data["ctcae_term"] == "Fever" and data.get("value") is not None and data["value"] >= FEVER_RED_FLAG_CELSIUS:
        flags.add("fever_measured")
    return ParsedSymptom(ctcae_term=data["ctcae_term"], severity=data.get("severity"),
                         frequency=data.get("frequency"), value=data.get("value"), unit=data.get("unit"),
                         red_flags=tuple(sorted(flags)))


def _with_flags(item: ParsedSymptom, flags) -> ParsedSymptom:
    return replace(item, red_flags=tuple(sorted(set(item.red_flags) | set(flags))))


def _understood(text: str) -> bool:
    return parse_message(text).understood
