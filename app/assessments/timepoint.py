"""RECIST 1.1 response at one follow-up time point (target, non-target, overall).

Overall response follows RECIST 1.1 Table 1 when the patient has target lesions at
baseline and Table 2 when the baseline has non-target disease only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.assessments.lesions import (
    NORMAL_NODE_SHORT_AXIS_MM,
    Assessment,
    Lesion,
    liver_lesions,
    percent_change,
    sum_of_diameters,
)

CR, PR, SD, PD, NE, NON_CR_NON_PD = "CR", "PR", "SD", "PD", "NE", "NON_CR_NON_PD"

PR_DECREASE_FRACTION = 0.30
PD_INCREASE_FRACTION = 0.20
PD_MIN_ABSOLUTE_MM = 5.0
# Diameters arrive as decimal millimetres; compare with a tolerance so that 30 -> 36 mm
# is exactly +20 % and not 19.999999 % in binary floating point.
_EPS = 1e-9

_NON_TARGET_RESPONSE = {"cr": CR, "non_cr_non_pd": NON_CR_NON_PD, "pd": PD, "ne": NE, "none": None}


@dataclass(frozen=True)
class TimepointResult:
    """Everything RECIST derives at one follow-up assessment."""

    date: date
    overall_response: str
    target_response: str | None  # None: no target lesions at baseline
    non_target_response: str | None  # None: no non-target lesions recorded
    new_lesions: bool
    sum_mm: float | None  # sum over evaluated target lesions; None without targets
    all_targets_evaluated: bool  # every baseline target measured today (True without targets)
    baseline_sum_mm: float | None
    nadir_sum_mm: float | None
    change_from_baseline_pct: float | None
    change_from_nadir_pct: float | None
    liver_response: str | None  # None: no liver target lesions at baseline
    liver_sum_mm: float | None


def match_to_baseline(baseline_lesions, current_lesions) -> tuple[Lesion | None, ...]:
    """Today's measurement of each baseline lesion, in baseline order (None = not reported).

    Follow-up lesions whose id is not a baseline target are ignored: RECIST never adds
    targets after baseline (new disease is recorded as ``new_lesions``).
    """
    by_id = {lesion.lesion_id: lesion for lesion in current_lesions}
    return tuple(by_id.get(lesion.lesion_id) for lesion in baseline_lesions)


def target_response(baseline_lesions, current_lesions, nadir_sum: float) -> str | None:
    """CR/PR/SD/PD/NE for the target lesions; None when there are no baseline targets."""
    baseline_lesions = tuple(baseline_lesions)
    if not baseline_lesions:
        return None
    matched = match_to_baseline(baseline_lesions, current_lesions)
    evaluated = [m for m in matched if m is not None and m.evaluated]
    current_sum = sum_of_diameters(evaluated)
    if is_progression(current_sum, nadir_sum):
        return PD  # established by the evaluated lesions even if some are missing
    if len(evaluated) < len(baseline_lesions):
        return NE
    if _all_disappeared(baseline_lesions, evaluated):
        return CR
    if is_partial_response(current_sum, sum_of_diameters(baseline_lesions)):
        return PR
    return SD


def is_progression(current_sum: float, nadir_sum: float) -> bool:
    """PD: at least +20 % over the nadir AND at least +5 mm absolute."""
    increase = current_sum - nadir_sum
    return increase >= PD_INCREASE_FRACTION * nadir_sum - _EPS and increase >= PD_MIN_ABSOLUTE_MM - _EPS


def is_partial_response(current_sum: float, baseline_sum: float) -> bool:
    """PR: at least a 30 % decrease of the sum versus baseline."""
    return current_sum <= (1 - PR_DECREASE_FRACTION) * baseline_sum + _EPS


def _all_disappeared(baseline_lesions, evaluated) -> bool:
    # Nodes never disappear: CR needs every node back under 10 mm short axis, and
    # every non-nodal lesion gone (0 mm; "too small to measure" is still present).
    nodal = {lesion.lesion_id: lesion.nodal for lesion in baseline_lesions}
    return all(_is_gone(lesion, nodal[lesion.lesion_id]) for lesion in evaluated)


def _is_gone(lesion: Lesion, nodal: bool) -> bool:
    if nodal:
        return lesion.measured_mm < NORMAL_NODE_SHORT_AXIS_MM
    return not lesion.too_small_to_measure and lesion.measured_mm == 0


def non_target_response(state: str) -> str | None:
    """Map the recorded non-target state ("cr", "pd", ...) to its response label."""
    return _NON_TARGET_RESPONSE[state]


def overall_response(target: str | None, non_target: str | None, new_lesions: bool) -> str:
    """Overall time-point response: RECIST Table 1 (targets) or Table 2 (non-target only)."""
    if new_lesions or target == PD or non_target == PD:
        return PD
    if target is None:
        return _non_target_only(non_target)
    if target == CR:
        return CR if non_target in (CR, None) else PR
    if target == NE:
        return NE
    return target  # PR or SD whatever the non-PD non-target state


def _non_target_only(non_target: str | None) -> str:
    # Table 2; a baseline with neither target nor non-target disease cannot be evaluated.
    return {CR: CR, NON_CR_NON_PD: NON_CR_NON_PD}.get(non_target, NE)


def timepoint_response(baseline: Assessment, nadir_sum: float, assessment: Assessment,
                       liver_nadir_sum: float | None = None) -> TimepointResult:
    """Evaluate one follow-up ``assessment`` against the ``baseline`` and the nadir so far.

    ``nadir_sum`` is the smallest target sum so far, baseline included. The liver
    response applies the same target rules to the liver lesions alone, against
    ``liver_nadir_sum`` (defaults to the liver baseline sum).
    """
    targets = baseline.target_lesions
    target = target_response(targets, assessment.target_lesions, nadir_sum)
    non_target = non_target_response(assessment.non_target)
    current = _current_sum(targets, assessment.target_lesions)
    baseline_sum = sum_of_diameters(targets) if targets else None
    liver_result = _liver_response(baseline, assessment, liver_nadir_sum)
    return TimepointResult(
        date=assessment.date,
        overall_response=overall_response(target, non_target, assessment.new_lesions),
        target_response=target,
        non_target_response=non_target,
        new_lesions=assessment.new_lesions,
        sum_mm=current,
        all_targets_evaluated=_all_evaluated(targets, assessment),
        baseline_sum_mm=baseline_sum,
        nadir_sum_mm=nadir_sum if targets else None,
        change_from_baseline_pct=_change(current, baseline_sum),
        change_from_nadir_pct=_change(current, nadir_sum if targets else None),
        liver_response=liver_result[0],
        liver_sum_mm=liver_result[1],
    )


def _current_sum(baseline_lesions, current_lesions) -> float | None:
    if not baseline_lesions:
        return None
    matched = match_to_baseline(baseline_lesions, current_lesions)
    return sum_of_diameters(m for m in matched if m is not None)


def _all_evaluated(baseline_lesions, assessment: Assessment) -> bool:
    matched = match_to_baseline(baseline_lesions, assessment.target_lesions)
    return all(m is not None and m.evaluated for m in matched)


def _change(current: float | None, reference: float | None) -> float | None:
    if current is None or reference is None:
        return None
    return percent_change(current, reference)


def _liver_response(baseline: Assessment, assessment: Assessment,
                    liver_nadir_sum: float | None) -> tuple[str | None, float | None]:
    liver_targets = liver_lesions(baseline.target_lesions)
    if not liver_targets:
        return None, None
    nadir = sum_of_diameters(liver_targets) if liver_nadir_sum is None else liver_nadir_sum
    response = target_response(liver_targets, assessment.target_lesions, nadir)
    return response, _current_sum(liver_targets, assessment.target_lesions)
