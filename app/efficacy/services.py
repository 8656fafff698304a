"""Use cases for the efficacy report: read the database once, derive, summarise, draw.

Every query is set-based (one per source for all patients in scope), so the cost grows
with the data, not with round trips. The statistics and plotting libraries are imported
by the pure modules inside their functions, on the first report, not at start-up.
"""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, select

from app.assessments.bulk import gc_paused
from app.assessments.recist import CR, PR, evaluate_series
from app.assessments.reads import assessments_by_patient, scan_values_by_patient
from app.common.access import scope_to_site
from app.common.clock import local_date
from app.common.problems import ValidationProblem
from app.efficacy.derivation import (
    PatientEndpointData, day_number, derive_all_endpoints, derive_patient_endpoints,
)
from app.common.population import population_block
from app.efficacy.report import efficacy_report
from app.common.treated import enrolled_count
from app.extensions import db
from app.followup.proof_of_life import (
    active_events_by_patient, first_event_date, latest_proof_of_life, proof_of_life_dates,
)
from app.followup.services import TREATMENT_ENDING
from app.models import Patient, PatientEvent

ENDPOINTS = ("os", "pfs", "pfssens", "dor", "ttr")


def resolve_cutoff(now, cutoff: date | None) -> date:
    """The data cutoff: today in the trial's zone unless given; never in the future."""
    today = local_date(now, current_app.config["SITE_TIMEZONE"])
    if cutoff is None:
        return today
    if cutoff > today:
        raise ValidationProblem("The data cutoff cannot be in the future.", errors={"cutoff": ["In the future."]})
    return cutoff


def treated_patients(actor, cutoff: date, site=None):
    """Patients dosed on or before the cutoff (the treated population, ``population.is_treated``):
    their C1D1 (``Patient.c1d1``, the first dose given) is on or before it. In scope."""
    statement = scope_to_site(select(Patient).where(Patient.c1d1 <= cutoff), actor, Patient.site_id)
    if site is not None:
        statement = statement.where(Patient.site_id == site.id)
    return statement


def gather(actor, cutoff: date, site=None) -> list[tuple[Patient, PatientEndpointData, list]]:
    """(patient, endpoint inputs, active events) for every treated patient in scope."""
    statement = treated_patients(actor, cutoff, site)
    patients = db.session.scalars(statement.order_by(Patient.id)).all()
    ids = statement.with_only_columns(Patient.id).order_by(None).scalar_subquery()
    scans = assessments_by_patient(ids)
    alive, events = proof_of_life_dates(ids), active_events_by_patient(ids)
    return [(p, _data(p, cutoff, scans.get(p.id, ()), (), alive.get(p.id, ()),
                      events.get(p.id, [])), events.get(p.id, []))
            for p in patients]


def _data(patient, cutoff, scans, imaging, alive, events) -> PatientEndpointData:
    # Missed scans are counted against the protocol's imaging dates from C1D1, never from
    # booked visits (PROTOCOL.md): ``imaging`` is not passed on.
    return PatientEndpointData(
        patient_id=patient.study_id, c1d1=patient.c1d1, cutoff=cutoff,
        assessments=tuple(scans), death_date=first_event_date(events, ("death",)),
        contact_dates=tuple(alive), progression_event_date=first_event_date(events, ("progression",)))


def endpoint_inputs(actor, cutoff: date, site=None) -> list[PatientEndpointData]:
    """Endpoint inputs of every treated patient in scope, for the report over the whole trial.

    The lean twin of ``gather``, in five Core selects whatever the number of patients:
    the treated patients, their scans and lesions as plain tuples
    (``scan_values_by_patient``), the latest proof of life (one aggregate) and the first
    death and progression events (one aggregate); no ORM entities.
    """
    patients = db.session.execute(treated_patients(actor, cutoff, site).with_only_columns(
        Patient.id, Patient.study_id, Patient.c1d1).order_by(Patient.id)).all()
    # The other reads take every patient in scope: a filter the database evaluates once,
    # where "treated" (C1D1 from the visits) would be evaluated again per patient and query.
    # Rows of untreated patients are read but never looked up.
    ids = _in_scope(actor, site)
    with gc_paused():
        scans = scan_values_by_patient(ids)
        # OS needs only the latest proof of life up to the cutoff (see last_known_alive).
        alive, first = latest_proof_of_life(ids, cutoff), _first_event_dates(ids, ("death", "progression"))
        return [PatientEndpointData(study_id, c1d1, cutoff, tuple(scans.get(pid, ())), first.get((pid, "death")),
                                    (alive[pid],) if pid in alive else (),
                                    progression_event_date=first.get((pid, "progression")))
                for pid, study_id, c1d1 in patients]


def _in_scope(actor, site=None):
    """Ids of the patients the actor may see (of ``site`` if given), as a subquery."""
    statement = scope_to_site(select(Patient.id), actor, Patient.site_id)
    if site is not None:
        statement = statement.where(Patient.site_id == site.id)
    return statement.scalar_subquery()


def _first_event_dates(ids, event_types) -> dict[tuple[int, str], date]:
    """(patient id, type) -> the first active event of that type (``first_event_date``, in SQL)."""
    return {(patient_id, event_type): when for patient_id, event_type, when in db.session.execute(
        select(PatientEvent.patient_id, PatientEvent.type, func.min(PatientEvent.date)).where(
            PatientEvent.patient_id.in_(ids), PatientEvent.type.in_(event_types), PatientEvent.retracted_at.is_(None))
        .group_by(PatientEvent.patient_id, PatientEvent.type))}


def derive_all(actor, cutoff: date, site=None):
    """[(patient, endpoint inputs, derived endpoints, events)] at the cutoff."""
    return [(p, data, derive_patient_endpoints(data), events) for p, data, events in gather(actor, cutoff, site)]


def efficacy(actor, cutoff: date, site=None) -> dict:
    """GET /reports/efficacy: ORR, liver response rate, OS/PFS/DOR/TTR, median follow-up."""
    # The collector stays paused until the inputs are freed (with _report's frame): resumed
    # earlier, its first run would traverse every scan tuple still alive (see gc_paused).
    with gc_paused():
        return _report(actor, cutoff, site)


def _report(actor, cutoff: date, site) -> dict:
    derived = derive_all_endpoints(endpoint_inputs(actor, cutoff, site))
    report = efficacy_report(derived).as_dict()
    population = population_block(
        enrolled_count(actor, cutoff, site), len(derived),
        n_response_evaluable=sum(1 for d in derived if d.response_evaluable),
        n_liver_evaluable=sum(1 for d in derived if d.liver_evaluable))
    return {"cutoff": cutoff, "n_treated": len(derived), "population": population, **report}


def km_image(actor, cutoff: date, endpoint: str, fmt: str, site=None, dpi: int = 300) -> bytes:
    """Kaplan-Meier curve of one endpoint with numbers at risk, as PNG or SVG bytes."""
    from app.efficacy.plots import km_plot

    outcomes = [getattr(d, endpoint) for d in derive_all_endpoints(endpoint_inputs(actor, cutoff, site))]
    outcomes = [o for o in outcomes if o is not None]
    times, events = [o.time_days for o in outcomes], [o.event for o in outcomes]
    title = f"{endpoint.upper()} (data cutoff {cutoff.isoformat()})"
    return km_plot({endpoint.upper(): (times, events)}, fmt=fmt, title=title, dpi=dpi)


def swimmer_image(actor, cutoff: date, fmt: str, site=None, limit: int = 100, dpi: int = 300) -> bytes:
    """One bar per patient: treatment, follow-up, responses, progression, death."""
    from app.efficacy.plots import swimmer_plot

    rows = [_swimmer_row(p, data, d, events) for p, data, d, events in derive_all(actor, cutoff, site)]
    rows = sorted(rows, key=lambda r: r.follow_up_days or r.treatment_days)[-limit:]
    return swimmer_plot(rows, fmt=fmt, title=f"Patients (data cutoff {cutoff.isoformat()})", dpi=dpi)


def swimmer_progression_date(pd_scan: date | None, progression_event: date | None, cutoff: date) -> date | None:
    """The swimmer plot's progression marker: the first PD scan or progression event by the cutoff."""
    return min((d for d in (pd_scan, progression_event) if d is not None and d <= cutoff), default=None)


def _swimmer_row(patient, data, derived, events):
    from app.efficacy.plots import SwimmerRow  # plots load matplotlib: only when a figure is asked for

    c1d1, cutoff = data.c1d1, data.cutoff
    ending = [e for e in events if e.date <= cutoff and e.type in (*TREATMENT_ENDING, "death")]
    ended = min((e.date for e in ending), default=None)
    end_reason = min(ending, key=lambda e: e.date).type.replace("_", " ") if ending else None
    series = evaluate_series(c1d1, [a for a in data.assessments if a.date <= cutoff])
    responses = tuple((day_number(c1d1, t.date), t.overall_response) for t in series.timepoints
                      if t.overall_response in (CR, PR))
    progression = swimmer_progression_date(series.progression_date, data.progression_event_date, cutoff)
    return SwimmerRow(
        patient_id=patient.study_id, treatment_days=day_number(c1d1, ended or cutoff),
        follow_up_days=derived.os.time_days, responses=responses,
        progression_day=day_number(c1d1, progression) if progression else None,
        death_day=derived.os.time_days if derived.os.event else None, ongoing=ended is None, end_reason=end_reason)
