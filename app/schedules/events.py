"""Which planned visits a patient event ends."""

from collections.abc import Collection
from datetime import date

from app.schedules.planned_visit import KINDS, TREATMENT_KINDS, PlannedVisit

# What each event ends (PROTOCOL.md): treatment stops on progression, withdrawal or end of
# treatment; imaging runs "until progression"; death ends everything. A patient lost to
# follow-up keeps the plan (the site keeps trying); a contact only proves life.
ENDED_KINDS: dict[str, frozenset[str]] = {
    "progression": TREATMENT_KINDS | {"imaging"},
    "withdrawal": TREATMENT_KINDS,
    "end_of_treatment": TREATMENT_KINDS,
    "death": frozenset(KINDS),
    "lost_to_follow_up": frozenset(),
    "contact": frozenset(),
}


def visits_to_cancel_on(event_type: str, event_date: date, visits: list[PlannedVisit],
                        frozen: Collection[str] = frozenset()) -> list[PlannedVisit]:
    """The visits booked on or after `event_date` that the event ends, except `frozen` codes.

    A visit on the event's own day is cancelled too: no dose is given on the day progression
    or death is recorded. Safety and survival follow-up after progression are re-planned
    with `plan_follow_up` (same codes), not cancelled.
    """
    if event_type not in ENDED_KINDS:
        raise ValueError(f"unknown event type {event_type!r}; "
                         f"expected one of {sorted(ENDED_KINDS)}")
    ended = ENDED_KINDS[event_type]
    return [visit for visit in visits if visit.kind in ended
            and visit.scheduled_date >= event_date and visit.code not in frozen]
