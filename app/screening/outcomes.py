"""The result of one eligibility criterion, and how a rule turns what it found into one.

Semantics of `met` (the API's `criteria[].met`):
  inclusion (I1..I9): True = satisfied, False = not satisfied (ineligible), None = undecided;
  exclusion (E1..E9): True = the exclusion applies (ineligible), False = it does not, None = undecided.
So `met` always answers the criterion's own question, exactly as the registry words it.
"""
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CriterionResult:
    """One criterion's verdict; `findings` holds one nurse-readable line per problem found."""
    id: str
    met: bool | None
    reason: str
    missing: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return "inclusion" if self.id.startswith("I") else "exclusion"

    @property
    def failed(self) -> bool:
        """True when this criterion, on known facts, makes the candidate ineligible."""
        return self.met is (self.kind == "exclusion")


def judge(criterion_id: str, findings: Iterable[str], missing: Iterable[str], clear_reason: str) -> CriterionResult:
    """Decide from what a rule found: any finding decides against the candidate even when
    other facts are missing (more facts cannot undo it); otherwise missing facts leave it
    undecided; otherwise the criterion is cleared with `clear_reason`."""
    findings, missing = tuple(findings), tuple(missing)
    exclusion = criterion_id.startswith("E")
    if findings:
        return CriterionResult(criterion_id, exclusion, _joined(findings, missing), missing, findings)
    if missing:
        return CriterionResult(criterion_id, None, "Missing: " + ", ".join(missing), missing)
    return CriterionResult(criterion_id, not exclusion, clear_reason)


def _joined(findings: tuple[str, ...], missing: tuple[str, ...]) -> str:
    text = "; ".join(findings)
    return f"{text}; also missing: {', '.join(missing)}" if missing else text


def absent(facts: Mapping, *keys: str) -> list[str]:
    """The keys whose value is not known (absent or None)."""
    return [key for key in keys if facts.get(key) is None]


def as_date(value) -> date | None:
    """A date from a date or an ISO string (facts are validated, but may come from storage)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def shown(value: float, passes: Callable[[float], bool]) -> str:
    """The value with as many decimals (2 to 6) as it takes for the printed number to fall on
    the same side of the limit as the real one: 2.499 × ULN never reads "2.5"."""
    decimals = 2
    while decimals < 6 and passes(round(value, decimals)) != passes(value):
        decimals += 1
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")
