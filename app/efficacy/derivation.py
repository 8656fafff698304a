"""Per-patient efficacy endpoints (OS, PFS, DOR, TTR, response) at a data cutoff (pure).

Time convention (as in most SAPs and R analyses): ``time_days = date - C1D1 + 1``, so an
event on C1D1 itself is day 1 and "censored at day 1" means censored on C1D1.

Cutoff: nothing dated after the cutoff is used (deaths, scans, contacts), so a report for
a past cutoff can be reproduced from today's database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.assessments.bulk import SeriesSummary, gc_paused, summarize_series
from app.assessments.recist import CR, NE, PR, Assessment, SeriesEvaluation, evaluate_series
from app.efficacy.imaging import (
    WINDOW_DAYS, missed_assessments_between, missed_protocol_assessments, protocol_imaging_dates,
    regular_imaging_dates,
)

MAX_MISSED_ASSESSMENTS = 1  # two or more consecutive misses before an event -> censor


@dataclass(frozen=True)
class PatientEndpointData:
    """Everything the endpoints need about one treated patient, as plain values.

    ``contact_dates``: any proof of life (completed visits, inbound SMS, contact events).
    Imaging schedule: ``scheduled_imaging_dates`` if given, else every
    ``imaging_interval_days`` from C1D1, else the protocol default (6-weekly to week 48,
    then 12-weekly).
    """

    patient_id: str
    c1d1: date
    cutoff: date
    assessments: tuple[Assessment, ...] = ()
    death_date: date | None = None
    contact_dates: tuple[date, ...] = ()
    scheduled_imaging_dates: tuple[date, ...] = ()
    imaging_interval_days: int | None = None
    imaging_window_days: int = WINDOW_DAYS


@dataclass(frozen=True)
class TimeToEvent:
    """One endpoint for one patient: time in days from its start (start day = 1)."""

    time_days: int
    event: bool
    date: date  # event date, or the date censored at
    reason: str


@dataclass(frozen=True)
class PatientEndpoints:
    """All derived endpoints of one patient; DOR and TTR only for confirmed responders."""

    patient_id: str
    os: TimeToEvent
    pfs: TimeToEvent
    dor: TimeToEvent | None
    ttr: TimeToEvent | None
    best_overall_response: str
    confirmed: bool
    response_evaluable: bool  # measurable (target) disease at baseline
    responder: bool  # confirmed CR or PR
    liver_best_response: str | None
    liver_evaluable: bool  # at least one liver target lesion at baseline
    liver_responder: bool


def day_number(start: date, when: date) -> int:
    """Study day of ``when`` counted from ``start`` = day 1."""
    return (when - start).days + 1


def _outcome(start: date, when: date, event: bool, reason: str) -> TimeToEvent:
    return TimeToEvent(day_number(start, when), event, when, reason)


def _death_by_cutoff(data: PatientEndpointData) -> date | None:
    if data.death_date is not None and data.death_date <= data.cutoff:
        return data.death_date
    return None


def last_known_alive(data: PatientEndpointData) -> date:
    """Latest proof of life on or before the cutoff (C1D1 dosing is one)."""
    dates = [data.c1d1, *data.contact_dates, *(a.date for a in data.assessments)]
    return max(d for d in dates if d <= data.cutoff)


def derive_os(data: PatientEndpointData) -> TimeToEvent:
    """OS: death from any cause; alive patients censored at last known alive."""
    death = _death_by_cutoff(data)
    if death is not None:
        return _outcome(data.c1d1, death, True, "death")
    return _outcome(data.c1d1, last_known_alive(data), False, "alive at last contact")


def evaluate_at_cutoff(data: PatientEndpointData, confirm_days: int = 28,
                       min_sd_days: int = 42) -> SeriesEvaluation:
    """RECIST evaluation of the scans dated on or before the cutoff."""
    scans = [a for a in data.assessments if a.date <= data.cutoff]
    return evaluate_series(data.c1d1, scans, confirm_days, min_sd_days)


def imaging_schedule(data: PatientEndpointData) -> tuple[date, ...]:
    """The patient's scheduled post-baseline scan dates up to the cutoff."""
    if data.scheduled_imaging_dates:
        return tuple(sorted(data.scheduled_imaging_dates))
    if data.imaging_interval_days:
        return regular_imaging_dates(data.c1d1, data.cutoff, data.imaging_interval_days)
    return protocol_imaging_dates(data.c1d1, data.cutoff)


def derive_pfs(data: PatientEndpointData, series: SeriesEvaluation | None = None) -> TimeToEvent:
    """PFS from C1D1: first PD scan or death, with the PROTOCOL.md censoring rules."""
    series = evaluate_at_cutoff(data) if series is None else series
    return _progression_outcome(data, series, data.c1d1)


def _progression_outcome(data: PatientEndpointData, series: SeriesEvaluation, start: date) -> TimeToEvent:
    adequate = [t.date for t in series.timepoints if t.overall_response != NE]
    return _censored_progression(data, series.baseline is not None, adequate, series.progression_date, start)


def _censored_progression(data: PatientEndpointData, has_baseline: bool, adequate, progression_date,
                          start: date) -> TimeToEvent:
    # ``adequate``: dates of the follow-up scans whose overall response is not NE.
    if not has_baseline:
        return _outcome(start, data.c1d1, False, "no baseline assessment")
    event_date, reason = _first_progression_event(data, progression_date)
    if event_date is None:
        return _outcome(start, max(adequate, default=data.c1d1), False, "no progression or death")
    # DOR starts at a scan: never censor before its own start (death on a response day).
    last_adequate = max(max((d for d in adequate if d < event_date), default=data.c1d1), start)
    missed = _missed_assessments(data, last_adequate, event_date)
    if missed > MAX_MISSED_ASSESSMENTS:
        return _outcome(start, last_adequate, False, f"{reason} after {missed} missed assessments")
    return _outcome(start, event_date, True, reason)


def _missed_assessments(data: PatientEndpointData, last_adequate: date, event_date: date) -> int:
    if data.scheduled_imaging_dates or data.imaging_interval_days:
        return missed_assessments_between(imaging_schedule(data), last_adequate, event_date,
                                          data.imaging_window_days)
    return missed_protocol_assessments(data.c1d1, data.cutoff, last_adequate, event_date,
                                       data.imaging_window_days)


def _first_progression_event(data, progression_date) -> tuple[date | None, str]:
    candidates = [(d, r) for d, r in ((progression_date, "progression"),
                                      (_death_by_cutoff(data), "death")) if d is not None]
    return min(candidates) if candidates else (None, "")


def derive_ttr(series: SeriesEvaluation, c1d1: date) -> TimeToEvent | None:
    """TTR for confirmed responders: C1D1 to the first (confirmed) CR/PR scan."""
    if not series.confirmed:
        return None
    return _outcome(c1d1, series.first_response_date, True, "response")


def derive_dor(data: PatientEndpointData, series: SeriesEvaluation) -> TimeToEvent | None:
    """DOR for confirmed responders: first CR/PR to PD or death, PFS censoring rules."""
    if not series.confirmed:
        return None
    return _progression_outcome(data, series, series.first_response_date)


def derive_patient_endpoints(data: PatientEndpointData, confirm_days: int = 28,
                             min_sd_days: int = 42) -> PatientEndpoints:
    """All endpoints of one patient at ``data.cutoff``."""
    series = evaluate_at_cutoff(data, confirm_days, min_sd_days)
    return PatientEndpoints(
        patient_id=data.patient_id,
        os=derive_os(data),
        pfs=derive_pfs(data, series),
        dor=derive_dor(data, series),
        ttr=derive_ttr(series, data.c1d1),
        best_overall_response=series.best_overall_response,
        confirmed=series.confirmed,
        response_evaluable=series.measurable_at_baseline,
        responder=series.confirmed and series.best_overall_response in (CR, PR),
        liver_best_response=series.liver_best_response,
        liver_evaluable=series.liver_measurable_at_baseline,
        liver_responder=series.liver_confirmed and series.liver_best_response in (CR, PR),
    )


def derive_all_endpoints(patients, confirm_days: int = 28, min_sd_days: int = 42) -> list[PatientEndpoints]:
    """``derive_patient_endpoints`` for many patients, through the lean RECIST summary.

    Same results (a test compares both on random patients), without a TimepointResult per
    scan: this is the path of the efficacy report over the whole trial.
    """
    with gc_paused():
        return [_endpoints_from_summary(data, _summary_at_cutoff(data, confirm_days, min_sd_days))
                for data in patients]


def _summary_at_cutoff(data: PatientEndpointData, confirm_days: int, min_sd_days: int) -> SeriesSummary:
    cutoff = data.cutoff
    scans = [a for a in data.assessments if a.date <= cutoff]
    return summarize_series(data.c1d1, scans, confirm_days, min_sd_days)


def _endpoints_from_summary(data: PatientEndpointData, summary: SeriesSummary) -> PatientEndpoints:
    c1d1, confirmed = data.c1d1, summary.confirmed
    progression = (summary.has_baseline, summary.adequate_dates, summary.progression_date)
    return PatientEndpoints(
        data.patient_id, derive_os(data), _censored_progression(data, *progression, c1d1),
        _censored_progression(data, *progression, summary.first_response_date) if confirmed else None,
        _outcome(c1d1, summary.first_response_date, True, "response") if confirmed else None,
        summary.best_overall_response, confirmed, summary.measurable_at_baseline,
        confirmed and summary.best_overall_response in (CR, PR), summary.liver_best_response,
        summary.liver_measurable_at_baseline,
        summary.liver_confirmed and summary.liver_best_response in (CR, PR),
    )
