"""The bulk path of the efficacy report gives exactly the endpoints of the rich path.

``derive_all_endpoints`` (lean RECIST summary, scans as tuples) must agree field by field
with ``derive_patient_endpoints`` (a TimepointResult per scan) on random patients that
exercise every branch: missing and too-small lesions, disappeared lesions and normal
nodes (CR), non-target-only baselines, no baseline, scans and deaths after the cutoff,
same-day scans, unsorted input, explicit and regular imaging schedules.
"""
import random
from datetime import date, timedelta

import pytest

from app.assessments.bulk import LesionValues, ScanValues, summarize_series
from app.assessments.recist import Assessment, Lesion, evaluate_series
from app.efficacy.derivation import PatientEndpointData, derive_all_endpoints, derive_patient_endpoints
from app.efficacy.imaging import missed_assessments_between, missed_protocol_assessments, protocol_imaging_dates

START = date(2024, 1, 1)
CUTOFF = date(2025, 12, 31)
NON_TARGET = ("none", "non_cr_non_pd", "cr", "pd", "ne")


def _baseline_lesions(rng):
    lesions = [Lesion(f"L{k}", rng.choice(["liver", "Liver ", "lung", "adrenal"]), False,
                      float(rng.randint(10, 60))) for k in range(rng.randint(0, 3))]
    if rng.random() < 0.4:
        lesions.append(Lesion("N1", "liver" if rng.random() < 0.2 else "node", True, float(rng.randint(15, 30))))
    return lesions


def _follow_up_value(rng, lesion, size):
    roll = rng.random()
    if roll < 0.05:
        return None, False  # not evaluated
    if roll < 0.08:
        return None, True  # too small to measure: counts 5 mm
    if roll < 0.15:
        return (rng.choice([4.0, 9.9, 10.0]) if lesion.nodal else 0.0), False  # gone / normal node
    return size, False


def _scan(rng, when, baseline_lesions, sizes):
    lesions = []
    for lesion in baseline_lesions:
        if rng.random() < 0.04:
            continue  # lesion left out of the report altogether
        value, too_small = _follow_up_value(rng, lesion, sizes[lesion.lesion_id])
        lesions.append(Lesion(lesion.lesion_id, lesion.organ, lesion.nodal, value, too_small))
    if rng.random() < 0.1:
        rng.shuffle(lesions)
    if lesions and rng.random() < 0.03:
        lesions.append(lesions[0])  # duplicated id: the last one wins in both paths
    new = rng.random() < 0.04
    sites = rng.choice([(), ("liver",), ("extrahepatic",), ("liver", "extrahepatic")]) if new else ()
    return Assessment(when, tuple(lesions), rng.choice(NON_TARGET), new, sites, rng.choice(NON_TARGET))


def random_patient(rng, index):
    c1d1 = START + timedelta(days=rng.randrange(0, 500))
    baseline_lesions = _baseline_lesions(rng)
    scans = []
    if rng.random() < 0.95:
        scans.append(Assessment(c1d1 - timedelta(days=rng.randint(0, 27)), tuple(baseline_lesions),
                                rng.choice(["none", "non_cr_non_pd"])))
    sizes = {lesion.lesion_id: lesion.diameter_mm for lesion in baseline_lesions}
    trend, day = rng.uniform(-0.3, 0.25), 0
    for _ in range(rng.randint(0, 12)):
        day += rng.choice([0, 14, 28, 35, 42, 42, 42, 84, 126])
        sizes = {k: max(0.0, round(v * (1 + trend + rng.uniform(-0.1, 0.1)), 1)) for k, v in sizes.items()}
        scans.append(_scan(rng, c1d1 + timedelta(days=max(day, 1)), baseline_lesions, sizes))
    rng.shuffle(scans)
    death = c1d1 + timedelta(days=rng.randint(0, 900)) if rng.random() < 0.5 else None
    contacts = tuple(c1d1 + timedelta(days=rng.randint(0, 900)) for _ in range(rng.randint(0, 6)))
    schedule = rng.choice([{}, {"imaging_interval_days": 56},
                           {"scheduled_imaging_dates": tuple(c1d1 + timedelta(days=42 * k) for k in (3, 1, 2, 4))}])
    progression = c1d1 + timedelta(days=rng.randint(20, 600)) if rng.random() < 0.2 else None
    return PatientEndpointData(f"P{index:04d}", c1d1, CUTOFF, tuple(scans), death, contacts, **schedule,
                               progression_event_date=progression)


def as_scan_values(data: PatientEndpointData) -> PatientEndpointData:
    """The same patient with scans as the API's plain tuples."""
    scans = tuple(ScanValues(a.date, tuple(LesionValues(lesion.lesion_id, lesion.organ, lesion.nodal,
                                                        lesion.diameter_mm, lesion.too_small_to_measure)
                                           for lesion in a.target_lesions), a.non_target, a.new_lesions,
                             a.new_lesion_sites, a.non_target_liver)
                  for a in data.assessments)
    return PatientEndpointData(data.patient_id, data.c1d1, data.cutoff, scans, data.death_date, data.contact_dates,
                               data.scheduled_imaging_dates, data.imaging_interval_days, data.imaging_window_days,
                               data.progression_event_date)


@pytest.fixture(scope="module")
def patients():
    rng = random.Random(20260302)
    return [random_patient(rng, i) for i in range(400)]


def test_bulk_endpoints_equal_the_rich_path(patients):
    rich = [derive_patient_endpoints(p) for p in patients]
    assert derive_all_endpoints(patients) == rich
    assert derive_all_endpoints([as_scan_values(p) for p in patients]) == rich


def test_the_random_patients_cover_the_branches(patients):
    """Guard the generator: the comparison above means little without these cases."""
    rich = [derive_patient_endpoints(p) for p in patients]
    responses = {e.best_overall_response for e in rich}
    assert {"CR", "PR", "SD", "PD", "NE", "NON_CR_NON_PD"} <= responses
    assert any(e.dor is not None and not e.dor.event for e in rich)
    assert any("missed assessments" in e.pfs.reason for e in rich)
    assert any(e.pfs.reason == "no baseline assessment" for e in rich)
    assert any(e.liver_responder for e in rich) and any(e.liver_evaluable and not e.liver_responder for e in rich)
    assert any(e.pfs.reason == "clinical progression without a PD scan" for e in rich)
    assert any(e.pfssens.reason == "clinical progression" for e in rich)
    assert any(e.response_start_date and e.ttr.date == e.response_start_date for e in rich)


def test_summary_matches_the_series_with_a_different_confirmation_rule(patients):
    for data in patients[:100]:
        series = evaluate_series(data.c1d1, data.assessments, 56, 84)
        summary = summarize_series(data.c1d1, data.assessments, 56, 84)
        assert (summary.best_overall_response, summary.confirmed, summary.first_response_date,
                summary.progression_date, summary.liver_best_response, summary.liver_confirmed,
                summary.liver_first_response_date) == (
            series.best_overall_response, series.confirmed, series.first_response_date,
            series.progression_date, series.liver_best_response, series.liver_confirmed,
            series.liver_first_response_date)
        assert summary.measurable_at_baseline == series.measurable_at_baseline
        assert summary.liver_measurable_at_baseline == series.liver_measurable_at_baseline
        assert summary.adequate_dates == tuple(t.date for t in series.timepoints if t.overall_response != "NE")


def test_missed_protocol_assessments_by_bisection_equal_the_date_scan():
    rng = random.Random(7)
    for _ in range(2000):
        c1d1 = START + timedelta(days=rng.randrange(0, 400))
        until = c1d1 + timedelta(days=rng.randint(-10, 900))
        last_adequate = c1d1 + timedelta(days=rng.randint(0, 800))
        event = last_adequate + timedelta(days=rng.randint(0, 400))
        window = rng.choice([0, 3, 7, 14])
        expected = missed_assessments_between(protocol_imaging_dates(c1d1, until), last_adequate, event, window)
        assert missed_protocol_assessments(c1d1, until, last_adequate, event, window) == expected
