"""Planning a patient's visits from C1D1: treatment cycles, imaging and follow-up.

Anchors (PROTOCOL.md): treatment cycles chain on the previous dose (nominally every
`cycle_length_days` from C1D1); a cycle's labs sit just before its *booked* D1; imaging is
anchored to C1D1 only; safety follow-up to the last dose; survival follow-up to the end of
treatment. Targets never move when a holiday moves the booked day.
"""

import calendar as _stdlib_calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.schedules.booking import book, book_together
from app.schedules.protocol import ImagingPhase, Protocol, Window
from app.schedules.planned_visit import (DOSE_KINDS, PlannedVisit, cycle_code, imaging_code,
                                  sorted_visits, survival_code)


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, clamped to the month's end (Feb 29 -> Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _stdlib_calendar.monthrange(year, month)[1]))


def treatment_end(protocol: Protocol, c1d1: date) -> date:
    """The last day a D1 may be planned on (C1D1 + max_months)."""
    return add_months(c1d1, protocol.treatment.max_months)


def horizon_end(protocol: Protocol, c1d1: date) -> date:
    """The end of the patient's follow-up (C1D1 + horizon_months)."""
    return add_months(c1d1, protocol.horizon_months)


def plan_schedule(protocol: Protocol, c1d1: date, calendar, booked: Mapping | None = None
                  ) -> list[PlannedVisit]:
    """Every visit of a new patient starting treatment on `c1d1`, sorted by booked day.

    `booked` maps (date, kind) to visits the site already holds (other patients).
    """
    treatment = plan_treatment(protocol, c1d1, calendar, booked)
    follow_up = plan_follow_up(protocol, c1d1, last_dose_day(treatment), calendar, booked)
    return sorted_visits([*treatment, *plan_imaging(protocol, c1d1, calendar, booked), *follow_up])


def last_dose_day(visits) -> date:
    """The latest booked day of a dose visit in `visits`."""
    return max(visit.scheduled_date for visit in visits if visit.kind in DOSE_KINDS)


def plan_treatment(protocol: Protocol, c1d1: date, calendar, booked: Mapping | None = None
                   ) -> list[PlannedVisit]:
    """Labs and D1 visits of every cycle whose D1 target falls on or before treatment_end."""
    rules = CycleRules.of(protocol)
    visits, previous_dose = [], None
    target, cycle, last = c1d1, 1, treatment_end(protocol, c1d1)
    while target <= last:
        cycle_visits = plan_cycle(protocol, cycle, target, calendar, booked, previous_dose,
                                  rules=rules)
        if cycle_visits:
            visits.extend(cycle_visits)
            previous_dose = cycle_visits[-1].scheduled_date  # D1 visits share one booked day
        target, cycle = target + rules.step, cycle + 1
    return visits


@dataclass(frozen=True)
class CycleRules:
    """A protocol's per-cycle spans as timedeltas, computed once per planning call."""

    step: timedelta
    d1_before: timedelta
    d1_after: timedelta
    min_interval: timedelta
    labs_offset: timedelta
    labs_before: timedelta
    labs_after: timedelta

    @classmethod
    def of(cls, protocol: Protocol) -> "CycleRules":
        treatment, labs = protocol.treatment, protocol.labs
        return cls(*(timedelta(days=days) for days in (
            treatment.cycle_length_days, treatment.d1_window.before, treatment.d1_window.after,
            treatment.min_dose_interval_days, labs.offset_days, labs.window.before,
            labs.window.after)))


def plan_cycle(protocol: Protocol, cycle: int, d1_target: date, calendar,
               booked: Mapping | None, previous_dose: date | None,
               extra_flags: tuple[str, ...] = (), rules: CycleRules | None = None
               ) -> list[PlannedVisit]:
    """One cycle: its labs, then its D1 dose visits on one shared booked day."""
    rules = rules or CycleRules.of(protocol)
    drugs = [drug for drug in protocol.treatment.drugs if drug.given_in(cycle)]
    if not drugs:
        return []  # an amendment may leave a cycle without a dose: nothing to plan
    start, end = d1_target - rules.d1_before, d1_target + rules.d1_after
    not_before = None if previous_dose is None else previous_dose + rules.min_interval
    day, flags = book_together(d1_target, start, end, [drug.kind for drug in drugs], calendar,
                               booked, not_before=not_before)
    flags += extra_flags
    return [labs_visit(protocol, cycle, day, calendar, booked, rules)] + [
        PlannedVisit(cycle_code(cycle, drug.kind), drug.kind, cycle, d1_target, start, end, day,
                     flags, "treatment", (), drug.dose_rule)
        for drug in drugs
    ]


def labs_visit(protocol: Protocol, cycle: int, d1_day: date, calendar, booked: Mapping | None,
               rules: CycleRules | None = None) -> PlannedVisit:
    """The pre-cycle labs of `cycle`, anchored on the day its D1 is booked."""
    rules = rules or CycleRules.of(protocol)
    target = d1_day + rules.labs_offset
    start, end = target - rules.labs_before, target + rules.labs_after
    day, flags = book(target, start, end, "labs", calendar, booked)
    return PlannedVisit(cycle_code(cycle, "labs"), "labs", cycle, target, start, end, day, flags,
                        "treatment", protocol.labs.panels_for(cycle), None)


def plan_imaging(protocol: Protocol, c1d1: date, calendar, booked: Mapping | None = None
                 ) -> list[PlannedVisit]:
    """Baseline and on-study scans, anchored to C1D1 alone."""
    imaging = protocol.imaging
    baseline = c1d1 + timedelta(days=imaging.baseline_offset_days)
    visits = [_visit(imaging_code(None), "imaging", baseline, imaging.baseline_window, "c1d1",
                     calendar, booked)]
    horizon_days = (horizon_end(protocol, c1d1) - c1d1).days
    for week, window in imaging_weeks(imaging.phases, horizon_days):
        visits.append(_visit(imaging_code(week), "imaging", c1d1 + timedelta(weeks=week), window,
                             "c1d1", calendar, booked))
    return visits


def imaging_weeks(phases: tuple[ImagingPhase, ...], horizon_days: int
                  ) -> Iterator[tuple[int, Window]]:
    """(week after C1D1, window) of each on-study scan; each phase continues the last."""
    week = 0
    for phase in phases:
        limit_days = horizon_days if phase.until_week is None else min(
            horizon_days, phase.until_week * 7)
        while (week + phase.every_weeks) * 7 <= limit_days:
            week += phase.every_weeks
            yield week, phase.window


def plan_follow_up(protocol: Protocol, c1d1: date, last_dose_date: date, calendar,
                   booked: Mapping | None = None, until: date | None = None,
                   end_of_treatment: date | None = None) -> list[PlannedVisit]:
    """Safety follow-up after the last dose and survival follow-up after end of treatment.

    Safety visits are always planned (late irAEs matter even past the horizon); survival
    visits every `every_weeks` after `end_of_treatment` (default: the last dose) while the
    target is on or before `until` (default: the horizon, C1D1 + 2 years).
    """
    safety = plan_safety_follow_up(protocol, last_dose_date, calendar, booked)
    return safety + _survival_visits(protocol, end_of_treatment or last_dose_date,
                                     until or horizon_end(protocol, c1d1), calendar, booked)


def plan_safety_follow_up(protocol: Protocol, last_dose_date: date, calendar,
                          booked: Mapping | None = None) -> list[PlannedVisit]:
    """The safety follow-up visits (SFU-30, SFU-90) after `last_dose_date`."""
    return [_visit(rule.code, "safety_follow_up",
                   last_dose_date + timedelta(days=rule.days_after_last_dose), rule.window,
                   "last_dose", calendar, booked)
            for rule in protocol.safety_follow_up]


def _survival_visits(protocol, end_of_treatment, until, calendar, booked) -> list[PlannedVisit]:
    survival, visits = protocol.survival, []
    target = end_of_treatment + timedelta(weeks=survival.every_weeks)
    while target <= until:
        visits.append(_visit(survival_code(len(visits) + 1), "survival_follow_up", target,
                             survival.window, "last_dose", calendar, booked))
        target += timedelta(weeks=survival.every_weeks)
    return visits


def _visit(code, kind, target, window, anchor, calendar, booked) -> PlannedVisit:
    start, end = _window_around(target, window)
    day, flags = book(target, start, end, kind, calendar, booked)
    return PlannedVisit(code, kind, None, target, start, end, day, flags, anchor)


def _window_around(target: date, window: Window) -> tuple[date, date]:
    return target - timedelta(days=window.before), target + timedelta(days=window.after)
