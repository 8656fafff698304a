"""Moving a treatment visit: later cycles re-anchor on the new dose day; imaging stays put.

Contract of `shift_treatment`:
- The moved cycle k gets its D1 on the new day (a labs visit moved alone drags its D1 by
  the same number of days). Its D1 targets and windows are kept, so a delayed dose shows up
  as `out_of_window` / late: the protocol target of cycle k was anchored on dose k-1.
- Every later cycle is re-anchored on the new D1: its target and window move by
  delay = new D1 - cycle k's target, and it is re-booked (holidays, capacity, minimum dose
  interval). Labs are re-booked just before their cycle's booked D1.
- A cycle re-anchored past the treatment limit (C1D1 + max_months) is kept, flagged
  `beyond_treatment_limit`: the service decides whether to cancel it.
- Safety follow-up visits (anchored to the last dose) follow the new last dose.
- Imaging, survival follow-up and every code in `frozen` (completed, missed, cancelled) are
  returned unchanged. A frozen moved visit (a dose given late) still shifts later cycles.
- A D1 sooner than `min_dose_interval_days` after the previous dose raises DoseIntervalError.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date

from app.schedules.booking import flags_for_day
from app.schedules.dosing import check_dose_interval
from app.schedules.planning import (CycleRules, labs_visit, plan_cycle, plan_safety_follow_up,
                                    treatment_end)
from app.schedules.protocol import Protocol
from app.schedules.planned_visit import (BEYOND_TREATMENT_LIMIT, DOSE_KINDS, TREATMENT_KINDS,
                                  PlannedVisit, sorted_visits)


def shift_treatment(protocol: Protocol, visits: list[PlannedVisit], from_code: str,
                    new_date: date, calendar, booked: Mapping | None = None, *,
                    frozen: Collection[str] = frozenset(), c1d1: date | None = None,
                    actual_dates: Mapping[str, date] | None = None) -> list[PlannedVisit]:
    """All of the patient's visits after moving `from_code` to `new_date` (see module doc).

    `booked` is the site's load including this patient's current bookings; the engine
    releases the slots of the visits it moves before re-booking them. `actual_dates` maps
    codes of visits already done to the day they happened (the minimum dose interval counts
    from a dose's actual day, not its booked one). `c1d1` defaults to cycle 1's D1 target.
    """
    moved = _find(visits, from_code)
    cycles = _cycles(visits)
    new_d1 = _new_d1_day(moved, new_date, cycles[moved.cycle])
    actual_dates = actual_dates or {}
    check_dose_interval(_previous_dose_day(cycles, moved.cycle, actual_dates), new_d1, protocol)
    movable = [v for v in visits if v.kind in TREATMENT_KINDS and v.cycle >= moved.cycle
               and v.code not in frozen]
    load = _Released(booked, movable)
    rules = CycleRules.of(protocol)
    replaced = _moved_cycle(protocol, cycles[moved.cycle], moved, new_date, new_d1, calendar,
                            load, frozen, rules)
    later = {c: group for c, group in cycles.items() if c > moved.cycle}
    delay = new_d1 - _d1_target(cycles[moved.cycle])
    limit = treatment_end(protocol, c1d1 or _c1d1_of(cycles))
    replaced.update(_shift_later_cycles(protocol, later, delay, new_d1, limit, calendar, load,
                                        frozen, rules, actual_dates))
    result = [replaced.get(v.code, v) for v in visits]
    return sorted_visits(_follow_last_dose(protocol, result, calendar, load, frozen))


def moved_visits(before: list[PlannedVisit], after: list[PlannedVisit]) -> list[PlannedVisit]:
    """The visits of `after` that differ from the visit with the same code in `before`."""
    old = {visit.code: visit for visit in before}
    return [visit for visit in after if old.get(visit.code) != visit]


def _find(visits, code) -> PlannedVisit:
    visit = next((v for v in visits if v.code == code), None)
    if visit is None:
        raise ValueError(f"no visit {code!r} in this schedule")
    if visit.kind not in TREATMENT_KINDS:
        raise ValueError(f"{code} is a {visit.kind} visit: only treatment visits shift the "
                         "schedule; reschedule it on its own")
    return visit


def _cycles(visits) -> dict[int, list[PlannedVisit]]:
    cycles = defaultdict(list)
    for visit in visits:
        if visit.kind in TREATMENT_KINDS:
            cycles[visit.cycle].append(visit)
    return cycles


def _new_d1_day(moved, new_date, cycle_visits) -> date:
    if moved.kind in DOSE_KINDS:
        return new_date
    # Labs moved alone: the dose must follow them, keeping the labs-to-D1 gap.
    return _d1_day(cycle_visits) + (new_date - moved.scheduled_date)


def _d1_day(cycle_visits) -> date:
    return next(v.scheduled_date for v in cycle_visits if v.kind in DOSE_KINDS)


def _d1_target(cycle_visits) -> date:
    return next(v.target_date for v in cycle_visits if v.kind in DOSE_KINDS)


def _previous_dose_day(cycles, cycle, actual_dates) -> date | None:
    earlier = [_dose_day(v, actual_dates) for c, group in cycles.items() if c < cycle
               for v in group if v.kind in DOSE_KINDS]
    return max(earlier, default=None)


def _dose_day(visit, actual_dates) -> date:
    return actual_dates.get(visit.code, visit.scheduled_date)


def _c1d1_of(cycles) -> date:
    if 1 not in cycles:
        raise ValueError("cycle 1 is not in the visits: pass c1d1 explicitly")
    return _d1_target(cycles[1])


class _Released(Mapping):
    """The site's load minus the slots of the visits being moved, without copying it."""

    def __init__(self, booked: Mapping | None, movable):
        self._booked = booked or {}
        self._freed = Counter((visit.scheduled_date, visit.kind) for visit in movable)

    def __getitem__(self, key):
        # A caller that left this patient out of `booked` frees nothing: never below zero.
        return max(self._booked.get(key, 0) - self._freed.get(key, 0), 0)

    def __iter__(self):
        return iter(self._booked)

    def __len__(self):
        return len(self._booked)


def _moved_cycle(protocol, cycle_visits, moved, new_date, new_d1, calendar, load, frozen, rules):
    kinds = [v.kind for v in cycle_visits if v.kind in DOSE_KINDS]
    replaced = {}
    for visit in cycle_visits:
        if visit.code in frozen:
            continue
        if visit.kind in DOSE_KINDS:
            flags = flags_for_day(new_d1, visit.window_start, visit.window_end, kinds, calendar,
                                  load)
            replaced[visit.code] = replace(visit, scheduled_date=new_d1, flags=flags)
        else:
            replaced[visit.code] = _labs_for(protocol, visit, moved, new_date, new_d1, calendar,
                                             load, rules)
    return replaced


def _labs_for(protocol, labs, moved, new_date, new_d1, calendar, load, rules) -> PlannedVisit:
    fresh = labs_visit(protocol, labs.cycle, new_d1, calendar, load, rules)
    if moved.code != labs.code:
        return fresh
    # The nurse chose this day: keep it, re-anchored on the D1 it drags along.
    flags = flags_for_day(new_date, fresh.window_start, fresh.window_end, ("labs",), calendar, load)
    return replace(fresh, scheduled_date=new_date, flags=flags)


def _shift_later_cycles(protocol, cycles, delay, previous, limit, calendar, load, frozen, rules,
                        actual_dates):
    """Re-anchor each later cycle on the previous booked dose, in cycle order."""
    replaced = {}
    for cycle in sorted(cycles):
        shifted = _shifted_cycle(protocol, cycle, cycles[cycle], delay, previous, limit,
                                 calendar, load, frozen, rules)
        replaced.update((v.code, v) for v in shifted)
        previous = max((_dose_day(v, actual_dates) for v in shifted if v.kind in DOSE_KINDS),
                       default=previous)
    return replaced


def _shifted_cycle(protocol, cycle, cycle_visits, delay, previous, limit, calendar, load, frozen,
                   rules):
    if any(v.code in frozen for v in cycle_visits):
        return cycle_visits  # a completed visit in a later cycle: history, leave it be
    target = _d1_target(cycle_visits) + delay
    extra = (BEYOND_TREATMENT_LIMIT,) if target > limit else ()
    planned = plan_cycle(protocol, cycle, target, calendar, load, previous, extra, rules)
    existing = {v.code for v in cycle_visits}
    return [v for v in planned if v.code in existing]


def _follow_last_dose(protocol, visits, calendar, load, frozen):
    movable = {v.code for v in visits if v.kind == "safety_follow_up" and v.code not in frozen}
    doses = [v.scheduled_date for v in visits
             if v.kind in DOSE_KINDS and BEYOND_TREATMENT_LIMIT not in v.flags]
    if not movable or not doses:
        return visits
    fresh = {v.code: v for v in plan_safety_follow_up(protocol, max(doses), calendar, load)}
    return [fresh.get(v.code, v) if v.code in movable else v for v in visits]
