"""Patient status as a fold over dated events (pure).

A status is never set directly: it is recomputed from the events that are not retracted,
so a correction (retraction) gives the right status without special cases.
"""
from dataclasses import dataclass

STATUS_ON_TREATMENT = "on_treatment"
# A progression confirmed with treatment beyond progression (the investigator's choice):
# it is the patient's progression, but treatment (sintilimab) goes on.
PROGRESSION_BEYOND = "progression_beyond"

# status -> event type -> next status. A missing entry is an invalid transition (409).
TRANSITIONS = {
    "on_treatment": {"progression": "follow_up", PROGRESSION_BEYOND: "on_treatment",
                     "end_of_treatment": "follow_up", "death": "deceased",
                     "withdrawal": "withdrawn", "lost_to_follow_up": "lost_to_follow_up",
                     "contact": "on_treatment"},
    "follow_up": {"progression": "follow_up", PROGRESSION_BEYOND: "follow_up", "death": "deceased", "withdrawal": "withdrawn",
                  "lost_to_follow_up": "lost_to_follow_up", "contact": "follow_up",
                  "study_completed": "completed"},
    "lost_to_follow_up": {"contact": "follow_up", "death": "deceased", "withdrawal": "withdrawn"},
    # Survival status may still be learnt after a withdrawal of consent to treatment.
    "withdrawn": {"death": "deceased", "contact": "withdrawn"},
    "completed": {},
    "deceased": {},
}
ONCE_ONLY = {"progression", "death", "end_of_treatment", "withdrawal", "study_completed"}


class InvalidTransition(ValueError):
    pass


@dataclass(frozen=True)
class PatientState:
    status: str = STATUS_ON_TREATMENT
    seen: frozenset = frozenset()


def apply(state: PatientState, event_type: str) -> PatientState:
    """The patient state after one event (PROTOCOL.md status rules). Raises InvalidTransition for an
    event recorded twice or impossible from the current status. Pure."""
    once = "progression" if event_type == PROGRESSION_BEYOND else event_type
    if once in ONCE_ONLY and once in state.seen:
        raise InvalidTransition(f"A {event_type.replace('_', ' ')} is already recorded for this patient.")
    next_status = TRANSITIONS[state.status].get(event_type)
    if next_status is None:
        raise InvalidTransition(f"A {event_type.replace('_', ' ')} event is not possible for a patient whose "
                                f"status is {state.status.replace('_', ' ')}; retract the wrong event first.")
    return PatientState(next_status, state.seen | {once})


def fold(event_types) -> PatientState:
    """The state after `event_types` in order, from on-treatment (InvalidTransition as `apply`). Pure."""
    state = PatientState()
    for event_type in event_types:
        state = apply(state, event_type)
    return state
