"""Symptom reports by SMS: run the pure dialogue on the patient's open report, store, escalate.

`handle_inbound_sms` is the symptom pipeline the inbox calls for a patient's free text
(registered at app start with app.notifications.inbound_handlers, so notifications never
imports symptoms); it returns the replies as rendered templates, each marked urgent or an
acknowledgement (the caller queues them in the outbox). The dialogue state
lives in SymptomReport.conversation while the report is "awaiting_answer".
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.alerts.services import alert_unclear_message, raise_symptom_alert
from app.common.audit import log_change, snapshot
from app.common.statuses import ReportStatus, VisitStatus
from app.notifications.templates import RenderedSms
from app.extensions import db
from app.models import Message, Patient, SymptomItem, SymptomReport, Visit
from app.symptoms.dialogue.conversation import DEFAULT_EXPIRY, DialogueSettings, Escalation, Outcome, handle_message
from app.symptoms.grading.escalation import EscalationContext
from app.symptoms.grading.grader import AssessedSymptom, assess
from app.symptoms.dialogue.state_json import last_message_at, state_from_json, state_to_json
from app.symptoms.dialogue.messages import render
from app.symptoms.parsing.parser import parse_message
from app.notifications.inbound_handlers import Reply, register_text_handler
from app.notifications.keywords import language_of
from app.symptoms.baselines import stools_per_day

ACTOR = "sms-inbound"
AWAITING, COMPLETE = ReportStatus.AWAITING_ANSWER, ReportStatus.COMPLETE
REPORT_AUDITED = ("status", "escalated", "text", "channel", "received_at")
# Outside a dialogue these need no grading: "fine" / "0" / "好" answer a check-in with no symptoms
# (a report without items is kept); a bare thanks is only courtesy. Neither gets a reply:
# answering a thank-you invites loops and spends the patient's daily SMS budget.
ALL_CLEAR = frozenset({"0", "fine", "i feel fine", "i'm fine", "im fine", "i am fine", "all good", "good", "well",
                       "no symptoms", "none", "nothing", "好", "很好", "挺好", "都好", "没事", "没有", "无", "正常",
                       "没有不舒服", "一切正常"})
COURTESY = frozenset({"thanks", "thank you", "thx", "ok", "okay", "谢谢", "好的", "收到", "知道了"})
_TRIM = " \t\n.!?,~。！？，、…👍🙏😊"


def _plain(text: str) -> str:
    return " ".join(text.strip(_TRIM).lower().split())


def handle_inbound_text(now: datetime, patient: Patient, message: Message) -> list[RenderedSms]:
    """Grade one inbound SMS in the patient's dialogue; returns the replies to queue (rendered
    templates). Stores or updates the patient's open SMS report, raises alerts, flushes."""
    outcome = _handle(now, patient, message)
    return list(outcome.replies) if outcome else []


def handle_inbound_sms(actor, now: datetime, patient: Patient, message: Message) -> list[Reply]:
    """The text handler registered with app.notifications.inbound_handlers (see `install`).

    Replies are marked urgent when a red flag fired (the outbox then watches their lateness).
    The reply language follows the language the patient wrote in when the parser reports one
    (the enrolled language stays the default). An opted-out patient gets one acknowledgement
    and no questions; after an urgent text, no SMS at all (providers block it): the nurse's
    alert says they opted out, so the nurse calls.
    """
    outcome = _handle(now, patient, message)
    if outcome is None:
        return []
    urgent = any(e.urgent for e in outcome.escalations)
    if patient.sms_opted_out:
        if urgent or not outcome.replies:
            return []
        language = _written_language(message.body) or patient.language
        return [Reply(render("escalated" if outcome.escalations else "recorded", language,
                             phone=patient.site.phone or ""), acknowledgement=True)]
    return [Reply(text, urgent=urgent and index == 0) for index, text in enumerate(outcome.replies)]


def install() -> None:
    """Called by the app factory: inbound SMS from patients come here."""
    register_text_handler(handle_inbound_sms)


def _handle(now: datetime, patient: Patient, message: Message) -> Outcome | None:
    report = _open_sms_report(patient.id)
    if report is not None and _abandoned(report, now):
        close_abandoned_report(ACTOR, now, report)
        report = None
    if report is None and _plain(message.body) in ALL_CLEAR | COURTESY:
        _record_all_clear(now, patient, message.body)
        return None
    state = state_from_json(report.conversation if report else None)
    settings = dialogue_settings(patient, exclude_report_id=getattr(report, "id", None))
    language = _written_language(message.body) or patient.language
    outcome = handle_message(state, message.body, now, language, settings)
    is_new = report is None
    report = report or new_report(patient, now, "sms")
    before = None if is_new else snapshot(report, REPORT_AUDITED)
    _apply(now, patient, report, message.body, outcome)
    log_change(ACTOR, now, "symptom_report_received" if is_new else "symptom_report_updated", "symptom_report",
           report.id, before=before, after=report_snapshot(report), site_id=patient.site_id)
    return outcome


def _written_language(text: str) -> str | None:
    """The language the patient wrote in: the parser's `language` once it reports one, else a
    script check (Chinese characters → zh, Latin letters → en, digits only → None)."""
    language = getattr(parse_message(text), "language", None)
    return language if language in ("en", "zh") else language_of(text)


def _record_all_clear(now: datetime, patient: Patient, text: str) -> None:
    if _plain(text) not in ALL_CLEAR:
        return
    report = new_report(patient, now, "sms")
    report.text, report.status = text, COMPLETE
    db.session.flush()
    log_change(ACTOR, now, "symptom_report_received", "symptom_report", report.id, after=report_snapshot(report),
           site_id=patient.site_id)


def _open_sms_report(patient_id: int) -> SymptomReport | None:
    return db.session.scalar(select(SymptomReport).where(
        SymptomReport.patient_id == patient_id, SymptomReport.channel == "sms", SymptomReport.status == AWAITING)
        .order_by(SymptomReport.id.desc()).limit(1))


def _abandoned(report: SymptomReport, now: datetime) -> bool:
    last = last_message_at(report.conversation) or report.received_at
    return now - last > DEFAULT_EXPIRY


def close_abandoned_report(actor, now: datetime, report: SymptomReport) -> None:
    """The patient stopped answering: keep the symptoms they named, ungraded where unanswered."""
    before = snapshot(report, REPORT_AUDITED)
    baseline = stools_per_day(report.patient_id) or 0
    for item in state_from_json(report.conversation).pending:
        record_item(report, assess(item, baseline))
    report.status, report.conversation = COMPLETE, None
    db.session.flush()
    site_id = db.session.get(Patient, report.patient_id).site_id
    log_change(actor, now, "symptom_report_closed_unanswered", "symptom_report", report.id, before=before,
           after=report_snapshot(report), site_id=site_id)


def close_abandoned_reports(now: datetime, actor="symptoms-job") -> int:
    """Close every SMS dialogue left unanswered longer than the question expiry (a job)."""
    reports = db.session.scalars(select(SymptomReport).where(SymptomReport.status == AWAITING)
                                 .order_by(SymptomReport.id)).all()
    stale = [r for r in reports if _abandoned(r, now)]
    for report in stale:
        close_abandoned_report(actor, now, report)
    return len(stale)


def received_immunotherapy(patient_id: int) -> bool:
    """Fever is a red flag once the patient has had a sintilimab dose (a completed visit)."""
    return db.session.scalar(select(Visit.id).where(
        Visit.patient_id == patient_id, Visit.kind == "sintilimab", Visit.status == VisitStatus.COMPLETED).limit(1)) is not None


def previous_grades(patient_id: int, exclude_report_id: int | None = None) -> dict[str, int]:
    """The patient's most recent composite grade per CTCAE term, from earlier reports."""
    statement = (select(SymptomItem.ctcae_term, SymptomItem.patient_grade)
                 .join(SymptomReport, SymptomItem.report_id == SymptomReport.id)
                 .where(SymptomReport.patient_id == patient_id, SymptomItem.patient_grade.is_not(None))
                 .order_by(SymptomReport.received_at, SymptomItem.id))
    if exclude_report_id is not None:
        statement = statement.where(SymptomReport.id != exclude_report_id)
    return {term: grade for term, grade in db.session.execute(statement)}


def dialogue_settings(patient: Patient, exclude_report_id: int | None = None) -> DialogueSettings:
    """The pure dialogue's settings for `patient`: the site phone, the recorded stools-per-day
    baseline, whether a sintilimab dose was given (fever is then a red flag) and the last grade
    per term from earlier reports."""
    return DialogueSettings(site_phone=patient.site.phone or "", baseline_stools_per_day=stools_per_day(patient.id),
                            context=EscalationContext(received_immunotherapy=received_immunotherapy(patient.id)),
                            previous_grades=previous_grades(patient.id, exclude_report_id))


def new_report(patient: Patient, now: datetime, channel: str, entered_by_id=None) -> SymptomReport:
    """A new, empty symptom report ("awaiting_answer") added to the session (not flushed)."""
    report = SymptomReport(patient_id=patient.id, received_at=now, channel=channel, text="", status=AWAITING,
                           escalated=False, entered_by_id=entered_by_id)
    db.session.add(report)
    return report


def _apply(now: datetime, patient: Patient, report: SymptomReport, text: str, outcome: Outcome) -> None:
    report.text = f"{report.text}\n{text}" if report.text else text
    waiting = bool(outcome.state.questions) or outcome.state.unclear_reprompted
    report.status = AWAITING if waiting else COMPLETE
    report.conversation = state_to_json(outcome.state, now) if waiting else None
    report.escalated = report.escalated or bool(outcome.escalations)  # set before the flush: one version bump
    for item in outcome.completed_items:
        record_item(report, item)
    # Terms still waiting for an answer are recorded at once, grade pending: the nurse sees
    # "nausea and vomiting reported" while the dialogue goes on (issue 11 item 6).
    baseline = stools_per_day(patient.id) or 0
    for item in outcome.state.pending:
        if not any(row.ctcae_term == item.ctcae_term for row in report.items):
            add_item(report, assess(item, baseline))
    db.session.flush()
    escalate(ACTOR, now, patient, report, outcome.escalations)
    if outcome.for_nurse_free_text:
        alert_unclear_message(ACTOR, now, patient, report)


def record_item(report: SymptomReport, item: AssessedSymptom) -> SymptomItem:
    """Grade the term's pending row (recorded when first mentioned) or add a new row."""
    row = next((r for r in report.items if r.ctcae_term == item.ctcae_term and r.patient_grade is None
                and r.measured_grade is None), None)
    if row is None:
        return add_item(report, item)
    for name in ("patient_grade", "measured_grade", "severity", "frequency", "interference", "value", "unit"):
        setattr(row, name, getattr(item, name))
    row.red_flags = list(item.red_flags)
    return row


def add_item(report: SymptomReport, item: AssessedSymptom, meddra_code: str | None = None) -> SymptomItem:
    """Append one assessed symptom to `report` as a SymptomItem (grades 0-3, CTCAE version kept)."""
    row = SymptomItem(ctcae_term=item.ctcae_term, meddra_code=meddra_code or item.meddra_code,
                      ctcae_version=item.ctcae_version, patient_grade=item.patient_grade,
                      measured_grade=item.measured_grade, severity=item.severity, frequency=item.frequency,
                      interference=item.interference, value=item.value, unit=item.unit,
                      red_flags=list(item.red_flags))
    report.items.append(row)
    return row


def escalate(actor, now: datetime, patient: Patient, report: SymptomReport, escalations) -> list:
    """An alert per escalated term (merged within 24 h); marks the report escalated."""
    alerts = []
    for escalation in escalations:
        alerts.append(raise_symptom_alert(
            actor, now, patient, report, term=escalation.item.ctcae_term, grade=_alert_grade(escalation),
            reasons=escalation.reasons, urgent=escalation.urgent, detail=_detail(escalation, report, patient)))
    if alerts:
        report.escalated = True
        db.session.flush()
    return alerts


def _alert_grade(escalation: Escalation) -> int | None:
    # The higher of the patient's composite and a measured CTCAE grade: a triage hint, not an AE grade.
    grades = [g for g in (escalation.item.patient_grade, escalation.item.measured_grade) if g is not None]
    return max(grades) if grades else None


def _detail(escalation: Escalation, report: SymptomReport, patient: Patient | None = None) -> str:
    item = escalation.item
    value = f", {item.value:g} {item.unit}" if item.value is not None else ""
    opted_out = (" The patient has opted out of SMS and gets no text from us: call them."
                 if patient is not None and patient.sms_opted_out else "")
    return (f"{item.ctcae_term}: patient grade {item.patient_grade}, measured grade {item.measured_grade}{value}; "
            f"{', '.join(escalation.reasons)}. Patient wrote: {report.text}{opted_out}")


def report_snapshot(report: SymptomReport) -> dict:
    """Audited content of a report, items included."""
    items = [{"ctcae_term": i.ctcae_term, "patient_grade": i.patient_grade, "measured_grade": i.measured_grade,
              "severity": i.severity, "frequency": i.frequency, "interference": i.interference,
              "value": i.value, "unit": i.unit, "red_flags": i.red_flags} for i in report.items]
    return {**snapshot(report, REPORT_AUDITED), "items": items}
