"""The HAIC go/no-go before a session, as a pure function over plain data.

Source: PROTOCOL.md "Symptoms and CTCAE v5.0" (pre-cycle limits: ANC ≥ 1.5 ×10⁹/L, platelets
≥ 75 ×10⁹/L, ALT/AST < 5 × ULN, total bilirubin < 1.5 × ULN, creatinine < 1.5 × ULN, in the
protocol definition) and API.md "Second wave" (window D1 − 3 … D1 inclusive; statuses `ready`,
`labs_missing`, `hold`, `not_applicable`). For each limited test the latest result in the window
counts; a failing value holds the session even when other tests are missing.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.schedules.protocol_fields import ProtocolError
from app.screening.lab_limits import LabLimit
from app.screening.outcomes import shown

READY, LABS_MISSING, HOLD, NOT_APPLICABLE = "ready", "labs_missing", "hold", "not_applicable"
TIMES_ULN = "× ULN"
NOT_APPLICABLE_STATE = {"status": NOT_APPLICABLE, "failing": [], "missing": []}


@dataclass(frozen=True)
class PreCycleRule:
    """The protocol's pre-cycle limits: results from D1 − `days_before` to D1 count."""
    days_before: int
    limits: tuple[LabLimit, ...]

    @property
    def tests(self) -> tuple[str, ...]:
        return tuple(limit.test for limit in self.limits)

    def window(self, d1: date) -> tuple[date, date]:
        return d1 - timedelta(days=self.days_before), d1


@dataclass(frozen=True)
class Point:
    """One stored result as readiness reads it: `value` in the limit's unit (SI or × ULN)."""
    test: str
    collected_on: date
    value_si: float
    times_uln: float | None
    result_id: int = 0


def parse_rule(data: Mapping) -> PreCycleRule:
    """`labs.pre_cycle` of a protocol YAML → PreCycleRule; ProtocolError names the bad field."""
    days = data.get("days_before")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise ProtocolError(f"labs.pre_cycle.days_before: expected an integer >= 0, got {days!r}")
    return PreCycleRule(days, tuple(_limit(raw, i) for i, raw in enumerate(data.get("limits") or ())))


def _limit(raw: Mapping, index: int) -> LabLimit:
    where = f"labs.pre_cycle.limits[{index}]"
    if not isinstance(raw, Mapping) or ("at_least" in raw) == ("below" in raw):
        raise ProtocolError(f"{where}: expected test, label, unit and one of at_least/below")
    upper = "below" in raw
    bound = raw["below"] if upper else raw["at_least"]
    if not isinstance(bound, (int, float)) or isinstance(bound, bool):
        raise ProtocolError(f"{where}: the bound must be a number, got {bound!r}")
    return LabLimit(str(raw["test"]), str(raw.get("label") or raw["test"]), float(bound), str(raw["unit"]), upper)


def readiness(kind: str, d1: date, points: Iterable[Point], rule: PreCycleRule) -> dict:
    """`{"status", "failing": [{"test", "value", "unit", "limit", "collected_on"}], "missing": [test]}`
    for a visit of `kind` on `d1`; `not_applicable` unless it is a HAIC session."""
    if kind != "haic":
        return dict(NOT_APPLICABLE_STATE)
    latest = latest_in_window(points, *rule.window(d1))
    failing = [_failure(limit, latest[limit.test]) for limit in rule.limits
               if limit.test in latest and not limit.passes(_compared(limit, latest[limit.test]))]
    missing = [limit.test for limit in rule.limits if limit.test not in latest]
    status = HOLD if failing else LABS_MISSING if missing else READY
    return {"status": status, "failing": failing, "missing": missing}


def latest_in_window(points: Iterable[Point], first: date, last: date) -> dict[str, Point]:
    """The latest point per test collected on [first, last] (ties: the later-recorded one)."""
    latest: dict[str, Point] = {}
    for point in points:
        if first <= point.collected_on <= last:
            best = latest.get(point.test)
            if best is None or (point.collected_on, point.result_id) > (best.collected_on, best.result_id):
                latest[point.test] = point
    return latest


def _compared(limit: LabLimit, point: Point) -> float:
    """The value in the limit's unit; a × ULN limit on a result without a ULN cannot pass."""
    if limit.unit == TIMES_ULN:
        return point.times_uln if point.times_uln is not None else float("inf")
    return point.value_si


def _failure(limit: LabLimit, point: Point) -> dict:
    value = _compared(limit, point)
    return {"test": limit.test, "value": float(shown(value, limit.passes)), "unit": limit.unit,
            "limit": f"{'<' if limit.upper else '≥'} {limit.bound:g} {limit.unit}",
            "collected_on": point.collected_on.isoformat()}
