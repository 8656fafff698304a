"""Per-patient efficacy endpoints (OS, PFS, DOR, TTR, response) at a data cutoff (pure).

Time convention (as in most SAPs and R analyses): ``time_days = date - C1D1 + 1``, so an
event on C1D1 itself is day 1 and "censored at day 1" means censored on C1D1.

Cutoff: nothing dated after the cutoff is used (deaths, scans, contacts), so a report for
a past cutoff can be reproduced from today's database.

C1D1 is the first dose actually given (PROTOCOL.md "Endpoints"); only treated patients
(``population.is_treated``) have endpoints. Every censored outcome carries its reason
(FDA PFS guidance, Table A) and a CNSR code (``CENSOR_CODES``); ``derived_records``
flattens a patient's endpoints into ADTTE-like rows for the exports.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.assessments.best_response import CONFIRM_DAYS, MIN_SD_DAYS
from app.assessments.bulk import SeriesSummary, gc_paused, summarize_series
from app.assessments.recist import CR, NE, PR, Assessment, SeriesEvaluation, evaluate_series
from app.efficacy.imaging import (
    WINDOW_DAYS, missed_assessments_between, missed_protocol_assessments, protocol_imaging_dates,
    regular_imaging_dates,
)

MAX_MISSED_ASSESSMENTS = 1  # two or more consecutive misses before an event -> censor

# Event and censoring descriptions (FDA PFS guidance Table A; PROTOCOL.md "Endpoints").
DEATH = "death"
PROGRESSION = "progression"  # radiological: RECIST PD, dated to the first scan showing it
CLINICAL_PROGRESSION = "clinical progression"  # a progression recorded without a PD scan
RESPONSE = "response"
ALIVE = "alive at last contact"
NO_BASELINE = "no baseline assessment"
NO_EVENT = "no progression or death"
CLINICAL_CENSORED = "clinical progression without a PD scan"
MISSED = "missed assessments"  # "<event> after N missed assessments"
# CNSR (ADaM ADTTE): 0 = event; a censoring reason gets its own positive code.
CENSOR_CODES = {ALIVE: 1, NO_BASELINE: 2, NO_EVENT: 3, MISSED: 4, CLINICAL_CENSORED: 5}


def censor_code(reason: str) -> int:
    """The CNSR code of a censoring ``reason`` (``CENSOR_CODES``; missed scans match by suffix)."""
    if reason.endswith(MISSED):
        return CENSOR_CODES[MISSED]
    return CENSOR_CODES[reason]


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
    # The investigator's progression (a PatientEvent "progression"), if any: it is clinical
    # when no PD scan is dated on or before it (``clinical_progression``).
    progression_event_date: date | None = None


@dataclass(frozen=True)
class TimeToEvent:
    """One endpoint for one patient: time in days from its start (start day = 1).

    ``reason`` describes the event ("death", "progression", ...) or why it is censored
    (``CENSOR_CODES``); ``start_date`` is C1D1, or the response start for DOR.
    """

    time_days: int
    event: bool
    date: date  # event date, or the date censored at
    reason: str
    start_date: date | None = None

    @property
    def cnsr(self) -> int:
        """ADaM CNSR: 0 for an event, else the censoring reason's code."""
        return 0 if self.event else censor_code(self.reason)


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
    pfssens: TimeToEvent | None = None  # sensitivity PFS: clinical progression is an event
    c1d1: date | None = None
    response_start_date: date | None = None
    progression_source: str | None = None  # "radiological", "clinical" or None


def day_number(start: date, when: date) -> int:
    """Study day of ``when`` counted from ``start`` = day 1."""
    return (when - start).days + 1


def _outcome(start: date, when: date, event: bool, reason: str) -> TimeToEvent:
    return TimeToEvent(day_number(start, when), event, when, reason, start)


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
        return _outcome(data.c1d1, death, True, DEATH)
    return _outcome(data.c1d1, last_known_alive(data), False, ALIVE)


def evaluate_at_cutoff(data: PatientEndpointData, confirm_days: int = CONFIRM_DAYS,
                       min_sd_days: int = MIN_SD_DAYS) -> SeriesEvaluation:
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


def clinical_progression(data: PatientEndpointData, progression_date: date | None) -> date | None:
    """The progression event's date when no PD scan is dated on or before it (by the cutoff)."""
    when = data.progression_event_date
    if when is None or when > data.cutoff:
        return None
    if progression_date is not None and progression_date <= when:
        return None  # radiological: the PD scan came first
    return when


def progression_source(data: PatientEndpointData, progression_date: date | None) -> str | None:
    """"radiological" (a PD scan), "clinical" (progression recorded without one) or None."""
    clinical = clinical_progression(data, progression_date)
    if progression_date is not None and (clinical is None or progression_date <= clinical):
        return "radiological"
    return "clinical" if clinical is not None else None


def derive_pfs(data: PatientEndpointData, series: SeriesEvaluation | None = None,
               sensitivity: bool = False) -> TimeToEvent:
    """PFS from C1D1: first PD scan or death, with the PROTOCOL.md censoring rules.

    A clinical progression without a PD scan censors the primary PFS at the last adequate
    assessment before it; with ``sensitivity`` (PFSSENS) it is an event instead.
    """
    series = evaluate_at_cutoff(data) if series is None else series
    return _progression_outcome(data, series, data.c1d1, sensitivity)


def _progression_outcome(data: PatientEndpointData, series: SeriesEvaluation, start: date,
                         sensitivity: bool = False) -> TimeToEvent:
    adequate = [t.date for t in series.timepoints if t.overall_response != NE]
    return _censored_progression(data, series.baseline is not None, adequate, series.progression_date, start,
                                 sensitivity)


def _censored_progression(data: PatientEndpointData, has_baseline: bool, adequate, progression_date,
                          start: date, sensitivity: bool = False) -> TimeToEvent:
    # ``adequate``: dates of the follow-up scans whose overall response is not NE.
    if not has_baseline:
        return _outcome(start, data.c1d1, False, NO_BASELINE)
    event_date, reason = _first_progression_event(data, progression_date)
    clinical = clinical_progression(data, progression_date)
    if clinical is not None and (event_date is None or clinical < event_date):
        event_date, reason = clinical, CLINICAL_PROGRESSION
    if event_date is None:
        return _outcome(start, max(adequate, default=data.c1d1), False, NO_EVENT)
    # DOR starts at a scan: never censor before its own start (death on a response day).
    last_adequate = max(max((d for d in adequate if d < event_date), default=data.c1d1), start)
    if reason == CLINICAL_PROGRESSION and not sensitivity:
        return _outcome(start, max(max((d for d in adequate if d <= event_date), default=data.c1d1), start),
                        False, CLINICAL_CENSORED)
    missed = _missed_assessments(data, last_adequate, event_date)
    if missed > MAX_MISSED_ASSESSMENTS:
        return _outcome(start, last_adequate, False, f"{reason} after {missed} {MISSED}")
    return _outcome(start, event_date, True, reason)


def _missed_assessments(data: PatientEndpointData, last_adequate: date, event_date: date) -> int:
    if data.scheduled_imaging_dates or data.imaging_interval_days:
        return missed_assessments_between(imaging_schedule(data), last_adequate, event_date,
                                          data.imaging_window_days)
    return missed_protocol_assessments(data.c1d1, data.cutoff, last_adequate, event_date,
                                       data.imaging_window_days)


def _first_progression_event(data, progression_date) -> tuple[date | None, str]:
    candidates = [(d, r) for d, r in ((progression_date, PROGRESSION),
                                      (_death_by_cutoff(data), DEATH)) if d is not None]
    return min(candidates) if candidates else (None, "")


def derive_ttr(series: SeriesEvaluation, c1d1: date) -> TimeToEvent | None:
    """TTR for confirmed responders: C1D1 to the response start (first CR/PR of the confirmed series)."""
    if not series.confirmed:
        return None
    return _outcome(c1d1, series.response_start_date, True, RESPONSE)


def derive_dor(data: PatientEndpointData, series: SeriesEvaluation) -> TimeToEvent | None:
    """DOR for confirmed responders: response start to PD or death, PFS censoring rules."""
    if not series.confirmed:
        return None
    return _progression_outcome(data, series, series.response_start_date)


def derive_patient_endpoints(data: PatientEndpointData, confirm_days: int = CONFIRM_DAYS,
                             min_sd_days: int = MIN_SD_DAYS) -> PatientEndpoints:
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
        pfssens=derive_pfs(data, series, sensitivity=True),
        c1d1=data.c1d1,
        response_start_date=series.response_start_date,
        progression_source=progression_source(data, series.progression_date),
    )


def derive_all_endpoints(patients, confirm_days: int = CONFIRM_DAYS,
                         min_sd_days: int = MIN_SD_DAYS) -> list[PatientEndpoints]:
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
    c1d1, confirmed, start = data.c1d1, summary.confirmed, summary.response_start_date
    progression = (summary.has_baseline, summary.adequate_dates, summary.progression_date)
    return PatientEndpoints(
        data.patient_id, derive_os(data), _censored_progression(data, *progression, c1d1),
        _censored_progression(data, *progression, start) if confirmed else None,
        _outcome(c1d1, start, True, RESPONSE) if confirmed else None,
        summary.best_overall_response, confirmed, summary.measurable_at_baseline,
        confirmed and summary.best_overall_response in (CR, PR), summary.liver_best_response,
        summary.liver_measurable_at_baseline,
        summary.liver_confirmed and summary.liver_best_response in (CR, PR),
        _censored_progression(data, *progression, c1d1, True), c1d1, start,
        progression_source(data, summary.progression_date),
    )


ENDPOINT_PARAMS = (("OS", "os"), ("PFS", "pfs"), ("PFSSENS", "pfssens"), ("DOR", "dor"), ("TTR", "ttr"))


def derived_records(endpoints: PatientEndpoints) -> list[dict]:
    """One plain row per time-to-event endpoint of a patient (the ADTTE shape, pure).

    Keys: ``PARAMCD`` (OS, PFS, PFSSENS, DOR, TTR), ``C1D1``, ``STARTDT`` (C1D1, or the
    response start for DOR), ``ADT`` (event or censoring date), ``AVAL`` (ADT - STARTDT + 1,
    days), ``CNSR`` (0 = event, else ``CENSOR_CODES``), ``EVNTDESC`` (event description or
    None) and ``CNSDTDSC`` (censoring reason or None). Endpoints a patient does not have
    (DOR and TTR of a non-responder) give no row. Source: API.md "ADSL/ADTTE", PROTOCOL.md.
    """
    rows = []
    for paramcd, name in ENDPOINT_PARAMS:
        outcome = getattr(endpoints, name)
        if outcome is None:
            continue
        rows.append({"USUBJID": endpoints.patient_id, "PARAMCD": paramcd, "C1D1": endpoints.c1d1,
                     "STARTDT": outcome.start_date, "ADT": outcome.date, "AVAL": outcome.time_days,
                     "CNSR": outcome.cnsr, "EVNTDESC": outcome.reason if outcome.event else None,
                     "CNSDTDSC": None if outcome.event else outcome.reason})
    return rows
