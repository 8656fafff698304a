"""RECIST 1.1 summaries for many patients at once: the lean twin of ``evaluate_series``.

A report over thousands of patients needs, per patient, only the best responses, the
first PD date and the dates of adequate scans, not a ``TimepointResult`` per scan. This
module walks each series once with plain floats and tuples and returns one small
``SeriesSummary``. The rules are the ones of ``timepoint`` and ``best_response`` (the
Table 3 step is shared: ``best_overall_response``); a test checks on random patients that
both paths agree exactly. Use ``evaluate_series`` wherever the time points are shown.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from app.assessments.best_response import CONFIRM_DAYS, MIN_SD_DAYS, best_overall_response
from app.assessments.lesions import (
    NORMAL_NODE_SHORT_AXIS_MM, TOO_SMALL_TO_MEASURE_MM, is_liver, new_liver_lesions,
)
from app.assessments.timepoint import (
    _EPS, _NON_TARGET_RESPONSE, CR, NE, NON_CR_NON_PD, PD, PD_INCREASE_FRACTION,
    PD_MIN_ABSOLUTE_MM, PR, PR_DECREASE_FRACTION, SD, has_reappeared, liver_overall_response,
    overall_response,
)

_PR_FACTOR = 1 - PR_DECREASE_FRACTION
_DATE = attrgetter("date")


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while a bulk read builds many small tuples.

    Tens of thousands of new tuples trigger collections that traverse every live object
    of the process (about half of the bulk read's time); they hold no reference cycles,
    so nothing is lost by collecting once afterwards instead. Re-entrant: the collector
    is resumed only by the caller that paused it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LesionValues(NamedTuple):
    """A stored target lesion read for the bulk path: ``Lesion``'s fields, a plain tuple."""

    lesion_id: str
    organ: str
    nodal: bool
    diameter_mm: float | None
    too_small_to_measure: bool


class ScanValues(NamedTuple):
    """A stored scan read for the bulk path: ``Assessment``'s fields, a plain tuple.

    ``summarize_series`` reads scans and lesions by attribute, so it takes these or the
    dataclasses alike; building tuples is several times cheaper than the frozen
    dataclasses (and their validation) when a report reads every scan of the trial.
    """

    date: date
    target_lesions: tuple[LesionValues, ...]
    non_target: str
    new_lesions: bool
    new_lesion_sites: tuple[str, ...] = ()
    non_target_liver: str | None = None  # None: not recorded apart, the overall state stands in


class SeriesSummary(NamedTuple):
    """What the endpoints need from a patient's RECIST series (no per-scan objects)."""

    has_baseline: bool
    measurable_at_baseline: bool  # at least one target lesion at baseline
    liver_measurable_at_baseline: bool  # at least one liver target lesion at baseline
    best_overall_response: str
    confirmed: bool
    first_response_date: date | None
    progression_date: date | None  # first scan showing PD
    adequate_dates: tuple[date, ...]  # follow-up scans whose overall response is not NE
    liver_best_response: str | None
    liver_confirmed: bool
    liver_first_response_date: date | None
    response_start_date: date | None = None  # first CR/PR of the confirmed series
    liver_response_start_date: date | None = None


NO_BASELINE = SeriesSummary(False, False, False, NE, False, None, None, (), None, False, None)


def summarize_series(c1d1: date, assessments, confirm_days: int = CONFIRM_DAYS,
                     min_sd_days: int = MIN_SD_DAYS) -> SeriesSummary:
    """``evaluate_series`` reduced to its summaries, computed without per-scan objects."""
    ordered = sorted(assessments, key=_DATE)  # stable, as in split_baseline
    baseline, first_follow_up = None, len(ordered)
    for index, assessment in enumerate(ordered):
        if assessment.date > c1d1:
            first_follow_up = index
            break
        baseline = assessment
    if baseline is None:
        return NO_BASELINE
    points, liver_points = _walk(baseline.target_lesions, ordered[first_follow_up:])
    return _summary(c1d1, baseline, points, liver_points, confirm_days, min_sd_days)


def _measured(lesion) -> float | None:
    # Lesion.measured_mm without the property call (this runs once per lesion per scan).
    if lesion.too_small_to_measure:
        return TOO_SMALL_TO_MEASURE_MM
    return None if lesion.diameter_mm is None else float(lesion.diameter_mm)


class _Targets:
    """The baseline target lesions, profiled once for the walk over the follow-ups."""

    def __init__(self, lesions):
        ids, nodal, liver, measured = [], [], [], []
        for index, lesion in enumerate(lesions):  # one pass: this runs once per patient
            ids.append(lesion.lesion_id)
            nodal.append(lesion.nodal)
            measured.append(_measured(lesion))
            if is_liver(lesion):
                liver.append(index)
        self.ids, self.nodal, self.liver = ids, nodal, liver
        self.unique_ids = len(set(ids)) == len(ids)
        self.liver_nodal = [nodal[i] for i in liver]
        self.cr_ceiling = NORMAL_NODE_SHORT_AXIS_MM * sum(nodal)
        self.liver_cr_ceiling = NORMAL_NODE_SHORT_AXIS_MM * sum(self.liver_nodal)
        # Same summation order as sum_of_diameters (int 0 start, baseline order).
        self.sum_mm = sum([v for v in measured if v is not None])
        self.liver_sum_mm = sum([v for v in (measured[i] for i in liver) if v is not None])

    def values(self, lesions) -> list:
        """Today's value of each baseline lesion (None = not evaluated), baseline order."""
        if self.unique_ids and len(lesions) == len(self.ids) and \
                self.ids == [lesion.lesion_id for lesion in lesions]:
            # The usual case: same lesions in the same order (_measured inlined: the hottest line).
            return [TOO_SMALL_TO_MEASURE_MM if lesion.too_small_to_measure else
                    None if lesion.diameter_mm is None else float(lesion.diameter_mm) for lesion in lesions]
        by_id = {lesion.lesion_id: lesion for lesion in lesions}  # last one wins, as in measurements()
        return [None if (lesion := by_id.get(i)) is None else _measured(lesion) for i in self.ids]


def _walk(baseline_lesions, follow_ups) -> tuple[list, list | None]:
    """(date, overall response) and (date, liver response) of every follow-up scan.

    The nadirs are carried as in ``best_response._timepoints``: an NE sum never lowers them;
    after a target CR any returning lesion is PD (``after_cr``), for the liver likewise.
    """
    targets = _Targets(baseline_lesions)
    has_targets, liver, values_of = bool(targets.ids), targets.liver, targets.values
    nodal, cr_ceiling, baseline_sum = targets.nodal, targets.cr_ceiling, targets.sum_mm
    separate_liver = bool(liver) and len(liver) != len(targets.ids)
    nadir, liver_nadir = targets.sum_mm, targets.liver_sum_mm
    after_cr = liver_after_cr = False
    points, liver_points = [], [] if liver else None
    for scan in follow_ups:
        target = None
        if has_targets:
            values = values_of(scan.target_lesions)
            target, current = _response(values, nodal, cr_ceiling, baseline_sum, nadir, after_cr)
            if target != NE:
                nadir = min(nadir, current)
        non_target = _NON_TARGET_RESPONSE[scan.non_target]
        points.append((scan.date, overall_response(target, non_target, scan.new_lesions)))
        if liver:
            if separate_liver or after_cr != liver_after_cr:
                liver_target, liver_sum = _response([values[i] for i in liver], targets.liver_nodal,
                                                    targets.liver_cr_ceiling, targets.liver_sum_mm, liver_nadir,
                                                    liver_after_cr)
                if liver_target != NE:
                    liver_nadir = min(liver_nadir, liver_sum)
            else:  # every target is in the liver: the liver targets' response is the target response
                liver_target = target
                if liver_target != NE:
                    liver_nadir = min(liver_nadir, current)
            liver_after_cr = liver_after_cr or liver_target == CR
            liver_points.append((scan.date, liver_overall_response(
                liver_target, scan.non_target_liver or scan.non_target, new_liver_lesions(scan.new_lesions, scan.new_lesion_sites))))
        after_cr = after_cr or target == CR
    return points, liver_points


def _response(values, nodal, cr_ceiling, baseline_sum, nadir_sum, after_cr=False) -> tuple[str, float]:
    """(target response, sum of the evaluated values): ``response_of_values`` inlined."""
    complete = None not in values
    current = sum(values) if complete else sum([v for v in values if v is not None])
    increase = current - nadir_sum
    if increase >= PD_INCREASE_FRACTION * nadir_sum - _EPS and increase >= PD_MIN_ABSOLUTE_MM - _EPS:
        return PD, current
    if after_cr and has_reappeared(values, nodal):
        return PD, current
    if not complete:
        return NE, current
    # If every lesion were gone (non-nodal 0 mm, nodes < 10 mm) the float sum could not exceed
    # cr_ceiling = 10 mm per node (rounding is monotone), so a larger sum rules CR out.
    if current <= cr_ceiling and \
            not any([v >= NORMAL_NODE_SHORT_AXIS_MM if n else v != 0 for v, n in zip(values, nodal)]):
        return CR, current
    if current <= _PR_FACTOR * baseline_sum + _EPS:
        return PR, current
    return SD, current


def _summary(c1d1, baseline, points, liver_points, confirm_days, min_sd_days) -> SeriesSummary:
    measurable = bool(baseline.target_lesions)
    best = best_overall_response(c1d1, points, confirm_days, min_sd_days, SD if measurable else NON_CR_NON_PD)
    if liver_points is None:
        liver = None
    elif liver_points == points:  # same responses on the same days (and SD as stable): same answer
        liver = best
    else:
        liver = best_overall_response(c1d1, liver_points, confirm_days, min_sd_days)
    return SeriesSummary(
        True, measurable, liver is not None, best.response, best.confirmed, best.first_response_date,
        next((d for d, r in points if r == PD), None), tuple([d for d, r in points if r != NE]),
        liver.response if liver else None, bool(liver and liver.confirmed),
        liver.first_response_date if liver else None,
        best.response_start_date, liver.response_start_date if liver else None,
    )
