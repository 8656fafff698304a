"""Survival and rate statistics for the efficacy report, matching R's conventions.

- Time-to-event summaries: Kaplan-Meier (see ``app.efficacy.km``), median with the
  Brookmeyer-Crowley CI on the log scale (R ``survfit`` default ``conf.type = "log"``),
  landmark survival at 6, 12 and 24 months, median follow-up by reverse Kaplan-Meier.
- Rates: exact Clopper-Pearson CI from the beta distribution.

numpy and scipy are imported inside the functions: the API process imports this module
at start-up and must not pay for them (a test checks ``sys.modules``).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from app.efficacy.km import kaplan_meier, median_with_ci, survival_at

KM_METHOD = "Kaplan-Meier; Greenwood variance; Brookmeyer-Crowley CI, log transform"
REVERSE_KM_METHOD = "reverse Kaplan-Meier (censoring as the event)"
RATE_METHOD = "exact Clopper-Pearson"
# Landmarks in days from C1D1 (time = date - C1D1 + 1): 6, 12 and 24 months of
# 365.25/12 days, rounded. 12 months = 365 days as in R examples (lung 1-year survival).
LANDMARK_DAYS = {6: 183, 12: 365, 24: 730}


@dataclass(frozen=True)
class Landmark:
    """Survival probability at a landmark; None values when follow-up is too short."""

    months: int
    days: int
    survival: float | None
    ci_lower: float | None
    ci_upper: float | None


@dataclass(frozen=True)
class SurvivalSummary:
    """One endpoint's KM summary; None where the median or a limit is not reached."""

    n: int
    events: int
    median_days: float | None
    ci_lower_days: float | None
    ci_upper_days: float | None
    method: str
    landmarks: tuple[Landmark, ...] = ()

    def as_dict(self) -> dict:
        """Plain dict for JSON: the API's {n, events, median_days, ...} plus landmarks."""
        return asdict(self)


@dataclass(frozen=True)
class RateEstimate:
    """A proportion with its exact CI; rate and limits are None when nobody is evaluable."""

    responders: int
    n_evaluable: int
    rate: float | None
    ci_lower: float | None
    ci_upper: float | None
    method: str = RATE_METHOD

    def as_dict(self) -> dict:
        """Plain dict for JSON (the API's orr / liver_response_rate shape plus method)."""
        return asdict(self)


def summarize_survival(times, events, landmark_days: dict[int, int] | None = None,
                       conf_level: float = 0.95) -> SurvivalSummary:
    """KM summary of one endpoint: n, events, median with 95 % CI and landmark survival."""
    curve = kaplan_meier(times, events, conf_level)
    median, lower, upper = median_with_ci(curve) if curve.times else (None, None, None)
    landmarks = landmark_survival(curve, LANDMARK_DAYS if landmark_days is None else landmark_days)
    return SurvivalSummary(curve.n, curve.events, median, lower, upper, KM_METHOD, landmarks)


def landmark_survival(curve, landmark_days: dict[int, int]) -> tuple[Landmark, ...]:
    """Survival with CI at each landmark (months -> days); None past the last follow-up."""
    return tuple(_landmark(curve, months, days) for months, days in sorted(landmark_days.items()))


def _landmark(curve, months: int, days: int) -> Landmark:
    estimate = survival_at(curve, days)
    if estimate is None:
        return Landmark(months, days, None, None, None)
    return Landmark(months, days, *(_finite_or_none(value) for value in estimate))


def _finite_or_none(value: float) -> float | None:
    return None if value != value else value  # NaN (undefined limit) becomes None


def median_follow_up(times, events, conf_level: float = 0.95) -> SurvivalSummary:
    """Median follow-up by reverse Kaplan-Meier: censoring is the event, events censor."""
    flipped = [not bool(event) for event in events]
    summary = summarize_survival(times, flipped, landmark_days={}, conf_level=conf_level)
    return SurvivalSummary(summary.n, summary.events, summary.median_days, summary.ci_lower_days,
                           summary.ci_upper_days, REVERSE_KM_METHOD)


def clopper_pearson(successes: int, n: int, conf_level: float = 0.95) -> tuple[float, float]:
    """Exact two-sided Clopper-Pearson interval for ``successes`` out of ``n`` (n > 0)."""
    from scipy.stats import beta

    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes}/{n}")
    alpha = 1 - conf_level
    lower = 0.0 if successes == 0 else float(beta.ppf(alpha / 2, successes, n - successes + 1))
    upper = 1.0 if successes == n else float(beta.ppf(1 - alpha / 2, successes + 1, n - successes))
    return lower, upper


def rate_with_ci(responders: int, n_evaluable: int, conf_level: float = 0.95) -> RateEstimate:
    """Proportion with its exact CI; all None when there is nobody to evaluate."""
    if n_evaluable == 0:
        return RateEstimate(responders, 0, None, None, None)
    lower, upper = clopper_pearson(responders, n_evaluable, conf_level)
    return RateEstimate(responders, n_evaluable, responders / n_evaluable, lower, upper)
