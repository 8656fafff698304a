"""When a reported symptom goes to the nurse (PROTOCOL.md, "Escalate to the nurse").

Reasons: composite >= 3; a rise >= 2 since the last report of the same term; a red flag.
We also escalate a measured CTCAE grade >= 3 (e.g. >= 7 stools/day over baseline,
fever > 40 °C): not in the protocol's list, but a grade-3 value should not wait; and
diarrhoea of grade >= 2 after immunotherapy (sintilimab) as possible immune-mediated
colitis (issue 11; ESMO/ASCO irAE guidance: grade-2 diarrhoea on a checkpoint inhibitor
needs same-day clinical review).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.symptoms.grading.grader import AssessedSymptom

# Red flags the parser can raise (see data/lexicon.yaml "flagged" and assembly.py).
RED_FLAGS = ("fever_measured", "bloody_stool", "vomiting_blood", "chest_pain", "dyspnea_at_rest",
             "jaundice", "confusion", "catheter_site_bleeding")


@dataclass(frozen=True)
class EscalationContext:
    """Patient facts the rules need. Fever is a red flag only after immunotherapy started."""

    received_immunotherapy: bool = True
    composite_threshold: int = 3
    rise_threshold: int = 2
    measured_threshold: int = 3
    colitis_threshold: int = 2


def _red_flag_reasons(item: AssessedSymptom, context: EscalationContext) -> list[str]:
    flags = [f for f in item.red_flags if f != "fever_measured" or context.received_immunotherapy]
    return [f"red_flag:{flag}" for flag in sorted(flags)]


def _immune_colitis_reasons(item: AssessedSymptom, context: EscalationContext) -> list[str]:
    """Diarrhoea at grade >= 2 (measured over baseline, or the patient's composite) after
    immunotherapy: "possible_immune_colitis:<basis>_grade:<g>"."""
    if item.ctcae_term != "Diarrhea" or not context.received_immunotherapy:
        return []
    for basis, grade in (("measured", item.measured_grade), ("composite", item.patient_grade)):
        if grade is not None and grade >= context.colitis_threshold:
            return [f"possible_immune_colitis:{basis}_grade:{grade}"]
    return []


def _grade_reasons(item: AssessedSymptom, previous: int | None, context: EscalationContext) -> list[str]:
    reasons = []
    grade = item.patient_grade
    if grade is not None and grade >= context.composite_threshold:
        reasons.append(f"composite_grade:{grade}")
    if grade is not None and previous is not None and grade - previous >= context.rise_threshold:
        reasons.append(f"rise:{previous}->{grade}")
    if item.measured_grade is not None and item.measured_grade >= context.measured_threshold:
        reasons.append(f"measured_grade:{item.measured_grade}")
    return reasons


def should_escalate(item: AssessedSymptom, previous_grade_same_term: int | None,
                    context: EscalationContext = EscalationContext()) -> tuple[bool, tuple[str, ...]]:
    """(escalate?, reasons) for one assessed symptom; a negated symptom never escalates."""
    if item.negated:
        return False, ()
    reasons = (_red_flag_reasons(item, context) + _grade_reasons(item, previous_grade_same_term, context)
               + _immune_colitis_reasons(item, context))
    return bool(reasons), tuple(reasons)
