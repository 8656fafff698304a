"""RECIST 1.1 best overall response over a series of assessments (Table 3).

This is a single-arm trial, so CR and PR need confirmation by a later scan at least
``confirm_days`` after the first, and SD counts only when reached at least
``min_sd_days`` after C1D1 (default 35 days = study day 36, PROTOCOL.md ``sd_min_day``). Decisions the RECIST tables leave open, made here:

- Confirmation: a CR is confirmed by a later CR, a PR by a later CR or PR, at least
  ``confirm_days`` later with only CR/PR/NE (CR/NE for a CR) scans in between; a CR
  that is followed by a PR is read as a PR (RECIST Table 3 footnote, second reading).
- Only scans up to and including the first PD count towards the best response.
- A PR or SD after an unconfirmed CR means the disease came back: when SD duration
  is not met, such a patient's best response is PD (Table 3 rows "CR, SD"/"CR, PR").
- Non-target-only disease: the stable category is NON_CR_NON_PD instead of SD.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from app.assessments.lesions import Assessment, liver_lesions
from app.assessments.timepoint import (
    CR, NE, NON_CR_NON_PD, PD, PR, SD, BaselineTargets, TimepointResult, evaluate_timepoint,
)

CONFIRM_DAYS = 28  # PROTOCOL.md: CR/PR confirmed by a scan >= 28 days later (protocol data)
SD_MIN_DAY = 36  # PROTOCOL.md: SD counts from study day 36 (6 weeks - 7-day window; protocol data)
MIN_SD_DAYS = SD_MIN_DAY - 1  # the same rule in days after C1D1 (day 1 = C1D1)
_STABLE_OR_BETTER = frozenset({CR, PR, SD, NON_CR_NON_PD})
_RESPONSES = frozenset({CR, PR})
# (best response, what confirms it, what may lie between the two scans)
_CONFIRMATION_RULES = ((CR, frozenset({CR}), frozenset({CR, NE})),
                       (PR, frozenset({CR, PR}), frozenset({CR, PR, NE})))
_DATE_OF_POINT = itemgetter(0)


@dataclass(frozen=True)
class BestResponse:
    """Best overall response per Table 3, and when the (confirmed) response began."""

    response: str
    confirmed: bool  # True only for a confirmed CR or PR
    first_response_date: date | None  # response start when confirmed, else first unconfirmed CR/PR
    response_start_date: date | None = None  # first CR or PR of the confirmed series (TTR, DOR)


@dataclass(frozen=True)
class SeriesEvaluation:
    """A patient's RECIST history: every follow-up time point and the summaries."""

    baseline: Assessment | None
    timepoints: tuple[TimepointResult, ...]
    best_overall_response: str
    confirmed: bool
    first_response_date: date | None
    progression_date: date | None  # first scan showing PD
    liver_best_response: str | None  # None: no liver target lesion at baseline
    liver_confirmed: bool
    liver_first_response_date: date | None
    response_start_date: date | None = None  # first CR/PR of the confirmed series (PROTOCOL.md)
    liver_response_start_date: date | None = None

    @property
    def measurable_at_baseline(self) -> bool:
        """True when the baseline has at least one target lesion (response-evaluable)."""
        return self.baseline is not None and bool(self.baseline.target_lesions)

    @property
    def liver_measurable_at_baseline(self) -> bool:
        """True when the baseline has at least one liver target lesion."""
        return self.baseline is not None and bool(liver_lesions(self.baseline.target_lesions))


def split_baseline(c1d1: date, assessments) -> tuple[Assessment | None, tuple[Assessment, ...]]:
    """The baseline (latest scan on or before C1D1) and the later scans, date-ordered."""
    ordered = sorted(assessments, key=lambda a: a.date)
    before = [a for a in ordered if a.date <= c1d1]
    return (before[-1] if before else None), tuple(a for a in ordered if a.date > c1d1)


def evaluate_series(c1d1: date, assessments, confirm_days: int = CONFIRM_DAYS,
                    min_sd_days: int = MIN_SD_DAYS) -> SeriesEvaluation:
    """Evaluate every follow-up against baseline and running nadir, then Table 3."""
    baseline, follow_ups = split_baseline(c1d1, assessments)
    if baseline is None:
        return SeriesEvaluation(None, (), NE, False, None, None, None, False, None)
    timepoints = _timepoints(baseline, follow_ups)
    stable = SD if baseline.target_lesions else NON_CR_NON_PD
    best = best_overall_response(
        c1d1, [(t.date, t.overall_response) for t in timepoints], confirm_days, min_sd_days, stable)
    liver = _liver_best(c1d1, baseline, timepoints, confirm_days, min_sd_days)
    return SeriesEvaluation(
        baseline, timepoints, best.response, best.confirmed, best.first_response_date,
        _first_date(timepoints, PD),
        liver.response if liver else None, bool(liver and liver.confirmed),
        liver.first_response_date if liver else None,
        best.response_start_date, liver.response_start_date if liver else None,
    )


def _timepoints(baseline: Assessment, follow_ups) -> tuple[TimepointResult, ...]:
    targets = BaselineTargets.of(baseline.target_lesions)
    nadir, liver_nadir = targets.sum_mm, targets.liver_sum_mm
    after_cr = liver_after_cr = False
    results = []
    for assessment in follow_ups:
        result = evaluate_timepoint(targets, nadir, liver_nadir, assessment, after_cr, liver_after_cr)
        # An NE sum is partial and must not lower the nadir; a PD sum is above it anyway.
        if result.target_response not in (NE, None):
            nadir = min(nadir, result.sum_mm)
        if result.liver_target_response not in (NE, None):
            liver_nadir = min(liver_nadir, result.liver_sum_mm)
        after_cr = after_cr or result.target_response == CR
        liver_after_cr = liver_after_cr or result.liver_target_response == CR
        results.append(result)
    return tuple(results)


def _liver_best(c1d1, baseline, timepoints, confirm_days, min_sd_days) -> BestResponse | None:
    if not liver_lesions(baseline.target_lesions):
        return None
    points = [(t.date, t.liver_response) for t in timepoints]  # RECIST on the liver as a body
    return best_overall_response(c1d1, points, confirm_days, min_sd_days)


def _first_date(timepoints, response: str) -> date | None:
    return next((t.date for t in timepoints if t.overall_response == response), None)


def best_overall_response(c1d1: date, points, confirm_days: int = CONFIRM_DAYS,
                          min_sd_days: int = MIN_SD_DAYS, stable: str = SD) -> BestResponse:
    """Best overall response (RECIST Table 3) from (date, time-point response) pairs."""
    points = sorted(points, key=_DATE_OF_POINT)  # stable: same-day points keep their order
    responses = [r for _, r in points]
    if PD in responses:  # only scans up to and including the first PD count
        cut = responses.index(PD) + 1
        points, responses = points[:cut], responses[:cut]
    first_unconfirmed = None
    if CR in responses or PR in responses:  # otherwise nothing to confirm (the usual case)
        first_unconfirmed = next(d for d, r in points if r in _RESPONSES)
        for response, counts_as, allowed_between in _CONFIRMATION_RULES:
            start = _confirmed_start(points, counts_as, allowed_between, confirm_days)
            if start is not None:
                series_start = response_start(points, start)
                return BestResponse(response, True, series_start, series_start)
    if _stable_long_enough(c1d1, points, min_sd_days):
        return BestResponse(stable, False, first_unconfirmed)
    if PD in responses or _reappeared_after_cr(responses):
        return BestResponse(PD, False, first_unconfirmed)
    return BestResponse(NE, False, first_unconfirmed)


def response_start(points, confirmed_start: date) -> date:
    """The first scan meeting CR or PR criteria in the series that was later confirmed.

    Walks back from the confirmed scan over CR, PR and NE scans (an NE does not interrupt
    a response): PR on day 42 deepening to a confirmed CR on day 126 starts on day 42
    (RECIST 1.1 §4.6; PROTOCOL.md "Response start").
    """
    dates = [d for d, _ in points]
    index = dates.index(confirmed_start)
    start = confirmed_start
    for when, response in reversed(points[:index]):
        if response in _RESPONSES:
            start = when
        elif response != NE:
            break
    return start


def _confirmed_start(points, counts_as, allowed_between, confirm_days: int) -> date | None:
    for i, (start, response) in enumerate(points):
        if response in counts_as and _confirmed_later(points[i + 1:], start, counts_as,
                                                     allowed_between, confirm_days):
            return start
    return None


def _confirmed_later(later, start: date, counts_as, allowed_between, confirm_days) -> bool:
    for when, response in later:
        if response in counts_as and (when - start).days >= confirm_days:
            return True
        if response not in allowed_between:
            return False
    return False


def _stable_long_enough(c1d1: date, points, min_sd_days: int) -> bool:
    return any(r in _STABLE_OR_BETTER and (d - c1d1).days >= min_sd_days for d, r in points)


def _reappeared_after_cr(responses) -> bool:
    if CR not in responses:
        return False
    return any(r in (PR, SD) for r in responses[responses.index(CR) + 1:])
