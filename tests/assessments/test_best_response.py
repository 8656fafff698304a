"""Best overall response (RECIST Table 3, confirmation) and whole-series evaluation."""
from datetime import date, timedelta

import pytest

from app.assessments.recist import (
    CR, NE, NON_CR_NON_PD, PD, PR, SD, Assessment, Lesion, best_overall_response, evaluate_series,
)

C1D1 = date(2024, 3, 1)


def day(n):
    return C1D1 + timedelta(days=n)


# RECIST 1.1 Table 3, each row twice: SD-duration met (first scan on day 42) and not met
# (scans on days 10 and 40 with min_sd_days 42). Second scan 28+ days after the first.
# (The protocol's own SD minimum is study day 36; see test_sd_counts_from_study_day_36.)
@pytest.mark.parametrize("first, second, if_sd_met, if_sd_not_met", [
    (CR, CR, CR, CR),
    (CR, PR, PR, PR),     # footnote: the first "CR" read as a PR, confirmed by the PR
    (CR, SD, SD, PD),
    (CR, PD, SD, PD),
    (CR, NE, SD, NE),
    (PR, CR, PR, PR),
    (PR, PR, PR, PR),
    (PR, SD, SD, NE),     # Table 3 assumes SD duration met; otherwise nothing qualifies
    (PR, PD, SD, PD),
    (PR, NE, SD, NE),
    (NE, NE, NE, NE),
])
def test_recist_table_3(first, second, if_sd_met, if_sd_not_met):
    met = best_overall_response(C1D1, [(day(42), first), (day(84), second)])
    not_met = best_overall_response(C1D1, [(day(10), first), (day(40), second)], confirm_days=28,
                                    min_sd_days=42)
    assert (met.response, not_met.response) == (if_sd_met, if_sd_not_met)


@pytest.mark.parametrize("points, expected, confirmed, first_date", [
    ([(day(42), PR), (day(69), PR)], SD, False, day(42)),          # 27 days: not confirmed
    ([(day(42), PR), (day(70), PR)], PR, True, day(42)),           # 28 days: confirmed
    ([(day(42), PR), (day(60), NE), (day(84), PR)], PR, True, day(42)),  # NE in between allowed
    ([(day(42), PR), (day(60), SD), (day(84), PR)], SD, False, day(42)),  # SD in between breaks it
    ([(day(42), SD), (day(84), PR), (day(126), PR)], PR, True, day(84)),
    ([(day(42), CR), (day(84), CR)], CR, True, day(42)),
    ([(day(42), PR), (day(84), CR), (day(126), CR)], CR, True, day(42)),  # response starts at the PR
    ([(day(42), PR), (day(84), PD), (day(126), PR), (day(168), PR)], SD, False, day(42)),  # after PD ignored
    ([(day(34), SD)], NE, False, None),                            # study day 35: too early for SD
    ([(day(35), SD)], SD, False, None),                            # study day 36 counts
    ([(day(42), SD)], SD, False, None),
    ([(day(30), SD), (day(50), PD)], PD, False, None),
    ([], NE, False, None),
])
def test_confirmation_and_sd_duration(points, expected, confirmed, first_date):
    best = best_overall_response(C1D1, points)
    assert (best.response, best.confirmed) == (expected, confirmed)
    assert best.first_response_date == first_date


def test_configurable_confirmation_and_sd_windows():
    points = [(day(30), PR), (day(44), PR)]
    assert best_overall_response(C1D1, points).response == SD
    assert best_overall_response(C1D1, points, confirm_days=14).response == PR
    assert best_overall_response(C1D1, points, min_sd_days=50).response == NE


def test_non_target_only_disease_stable_category():
    points = [(day(42), NON_CR_NON_PD), (day(84), NON_CR_NON_PD)]
    assert best_overall_response(C1D1, points, stable=NON_CR_NON_PD).response == NON_CR_NON_PD


def scan(n, l1, l2, non_target="non_cr_non_pd", new=False):
    lesions = (Lesion("L1", "liver", False, l1), Lesion("N1", "node", True, l2))
    return Assessment(day(n), lesions, non_target, new)


def test_series_tracks_nadir_and_dates_progression_to_first_pd_scan():
    series = evaluate_series(C1D1, [
        scan(84, 20, 15), scan(-10, 50, 20), scan(42, 30, 15), scan(126, 12, 18),
        scan(168, None, 10), scan(210, 20, 16),
    ])
    responses = [t.overall_response for t in series.timepoints]
    # sums 70 | 45 PR | 35 PR | 30 PR (nadir) | NE | 36: +20 % and +6 mm over nadir 30 -> PD
    assert responses == [PR, PR, PR, NE, PD]
    assert [t.nadir_sum_mm for t in series.timepoints] == [70, 45, 35, 30, 30]
    assert (series.best_overall_response, series.confirmed) == (PR, True)
    assert series.first_response_date == day(42)
    assert series.progression_date == day(210)
    assert series.baseline.date == day(-10)


def test_series_ne_scan_does_not_lower_the_nadir():
    series = evaluate_series(C1D1, [scan(-3, 50, 20), scan(42, None, 16), scan(84, 50, 20)])
    assert [t.nadir_sum_mm for t in series.timepoints] == [70, 70]


def test_series_baseline_is_latest_scan_on_or_before_c1d1():
    series = evaluate_series(C1D1, [scan(-20, 10, 15), scan(0, 50, 20), scan(42, 50, 20)])
    assert series.baseline.date == C1D1 and series.timepoints[0].baseline_sum_mm == 70


def test_series_without_baseline_is_not_evaluable():
    series = evaluate_series(C1D1, [scan(42, 30, 15)])
    assert (series.baseline, series.timepoints, series.best_overall_response) == (None, (), NE)
    assert not series.measurable_at_baseline


def test_series_liver_response_uses_liver_lesions_alone():
    # the node grows (overall PD at day 84), the liver lesion shrinks by 60 %
    series = evaluate_series(C1D1, [scan(-1, 50, 50), scan(42, 20, 60), scan(84, 20, 80)])
    assert [t.overall_response for t in series.timepoints] == [SD, PD]
    assert (series.best_overall_response, series.liver_best_response) == (SD, PR)
    assert series.liver_confirmed and series.liver_first_response_date == day(42)
    assert series.liver_measurable_at_baseline


def test_series_without_liver_targets_has_no_liver_best_response():
    node_only = [Assessment(day(-1), (Lesion("N1", "node", True, 20),), "none")]
    series = evaluate_series(C1D1, node_only)
    assert series.liver_best_response is None and not series.liver_measurable_at_baseline
