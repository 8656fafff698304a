"""Use cases that plan and replan a patient's whole calendar: enrollment and patient events.

The single-visit use cases (reschedule, complete, miss, cancel) are in `lifecycle.py`.
Every function flushes and audits; the caller's boundary commits.
"""
from app.common.audit import log_change
from app.common.statuses import VisitStatus
from app.extensions import db
from app.schedules.engine import (horizon_end, plan_follow_up, plan_imaging, plan_safety_follow_up,
                                  plan_schedule, visits_to_cancel_on)
from app.schedules.planned_visit import DOSE_KINDS
from app.visits import engine_io as io
from app.visits.closing import cancel_rows

# Events that end treatment and start the safety and survival follow-up.
FOLLOW_UP_EVENTS = ("progression", "withdrawal", "end_of_treatment")
# The engine knows the events of the protocol; a completed study ends every future visit.
EVENT_ALIASES = {"study_completed": "death"}


def create_schedule(actor, now, patient):
    """Plan the patient's two years from C1D1 and book them against the site's calendar and
    HAIC capacity. Returns the new visit rows."""
    protocol = io.protocol_named(patient.protocol_version)
    calendar = io.calendar_for(patient.site, protocol)
    c1d1 = patient.treatment_start
    booked = io.site_load(patient.site_id, calendar, c1d1, horizon_end(protocol, c1d1))
    rows = [io.new_row(patient, protocol, plan)
            for plan in plan_schedule(protocol, c1d1, calendar, booked)]
    db.session.add_all(rows)
    db.session.flush()
    log_change(actor, now, "schedule:create", "schedule", patient.id,
           after={"protocol_version": protocol.version, "c1d1": c1d1,
                  "visits": [[row.code, row.scheduled_date] for row in rows],
                  "flagged": [row.code for row in rows if row.flags]},
           site_id=patient.site_id)
    return rows


def apply_patient_event(actor, now, patient, event):
    """Replan after a patient event (see app/schedules/events.py for what each event ends).

    Progression, withdrawal and end of treatment cancel the future treatment visits
    (progression also ends imaging) and plan the safety and survival follow-up; death and a
    completed study cancel every future visit; lost to follow-up and contact change nothing.
    Completed, missed and cancelled visits never change. Returns the rows changed.
    """
    visits = io.patient_visits(patient.id)
    reason = event_reason(event)
    if event.type == "progression" and getattr(event, "treatment_beyond_progression", False):
        # Treatment beyond progression: sintilimab (and its labs and imaging) stays booked;
        # the HAIC sessions end.
        haic = [v for v in visits if v.status == "scheduled" and v.kind == "haic" and v.scheduled_date >= event.date]
        return cancel_rows(actor, now, haic, reason, action="visit:cancel_on_event")
    ended = _visits_ended(event, visits)
    changed = cancel_rows(actor, now, ended, reason, action="visit:cancel_on_event")
    if event.type in FOLLOW_UP_EVENTS:
        live = [visit for visit in visits if visit not in ended]
        changed += _plan_follow_up(actor, now, patient, live, event, reason)
    return changed


def event_reason(event) -> str:
    """The status reason of every visit an event cancels: how a retraction finds them again."""
    return f"{event.type.replace('_', ' ')} on {event.date.isoformat()}"


def undo_patient_event(actor, now, patient, event, remaining_events):
    """A retracted event gives back what it took: the visits it cancelled are scheduled again,
    the follow-up it started is withdrawn, and the events that still stand are applied again
    (in date order) so the calendar is what they alone imply. Returns the rows changed."""
    note = f"retraction of {event_reason(event)}"
    visits = io.patient_visits(patient.id)
    changed = [_reopen(actor, now, visit, note) for visit in visits
               if visit.status == VisitStatus.CANCELLED and visit.status_reason == event_reason(event)]
    if event.type in FOLLOW_UP_EVENTS:
        survival = [visit for visit in visits
                    if visit.kind == "survival_follow_up" and visit.status == VisitStatus.SCHEDULED]
        changed += cancel_rows(actor, now, survival, note, action="visit:cancel_on_retraction")
        changed += _replan_safety_after_last_planned_dose(actor, now, patient, visits, note)
    for other in sorted(remaining_events, key=lambda e: (e.date, e.id)):
        changed += apply_patient_event(actor, now, patient, other)
    return changed


def _reopen(actor, now, visit, note):
    before = io.state(visit)
    visit.status, visit.status_reason = VisitStatus.SCHEDULED, None
    db.session.flush()
    log_change(actor, now, "visit:reopen_on_retraction", "visit", visit.id, before=before,
           after=io.state(visit), reason=note, site_id=visit.site_id)
    return visit


def _replan_safety_after_last_planned_dose(actor, now, patient, visits, note):
    protocol = io.protocol_named(patient.protocol_version)
    calendar = io.calendar_for(patient.site, protocol)
    doses = [visit.actual_date or visit.scheduled_date for visit in visits
             if visit.kind in DOSE_KINDS and visit.status in (VisitStatus.SCHEDULED, VisitStatus.COMPLETED)]
    if not doses:
        return []
    last_dose = max(doses)
    booked = io.site_load(patient.site_id, calendar, last_dose,
                          horizon_end(protocol, patient.treatment_start))
    existing = {visit.code: visit for visit in visits if visit.kind == "safety_follow_up"}
    changed = [_replan(actor, now, patient, protocol, existing.get(plan.code), plan, note)
               for plan in plan_safety_follow_up(protocol, last_dose, calendar, booked)]
    return [visit for visit in changed if visit is not None]


def _visits_ended(event, visits):
    event_type = EVENT_ALIASES.get(event.type, event.type)
    scheduled = [visit for visit in visits if visit.status == VisitStatus.SCHEDULED]
    ended_codes = {plan.code for plan in visits_to_cancel_on(
        event_type, event.date, [io.planned(visit) for visit in scheduled])}
    return [visit for visit in scheduled if visit.code in ended_codes]


def _plan_follow_up(actor, now, patient, visits, event, reason):
    """Safety follow-up after the last dose given, survival follow-up after the event."""
    protocol = io.protocol_named(patient.protocol_version)
    calendar = io.calendar_for(patient.site, protocol)
    c1d1 = patient.treatment_start
    last_dose = _last_dose_day(visits, event.date)
    booked = io.site_load(patient.site_id, calendar, last_dose, horizon_end(protocol, c1d1))
    plans = plan_follow_up(protocol, c1d1, last_dose, calendar, booked,
                           end_of_treatment=event.date)
    existing = {visit.code: visit for visit in visits
                if visit.kind in ("safety_follow_up", "survival_follow_up")}
    changed = [_replan(actor, now, patient, protocol, existing.get(plan.code), plan, reason)
               for plan in plans]
    planned_codes = {plan.code for plan in plans}
    stale = [visit for code, visit in existing.items()
             if code not in planned_codes and visit.status == VisitStatus.SCHEDULED]
    changed += cancel_rows(actor, now, stale, reason, action="visit:cancel_on_event")
    return [visit for visit in changed if visit is not None]


def _last_dose_day(visits, event_date):
    """The last dose actually given on or before the event (the event day if none was)."""
    given = [visit.actual_date for visit in visits if visit.kind in DOSE_KINDS
             and visit.status == VisitStatus.COMPLETED and visit.actual_date
             and visit.actual_date <= event_date]
    return max(given, default=event_date)


def _replan(actor, now, patient, protocol, visit, plan, reason):
    if visit is None:
        visit = io.new_row(patient, protocol, plan)
        db.session.add(visit)
        db.session.flush()
        log_change(actor, now, "visit:add_on_event", "visit", visit.id, after=io.state(visit),
               reason=reason, site_id=visit.site_id)
        return visit
    if visit.status != VisitStatus.SCHEDULED or io.planned(visit) == plan:
        return None  # history, or already where the plan wants it
    before = io.state(visit)
    io.place(visit, plan)
    db.session.flush()
    log_change(actor, now, "visit:replan_on_event", "visit", visit.id, before=before,
           after=io.state(visit), reason=reason, site_id=visit.site_id)
    return visit



def replan_on_c1d1(actor, now, patient, c1d1, reason, imaging_only=False):
    """Re-plan the patient's scheduled visits from a new C1D1 (PROTOCOL.md "Schedule defaults").

    ``imaging_only``: the first dose was given on another day than planned, so imaging is
    re-anchored to the actual C1D1 (once, while no on-treatment scan exists; the cycles
    already follow the dose). Otherwise the planned C1D1 itself was corrected before any
    dose and the whole schedule moves. History (completed, missed, cancelled) never changes;
    visits the new plan no longer has are cancelled, visits it adds are booked. Returns the
    rows changed.
    """
    protocol = io.protocol_named(patient.protocol_version)
    calendar = io.calendar_for(patient.site, protocol)
    visits = io.patient_visits(patient.id)
    kinds = ("imaging",) if imaging_only else None
    first = min([c1d1, *(v.scheduled_date for v in visits)])
    booked = io.site_load(patient.site_id, calendar, first, horizon_end(protocol, c1d1))
    plans = (plan_imaging(protocol, c1d1, calendar, booked) if imaging_only
             else plan_schedule(protocol, c1d1, calendar, booked))
    existing = {visit.code: visit for visit in visits}
    changed = [_replan(actor, now, patient, protocol, existing.get(plan.code), plan, reason) for plan in plans]
    planned_codes = {plan.code for plan in plans}
    stale = [visit for visit in visits if visit.status == "scheduled" and visit.code not in planned_codes
             and (kinds is None or visit.kind in kinds)]
    changed += cancel_rows(actor, now, stale, reason, action="visit:cancel_on_replan")
    return [visit for visit in changed if visit is not None]
