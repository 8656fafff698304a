"""Time-point response: target rules, PROTOCOL.md boundaries, RECIST Tables 1 and 2."""
from datetime import date

import pytest

from app.assessments.recist import (
    CR, NE, NON_CR_NON_PD, PD, PR, SD, Assessment, Lesion, overall_response, target_response,
    timepoint_response,
)

BASE_DAY = date(2024, 1, 1)
SCAN_DAY = date(2024, 2, 12)


def liver(lid, mm, **kw):
    return Lesion(lid, "liver", False, mm, **kw)


def node(lid, mm):
    return Lesion(lid, "node", True, mm)


@pytest.mark.parametrize("baseline_mm, nadir, today_mm, expected", [
    (50, 50, 35, PR),       # PROTOCOL: 50 -> 35 is exactly -30 %: PR
    (50, 50, 35.1, SD),
    (20, 20, 24, SD),       # PROTOCOL: nadir 20 -> 24 is +20 % but only 4 mm: not PD
    (30, 30, 36, PD),       # PROTOCOL: nadir 30 -> 36 is +20 % and 6 mm: PD
    (30, 30, 35.9, SD),     # +5.9 mm but under 20 %
    (100, 30, 36, PD),      # PD is measured from the nadir, not from baseline
    (100, 30, 35, PR),      # still -65 % vs baseline, +16.7 % vs nadir
    (40, 0, 5, PD),         # after CR, a 5 mm reappearance is PD (0 -> 5 mm)
    (40, 40, 0, CR),
    (40, 40, 48, PD),
    (40, 40, 47, SD),
])
def test_single_lesion_target_response(baseline_mm, nadir, today_mm, expected):
    assert target_response([liver("L1", baseline_mm)], [liver("L1", today_mm)], nadir) == expected


@pytest.mark.parametrize("today, expected", [
    ([liver("L1", 0), node("N1", 9.9)], CR),                      # nodes < 10 mm count as gone
    ([liver("L1", 0), node("N1", 10)], PR),                       # node still 10 mm: not CR
    ([liver("L1", 0, too_small_to_measure=True), node("N1", 5)], PR),  # too small is not gone
    ([liver("L1", None), node("N1", 5)], NE),                     # one lesion not evaluated
    ([node("N1", 5)], NE),                                        # one lesion not reported
    ([liver("L1", None), node("N1", 60)], PD),                    # PD already shown by N1 alone
    ([liver("L1", None), node("N1", 59.9)], NE),
    ([liver("L1", 30), node("N1", 20), Lesion("X9", "lung", False, 99)], SD),  # unknown id ignored
])
def test_target_response_with_nodes_and_missing_lesions(today, expected):
    baseline = [liver("L1", 30), node("N1", 20)]
    assert target_response(baseline, today, nadir_sum=50) == expected


def test_no_baseline_targets_means_no_target_response():
    assert target_response([], [], 0) is None


# RECIST 1.1 Table 1: patients with target (+/- non-target) disease.
@pytest.mark.parametrize("target, non_target, new, expected", [
    (CR, CR, False, CR),
    (CR, None, False, CR),                # no non-target lesions at baseline
    (CR, NON_CR_NON_PD, False, PR),
    (CR, NE, False, PR),
    (PR, NON_CR_NON_PD, False, PR),
    (PR, NE, False, PR),
    (PR, CR, False, PR),
    (SD, NON_CR_NON_PD, False, SD),
    (SD, NE, False, SD),
    (NE, NON_CR_NON_PD, False, NE),
    (NE, CR, False, NE),
    (PD, CR, False, PD),
    (PD, NE, True, PD),
    (CR, PD, False, PD),
    (SD, PD, True, PD),
    (CR, CR, True, PD),
    (NE, NE, True, PD),
])
def test_recist_table_1(target, non_target, new, expected):
    assert overall_response(target, non_target, new) == expected


# RECIST 1.1 Table 2: non-target disease only.
@pytest.mark.parametrize("non_target, new, expected", [
    (CR, False, CR),
    (NON_CR_NON_PD, False, NON_CR_NON_PD),
    (NE, False, NE),
    (PD, False, PD),
    (PD, True, PD),
    (CR, True, PD),
    (NON_CR_NON_PD, True, PD),
    (None, False, NE),   # neither target nor non-target disease: nothing to evaluate
])
def test_recist_table_2(non_target, new, expected):
    assert overall_response(None, non_target, new) == expected


def test_timepoint_response_reports_sums_changes_and_liver():
    baseline = Assessment(BASE_DAY, (liver("L1", 30), liver("L2", 20), node("N1", 20)), "non_cr_non_pd")
    today = Assessment(SCAN_DAY, (liver("L1", 15), liver("L2", 10), node("N1", 35)), "non_cr_non_pd")
    result = timepoint_response(baseline, 70, today)
    assert (result.overall_response, result.target_response, result.non_target_response) == (SD, SD, NON_CR_NON_PD)
    assert result.sum_mm == 60 and result.baseline_sum_mm == 70 and result.nadir_sum_mm == 70
    assert result.change_from_baseline_pct == pytest.approx(-14.286, abs=1e-3)
    assert result.change_from_nadir_pct == pytest.approx(-14.286, abs=1e-3)
    # the liver lesions alone went from 50 to 25 mm: a liver PR inside an overall SD
    assert result.liver_response == PR and result.liver_sum_mm == 25
    assert result.all_targets_evaluated


def test_timepoint_new_lesion_is_pd_whatever_the_targets():
    baseline = Assessment(BASE_DAY, (liver("L1", 40),), "none")
    today = Assessment(SCAN_DAY, (liver("L1", 0),), "none", new_lesions=True, new_lesion_sites=("extrahepatic",))
    result = timepoint_response(baseline, 40, today)
    # A new extrahepatic lesion is overall PD, not liver PD (PROTOCOL.md liver response).
    assert (result.target_response, result.overall_response, result.liver_response) == (CR, PD, CR)


def test_timepoint_without_liver_targets_has_no_liver_response():
    baseline = Assessment(BASE_DAY, (node("N1", 20),), "none")
    result = timepoint_response(baseline, 20, Assessment(SCAN_DAY, (node("N1", 20),), "none"))
    assert result.liver_response is None and result.liver_sum_mm is None


def test_timepoint_non_target_only_disease():
    baseline = Assessment(BASE_DAY, (), "non_cr_non_pd")
    result = timepoint_response(baseline, 0, Assessment(SCAN_DAY, (), "cr"))
    assert (result.target_response, result.overall_response, result.sum_mm) == (None, CR, None)
