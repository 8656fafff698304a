"""Kaplan-Meier estimator that reproduces R ``survival::survfit`` (conf.type = "log").

- Survival: product-limit over the distinct observed times (event and censoring times).
- Variance: Greenwood, reported like R as the standard error of the cumulative hazard,
  ``sqrt(sum d / (n (n - d)))``.
- Pointwise CI, log transform: ``S * exp(+-z * se)``, the upper limit capped at 1; no
  limits where S = 0 (R gives NA there).
- Quantiles (median): first time the curve reaches the level; where the curve sits
  exactly on the level over an interval, the midpoint of that interval (R's
  ``quantile.survfit`` rule, same tolerance). The CI of a quantile is where the lower and
  upper confidence curves reach the level (Brookmeyer-Crowley as R computes it).

numpy is imported inside the functions so that importing this module stays cheap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

QUANTILE_TOLERANCE = math.sqrt(2.220446049250313e-16)  # R: sqrt(.Machine$double.eps)


@dataclass(frozen=True)
class KaplanMeierCurve:
    """The fitted curve at each distinct observed time (like R's survfit object)."""

    times: tuple[float, ...]
    n_at_risk: tuple[int, ...]
    n_events: tuple[int, ...]
    n_censored: tuple[int, ...]
    survival: tuple[float, ...]
    std_err: tuple[float, ...]  # standard error of the cumulative hazard (R's std.err)
    lower: tuple[float, ...]  # nan where undefined
    upper: tuple[float, ...]
    conf_level: float

    @property
    def n(self) -> int:
        """Number of subjects."""
        return self.n_at_risk[0] if self.n_at_risk else 0

    @property
    def events(self) -> int:
        """Number of events."""
        return sum(self.n_events)

    @property
    def last_time(self) -> float | None:
        """The largest observed time (event or censoring)."""
        return self.times[-1] if self.times else None


def kaplan_meier(times, events, conf_level: float = 0.95) -> KaplanMeierCurve:
    """Fit the Kaplan-Meier curve to follow-up ``times`` and event flags (1/True = event)."""
    import numpy as np

    t = np.asarray(times, dtype=float)
    e = np.asarray(events, dtype=bool)
    if t.shape != e.shape:
        raise ValueError("times and events must have the same length")
    distinct, position = np.unique(t, return_inverse=True)
    deaths = np.bincount(position, weights=e, minlength=len(distinct))
    leaving = np.bincount(position, minlength=len(distinct))
    at_risk = len(t) - np.cumsum(leaving) + leaving  # still under observation just before each time
    survival, se = _product_limit(np, at_risk, deaths)
    lower, upper = _log_confidence_band(np, survival, se, conf_level)
    return KaplanMeierCurve(
        tuple(distinct.tolist()), tuple(int(x) for x in at_risk), tuple(int(x) for x in deaths),
        tuple(int(x) for x in leaving - deaths), tuple(survival.tolist()), tuple(se.tolist()),
        tuple(lower.tolist()), tuple(upper.tolist()), conf_level,
    )


def _product_limit(np, at_risk, deaths):
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - deaths / at_risk)
        greenwood = np.cumsum(np.where(deaths > 0, deaths / (at_risk * (at_risk - deaths)), 0.0))
    return survival, np.sqrt(greenwood)


def _log_confidence_band(np, survival, se, conf_level):
    z = NormalDist().inv_cdf(0.5 + conf_level / 2)
    defined = (survival > 0) & np.isfinite(se)
    with np.errstate(over="ignore", invalid="ignore"):
        lower = np.where(defined, survival * np.exp(-z * se), np.nan)
        upper = np.where(defined, np.minimum(1.0, survival * np.exp(z * se)), np.nan)
    return lower, upper


def survival_at(curve: KaplanMeierCurve, time: float) -> tuple[float, float, float] | None:
    """(S, lower, upper) at ``time``; None beyond the last observed time (R gives NA)."""
    if curve.last_time is None or time > curve.last_time:
        return None
    index = _last_index_at_or_before(curve.times, time)
    if index is None:
        return 1.0, 1.0, 1.0
    return curve.survival[index], curve.lower[index], curve.upper[index]


def _last_index_at_or_before(times, time) -> int | None:
    from bisect import bisect_right

    position = bisect_right(times, time)
    return position - 1 if position else None


def quantile_time(curve: KaplanMeierCurve, level: float = 0.5, values=None) -> float | None:
    """First time the curve (or the given band ``values``) falls to ``level``, with R's midpoint rule.

    ``level`` is a survival probability: 0.5 for the median. None when not reached.
    """
    values = curve.survival if values is None else values
    steps = _distinct_steps(curve.times, values)
    tol = QUANTILE_TOLERANCE
    reached = next((i for i, (_, s) in enumerate(steps) if s <= level + tol), None)
    if reached is None:
        return None
    below = next((i for i, (_, s) in enumerate(steps) if s <= level - tol), None)
    if below is not None:
        return (steps[reached][0] + steps[below][0]) / 2
    if abs(steps[-1][1] - level) < tol:  # flat exactly at the level until the last time
        return (steps[reached][0] + curve.last_time) / 2
    return None


def _distinct_steps(times, values) -> list[tuple[float, float]]:
    """(time, value) where the value first changes, starting from (0, 1); NaN skipped."""
    steps = [(0.0, 1.0)]
    for time, value in zip(times, values):
        if not math.isnan(value) and value != steps[-1][1]:
            steps.append((time, value))
    return steps


def median_with_ci(curve: KaplanMeierCurve) -> tuple[float | None, float | None, float | None]:
    """Median and its CI: (median, lower, upper), None where not reached."""
    return (quantile_time(curve, 0.5), quantile_time(curve, 0.5, curve.lower),
            quantile_time(curve, 0.5, curve.upper))
