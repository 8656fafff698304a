"""Structured symptom reports entered on the clinic tablet (POST /patients/{id}/symptom-reports).

Grades are computed here by the pure grading whenever answers are given; a client's
patient_grade is only taken when it brings no answers (a transcribed grade), and one that
contradicts the answers is refused. Escalation follows the same rules as SMS.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.common.audit import log_change
from app.common.problems import ValidationProblem
from app.ctcae.catalogue import CatalogueTerm, resolve_term
from app.extensions import db
from app.models import Patient, SymptomReport
from app.symptoms.dialogue.conversation import Escalation
from app.symptoms.grading.escalation import RED_FLAGS, EscalationContext, should_escalate
from app.symptoms.grading.grader import AssessedSymptom, STOOL_UNIT, assess
from app.symptoms.parsing.parser import ParsedSymptom, parse_message
from app.symptoms.baselines import stools_per_day
from app.symptoms.services import (COMPLETE, add_item, escalate, new_report, previous_grades, received_immunotherapy,
                                   report_snapshot)

FEVER_RED_FLAG_CELSIUS = 38.0
MEASURED_UNITS = {"Fever": "°C", "Diarrhea": STOOL_UNIT}
ANSWERS = ("severity", "frequency", "interference", "value")


def _term(index: int, data: dict) -> CatalogueTerm:
    term = resolve_term(data["ctcae_term"])
    if term is None:
        _refuse(index, "ctcae_term", f"{data['ctcae_term']!r} is not a CTCAE v5.0 term (search /api/v1/ctcae/terms).")
    if data.get("meddra_code") and data["meddra_code"] != term.meddra_code:
        _refuse(index, "meddra_code", f"{term.term} is MedDRA {term.meddra_code}, not {data['meddra_code']}.")
    return term


def _refuse(index: int, field: str, message: str):
    raise ValidationProblem(message, errors={"items": {str(index): {field: [message]}}})


def _red_flags(term: str, data: dict) -> tuple[str, ...]:
    flags = set(data.get("red_flags") or ())
    if term == "Fever" and data.get("value") is not None and data["value"] >= FEVER_RED_FLAG_CELSIUS:
        flags.add("fever_measured")
    return tuple(sorted(flags))


def _check_unit(index: int, term: str, data: dict) -> None:
    expected = MEASURED_UNITS.get(term)
    if data.get("value") is not None and expected and data.get("unit") != expected:
        _refuse(index, "unit", f"A value for {term} is recorded in {expected!r}.")


def _assessed(index: int, data: dict, baseline: float = 0) -> tuple[AssessedSymptom, str]:
    term = _term(index, data)
    _check_unit(index, term.term, data)
    parsed = ParsedSymptom(ctcae_term=term.term, severity=data.get("severity"), frequency=data.get("frequency"),
                           interference=data.get("interference"), value=data.get("value"), unit=data.get("unit"),
                           red_flags=_red_flags(term.term, data))
    item = assess(parsed, baseline)
    claimed = data.get("patient_grade")
    if any(data.get(a) is not None for a in ANSWERS):
        if claimed is not None and item.patient_grade is not None and claimed != item.patient_grade:
            _refuse(index, "patient_grade", f"The answers give composite grade {item.patient_grade}, not {claimed}.")
    elif claimed is None:
        _refuse(index, "patient_grade", "Give the patient's answers (severity, frequency, interference, value) "
                                        "or a patient_grade.")
    else:
        item = replace(item, patient_grade=claimed)
    return item, term.meddra_code


def _check_unique(items: list[AssessedSymptom]) -> None:
    seen = set()
    for index, item in enumerate(items):
        if item.ctcae_term in seen:
            _refuse(index, "ctcae_term", f"{item.ctcae_term} appears twice in one report.")
        seen.add(item.ctcae_term)


def _escalations(patient: Patient, items: list[AssessedSymptom]) -> list[Escalation]:
    context = EscalationContext(received_immunotherapy=received_immunotherapy(patient.id))
    previous = previous_grades(patient.id)
    found = []
    for item in items:
        escalate_it, reasons = should_escalate(item, previous.get(item.ctcae_term), context)
        if escalate_it:
            found.append(Escalation(item, reasons))
    return found


def record_tablet_report(actor, now: datetime, patient: Patient, *, items: list[dict], text: str = "",
                         received_at: datetime | None = None) -> SymptomReport:
    """Store a structured report entered in clinic, graded and escalated like an SMS report."""
    if received_at is not None and received_at > now:
        raise ValidationProblem("A report cannot be received in the future.",
                                errors={"received_at": ["Must not be in the future."]})
    baseline = stools_per_day(patient.id) or 0  # diarrhea is graded over the patient's own habit
    graded = [_assessed(index, data, baseline) for index, data in enumerate(items)]
    _check_unique([item for item, _code in graded])
    escalations = _escalations(patient, [item for item, _code in graded])
    report = new_report(patient, received_at or now, "tablet", entered_by_id=actor.id)
    report.text, report.status, report.escalated = text or "", COMPLETE, bool(escalations)
    for item, meddra_code in graded:
        add_item(report, item, meddra_code)
    db.session.flush()
    escalate(actor, now, patient, report, escalations)
    log_change(actor, now, "symptom_report_entered", "symptom_report", report.id, after=report_snapshot(report),
           site_id=patient.site_id)
    return report


def items_from_text(text: str) -> list[dict]:
    """The symptoms the SMS parser reads in free text typed at the bedside, as tablet items
    (SymptomItemCreateSchema's shape, for `record_tablet_report`): the 0-4 answers it found, a
    temperature or stool count with its unit, the red flags. Symptoms the text denies are left
    out; each term once. An item without answers still needs the nurse's `patient_grade`."""
    items: dict[str, dict] = {}
    for found in parse_message(text or "").items:
        if found.negated or found.ctcae_term in items:
            continue
        measured = found.value is not None and MEASURED_UNITS.get(found.ctcae_term) == found.unit
        items[found.ctcae_term] = {
            "ctcae_term": found.ctcae_term, "severity": found.severity, "frequency": found.frequency,
            "interference": found.interference, "value": found.value if measured else None,
            "unit": found.unit if measured else None,
            "red_flags": [flag for flag in found.red_flags if flag in RED_FLAGS]}
    return list(items.values())
