"""Flag for the investigator a hand-typed laboratory AE whose grade disagrees with the values.

A lab AE is "hand-typed" when no lab value is linked to it (no confirmed or applied lab
candidate). Its grade is compared with the worst CTCAE grade of that term among the patient's
results collected from the onset to the resolution (or to now): a different grade is flagged
`lab_grade_mismatch`, naming the value. No results in that span: nothing to compare, no flag.
"""
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.labs.grading import LAB_TERMS
from app.models import LabAeCandidate, LabResult

FLAG = "lab_grade_mismatch"


def lab_grade_flags(events) -> dict[int, list[dict]]:
    """{event_id: [{"kind", "recorded_grade", "lab_grade", "lab_result_id", "collected_on"}]} for the
    page `events` (two queries at most, none when no event is a lab term)."""
    lab_events = [event for event in events if event.ctcae_term in LAB_TERMS and event.retracted_at is None]
    if not lab_events:
        return {}
    linked = set(db.session.scalars(select(LabAeCandidate.adverse_event_id).where(
        LabAeCandidate.adverse_event_id.in_([event.id for event in lab_events]))))
    hand_typed = [event for event in lab_events if event.id not in linked]
    if not hand_typed:
        return {}
    results = db.session.execute(select(LabResult.patient_id, LabResult.ctcae_term, LabResult.grade,
                                        LabResult.collected_on, LabResult.id).where(
        LabResult.patient_id.in_({event.patient_id for event in hand_typed}),
        LabResult.ctcae_term.in_({event.ctcae_term for event in hand_typed}))).all()
    flags = {}
    for event in hand_typed:
        worst = _worst(event, results)
        if worst is not None and worst[0] != event.grade:
            flags[event.id] = [{"kind": FLAG, "recorded_grade": event.grade, "lab_grade": worst[0],
                                "lab_result_id": worst[2], "collected_on": worst[1].isoformat()}]
    return flags


def _worst(event, results):
    last = event.resolved_date or date.max
    span = [(grade or 0, collected_on, result_id) for patient_id, term, grade, collected_on, result_id in results
            if patient_id == event.patient_id and term == event.ctcae_term and event.onset_date <= collected_on <= last]
    return max(span, default=None)
