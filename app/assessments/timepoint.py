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
    is_liver,
    new_liver_lesions,
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
    liver_response: str | None  # RECIST on the liver alone; None: no liver target at baseline
    liver_sum_mm: float | None
    liver_target_response: str | None = None  # the liver targets alone (before non-target/new)


@dataclass(frozen=True)
class BaselineTargets:
    """What every follow-up is compared with, computed once per baseline."""

    lesions: tuple[Lesion, ...]
    nodal: tuple[bool, ...]
    sum_mm: float
    liver_indexes: tuple[int, ...]
    liver_sum_mm: float

    @classmethod
    def of(cls, lesions) -> BaselineTargets:
        """Profile the baseline target lesions."""
        lesions = tuple(lesions)
        liver = tuple(i for i, lesion in enumerate(lesions) if is_liver(lesion))
        return cls(lesions, tuple(lesion.nodal for lesion in lesions), sum_of_diameters(lesions),
                   liver, sum_of_diameters(lesions[i] for i in liver))


def measurements(baseline_lesions, current_lesions) -> tuple[float | None, ...]:
    """Today's value of each baseline lesion in mm, baseline order; None = not evaluated.

    Follow-up lesions whose id is not a baseline target are ignored: RECIST never adds
    targets after baseline (new disease is recorded as ``new_lesions``).
    """
    by_id = {lesion.lesion_id: lesion for lesion in current_lesions}
    return tuple(_value(by_id.get(lesion.lesion_id)) for lesion in baseline_lesions)


def _value(lesion: Lesion | None) -> float | None:
    return None if lesion is None else lesion.measured_mm


def target_response(baseline_lesions, current_lesions, nadir_sum: float, after_cr: bool = False) -> str | None:
    """CR/PR/SD/PD/NE for the target lesions; None when there are no baseline targets."""
    targets = BaselineTargets.of(baseline_lesions)
    if not targets.lesions:
        return None
    values = measurements(targets.lesions, current_lesions)
    return response_of_values(values, targets.nodal, targets.sum_mm, nadir_sum, after_cr)


def response_of_values(values, nodal, baseline_sum: float, nadir_sum: float, after_cr: bool = False) -> str:
    """Target response from today's values aligned with the baseline lesions.

    ``after_cr``: an earlier scan of the series had a target CR; then any lesion that is
    back (non-nodal > 0 mm, node >= 10 mm short axis) is PD whatever the sum
    (PROTOCOL.md "Tumour response"; RECIST 1.1 §4.3.1 and the EORTC FAQ).
    """
    measured = [value for value in values if value is not None]
    current_sum = sum(measured)
    if is_progression(current_sum, nadir_sum) or (after_cr and has_reappeared(values, nodal)):
        return PD  # established by the evaluated lesions even if some are missing
    if len(measured) < len(values):
        return NE
    if not any(map(_is_present, values, nodal)):
        return CR
    if is_partial_response(current_sum, baseline_sum):
        return PR
    return SD


def is_progression(current_sum: float, nadir_sum: float) -> bool:
    """PD: at least +20 % over the nadir AND at least +5 mm absolute."""
    increase = current_sum - nadir_sum
    return increase >= PD_INCREASE_FRACTION * nadir_sum - _EPS and increase >= PD_MIN_ABSOLUTE_MM - _EPS


def is_partial_response(current_sum: float, baseline_sum: float) -> bool:
    """PR: at least a 30 % decrease of the sum versus baseline."""
    return current_sum <= (1 - PR_DECREASE_FRACTION) * baseline_sum + _EPS


def has_reappeared(values, nodal) -> bool:
    """True when an evaluated lesion is present again (used after a CR)."""
    return any(value is not None and _is_present(value, is_node) for value, is_node in zip(values, nodal))


def _is_present(value_mm: float, nodal: bool) -> bool:
    # Nodes never disappear: CR needs every node back under 10 mm short axis, and every
    # non-nodal lesion gone (0 mm; "too small to measure" counts 5 mm, so it is present).
    return value_mm >= NORMAL_NODE_SHORT_AXIS_MM if nodal else value_mm != 0


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
                       liver_nadir_sum: float | None = None, after_cr: bool = False,
                       liver_after_cr: bool = False) -> TimepointResult:
    """Evaluate one follow-up ``assessment`` against the ``baseline`` and the nadir so far.

    ``nadir_sum`` is the smallest target sum so far, baseline included. The liver
    response is RECIST applied to the liver as if it were the whole body (PROTOCOL.md):
    the liver targets against ``liver_nadir_sum`` (defaults to the liver baseline sum),
    the liver's non-target state and new lesions in the liver. ``after_cr`` /
    ``liver_after_cr``: an earlier scan had a (liver) target CR, so any return is PD.
    """
    targets = BaselineTargets.of(baseline.target_lesions)
    liver_nadir = targets.liver_sum_mm if liver_nadir_sum is None else liver_nadir_sum
    return evaluate_timepoint(targets, nadir_sum, liver_nadir, assessment, after_cr, liver_after_cr)


def evaluate_timepoint(targets: BaselineTargets, nadir_sum: float, liver_nadir_sum: float,
                       assessment: Assessment, after_cr: bool = False,
                       liver_after_cr: bool = False) -> TimepointResult:
    """``timepoint_response`` with the baseline already profiled (used by series)."""
    values = measurements(targets.lesions, assessment.target_lesions)
    target = response_of_values(values, targets.nodal, targets.sum_mm, nadir_sum, after_cr) if values else None
    non_target = _NON_TARGET_RESPONSE[assessment.non_target]
    current = sum(v for v in values if v is not None) if values else None
    reference = (targets.sum_mm, nadir_sum) if values else (None, None)
    if len(targets.liver_indexes) == len(values) and after_cr == liver_after_cr:
        liver_target, liver_sum = target, current  # all targets in the liver: same answer
    else:
        liver_target, liver_sum = _liver_response(targets, values, liver_nadir_sum, liver_after_cr)
    liver = liver_overall_response(liver_target, assessment.non_target_liver or assessment.non_target,
                                   new_liver_lesions(assessment.new_lesions, assessment.new_lesion_sites))
    return TimepointResult(
        assessment.date, overall_response(target, non_target, assessment.new_lesions), target,
        non_target, assessment.new_lesions, current, None not in values, reference[0], reference[1],
        _change(current, reference[0]), _change(current, reference[1]), liver, liver_sum, liver_target,
    )


def liver_overall_response(liver_target: str | None, non_target_liver: str | None, new_in_liver: bool) -> str | None:
    """RECIST Table 1 applied to the liver alone; None when the liver has no baseline target.

    A new extrahepatic lesion makes the overall response PD but not the liver response
    (PROTOCOL.md "Liver-metastasis response").
    """
    if liver_target is None:
        return None
    return overall_response(liver_target, _NON_TARGET_RESPONSE[non_target_liver or "none"], new_in_liver)


def _change(current: float | None, reference: float | None) -> float | None:
    if current is None or reference is None:
        return None
    return percent_change(current, reference)


def _liver_response(targets: BaselineTargets, values, liver_nadir_sum: float, after_cr: bool = False):
    if not targets.liver_indexes:
        return None, None
    liver_values = [values[i] for i in targets.liver_indexes]
    liver_nodal = [targets.nodal[i] for i in targets.liver_indexes]
    response = response_of_values(liver_values, liver_nodal, targets.liver_sum_mm, liver_nadir_sum, after_cr)
    return response, sum(v for v in liver_values if v is not None)
