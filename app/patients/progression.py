"""Confirming progression: the investigator's answer to a PD scan, or a clinical progression.

PROTOCOL.md "Endpoints": one source of truth per patient. The progression event ends treatment
as any progression event does, unless the investigator chooses treatment beyond progression
(sintilimab stays booked). Services: explicit actor and now, audited, flushed, never committed.
"""
from app.assessments.progression import SOURCES, progression_event_date
from app.assessments.services import pd_scan_date
from app.common.audit import require_reason
from app.common.problems import Conflict, ValidationProblem
from app.models import PatientEvent
from app.patients.services import record_event


def confirm_progression(actor, now, patient, *, date, source, treatment_beyond_progression=False,
                        reason=None) -> PatientEvent:
    """POST /patients/{id}/progression/confirm: record the patient's progression.

    ``source`` "radiological" needs a PD scan on or before ``date`` (422 otherwise);
    a second progression is a 409. Without treatment beyond progression the event ends
    treatment (cancels the treatment visits, starts follow-up) like any progression event.
    """
    reason = require_reason(reason)
    if source not in SOURCES:
        raise ValidationProblem(f"source must be one of {', '.join(SOURCES)}.", errors={"source": ["Unknown."]})
    pd_date = pd_scan_date(patient)
    if source == "radiological" and (pd_date is None or pd_date > date):
        raise ValidationProblem("No scan showing PD is dated on or before this date: record the PD scan, or "
                                "confirm a clinical progression.", errors={"source": ["No PD scan."]},
                                slug="no-pd-scan")
    if progression_event_date(patient) is not None:
        raise Conflict("A progression is already recorded for this patient; retract it to correct it.",
                       slug="invalid-transition")
    return record_event(actor, now, patient, type="progression", date=date, reason=reason, source=source,
                        treatment_beyond_progression=treatment_beyond_progression)
