"""KM, medians, landmarks, reverse KM and Clopper-Pearson against R's published numbers."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from app.efficacy.km import kaplan_meier, median_with_ci, quantile_time, survival_at
from app.efficacy.statistics import (
    KM_METHOD, clopper_pearson, median_follow_up, rate_with_ci, summarize_survival,
)

_spec = importlib.util.spec_from_file_location("shared_data", Path(__file__).with_name("shared_data.py"))
shared_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shared_data)


def test_lung_reference_matches_r_survfit():
    times, dead = shared_data.lung_time_status()
    summary = summarize_survival(times, dead)
    assert (summary.n, summary.events) == (228, 165)
    assert (summary.median_days, summary.ci_lower_days, summary.ci_upper_days) == (310, 285, 363)
    one_year = next(lm for lm in summary.landmarks if lm.months == 12)
    assert one_year.days == 365
    assert (round(one_year.survival, 3), round(one_year.ci_lower, 3), round(one_year.ci_upper, 3)) == (
        0.409, 0.345, 0.486)
    assert summary.method == KM_METHOD


def test_lung_survival_agrees_with_lifelines_point_estimates():
    lifelines = pytest.importorskip("lifelines")
    times, dead = shared_data.lung_time_status()
    curve = kaplan_meier(times, dead)
    fitter = lifelines.KaplanMeierFitter().fit(times, dead)
    expected = fitter.survival_function_.iloc[1:, 0].tolist()  # lifelines adds time 0
    assert curve.survival == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("times, events, median", [
    ([1, 2, 3, 4], [1, 1, 1, 1], 2.5),             # S = 0.5 exactly on [2, 3): midpoint
    ([1, 2, 3, 4], [1, 1, 0, 0], 3.0),             # flat at 0.5 to the end: midpoint with last time
    ([1, 2, 3, 4, 5], [1, 1, 1, 1, 1], 3.0),       # S jumps from 0.6 to 0.4 at 3
    ([1, 2, 3, 4], [1, 0, 0, 0], None),            # never reaches 0.5
    ([5, 5, 5, 9], [1, 1, 0, 1], 7.0),             # 2 tied deaths of 4: S = 0.5 on [5, 9)
    ([5, 5, 5, 9], [1, 1, 1, 0], 5.0),             # 3 tied deaths of 4: S = 0.25 at 5
])
def test_median_and_midpoint_rule(times, events, median):
    assert quantile_time(kaplan_meier(times, events)) == median


def test_greenwood_standard_error_and_log_band_by_hand():
    # n = 5: deaths at 2 (n=5) and 4 (n=3, after a censoring at 3)
    curve = kaplan_meier([2, 3, 4, 6, 7], [1, 0, 1, 0, 0])
    assert curve.n_at_risk == (5, 4, 3, 2, 1)
    assert curve.survival == pytest.approx((0.8, 0.8, 0.8 * 2 / 3, 0.8 * 2 / 3, 0.8 * 2 / 3))
    greenwood = 1 / (5 * 4) + 1 / (3 * 2)
    assert curve.std_err[2] == pytest.approx(greenwood ** 0.5)
    s = 0.8 * 2 / 3
    assert curve.lower[2] == pytest.approx(s * 2.718281828459045 ** (-1.959963984540054 * greenwood ** 0.5))
    assert curve.upper[0] == 1.0  # capped at 1 like R


def test_censoring_tied_with_a_death_counts_as_at_risk_like_r():
    # R: a subject censored at t is at risk at t (censoring happens just after deaths)
    curve = kaplan_meier([3, 3, 3, 5], [1, 0, 0, 1])
    assert (curve.times, curve.n_at_risk, curve.n_events, curve.n_censored) == (
        (3.0, 5.0), (4, 1), (1, 1), (2, 0))
    assert curve.survival == pytest.approx((0.75, 0.0))


def test_empty_curve():
    curve = kaplan_meier([], [])
    assert (curve.times, curve.n, curve.events, curve.last_time) == ((), 0, 0, None)


def test_limits_are_undefined_once_survival_is_zero():
    curve = kaplan_meier([1, 2], [1, 1])
    assert curve.survival[-1] == 0 and curve.lower[-1] != curve.lower[-1]  # NaN


@pytest.mark.parametrize("time, expected", [
    (0.5, (1.0, 1.0, 1.0)), (2, 0.8), (3.9, 0.8), (7, 0.8 * 2 / 3), (7.1, None),
])
def test_survival_at_landmark_times(time, expected):
    curve = kaplan_meier([2, 3, 4, 6, 7], [1, 0, 1, 0, 0])
    result = survival_at(curve, time)
    if isinstance(expected, float):
        assert result[0] == pytest.approx(expected)
    else:
        assert result == expected


def test_summary_landmarks_are_none_beyond_follow_up():
    summary = summarize_survival([100, 200, 300], [1, 0, 0])
    assert [(lm.months, lm.survival is None) for lm in summary.landmarks] == [(6, False), (12, True), (24, True)]
    assert summary.median_days is None and summary.as_dict()["median_days"] is None


def test_empty_summary():
    summary = summarize_survival([], [])
    assert (summary.n, summary.events, summary.median_days) == (0, 0, None)


def test_median_follow_up_uses_reverse_km():
    # deaths at 1 and 4 are censorings for follow-up; censorings at 2, 3 are the events
    follow_up = median_follow_up([1, 2, 3, 4], [1, 0, 0, 1])
    assert follow_up.events == 2 and follow_up.median_days == 3.0
    assert "reverse" in follow_up.method


@pytest.mark.parametrize("k, n, lower, upper", [
    (5, 25, 0.0683, 0.4070), (0, 25, 0.0, 0.1372), (12, 25, 0.2780, 0.6869),
    (25, 25, 0.8628, 1.0), (1, 1, 0.025, 1.0),
])
def test_clopper_pearson_reference_values(k, n, lower, upper):
    assert tuple(round(x, 4) for x in clopper_pearson(k, n)) == (lower, upper)


@pytest.mark.parametrize("k, n", [(3, 0), (-1, 5), (6, 5)])
def test_clopper_pearson_rejects_impossible_counts(k, n):
    with pytest.raises(ValueError):
        clopper_pearson(k, n)


def test_rate_with_nobody_evaluable_is_none():
    rate = rate_with_ci(0, 0)
    assert (rate.rate, rate.ci_lower, rate.ci_upper) == (None, None, None)
    assert rate_with_ci(5, 25).as_dict()["rate"] == 0.2


def test_importing_statistics_does_not_import_heavy_libraries():
    repo = Path(__file__).resolve().parents[2]
    code = ("import sys, app.efficacy.statistics, app.efficacy.derivation, app.efficacy.plots;"
            "print(sorted(m for m in ('lifelines', 'scipy', 'matplotlib', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_median_with_ci_on_tiny_sample_matches_r():
    # S = .8 .6 .4 .2 0; lower band first <= 0.5 at t=2 (0.293; 0.516 at t=1); the
    # upper band stays capped at 1 until S = 0 where it is undefined: upper limit NA.
    assert median_with_ci(kaplan_meier([1, 2, 3, 4, 5], [1] * 5)) == (3.0, 2.0, None)
