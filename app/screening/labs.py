"""Screening lab values: explicit unit normalisation to one canonical unit per test.

Never guess: a unit that is not in a test's table raises `UnknownUnit` (the API answers 422),
and a test measured against the site's reference range needs its `uln`, else
`MissingReferenceRange`. Spelling variants (µ/μ/u, ×/x, superscripts, case, spaces) are
folded before the lookup; the meaning of a unit is always read per test, which is how
"G/L" (giga per litre, a cell count) and "g/L" (grams, hemoglobin) stay apart.

Canonical units (PROTOCOL.md "Eligibility"):
  alt, ast, alp, total_bilirubin, pt, inr  × ULN
  wbc, anc, platelets                       ×10⁹/L
  hemoglobin g/L · bun mg/dL · creatinine mg/dL · hbv_dna IU/mL
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.screening.lab_units import (CANONICAL_UNIT, FOLDED_FACTORS, INR_ASSUMED_ULN, RATIO_UNITS, REJECTED_UNITS,
                                     TIMES_ULN, UNIT_FACTORS, fold_unit)

LAB_TESTS = tuple(CANONICAL_UNIT)


class LabUnitError(ValueError):
    """A lab entry that cannot be normalised without guessing (the caller answers 422)."""

    def __init__(self, test: str, message: str):
        super().__init__(message)
        self.test = test


class UnknownTest(LabUnitError):
    """The test name is not one of the screening tests."""

    def __init__(self, test: str):
        super().__init__(test, f"Unknown lab test {test!r}; expected one of: {', '.join(LAB_TESTS)}.")


class UnknownUnit(LabUnitError):
    """The unit is not one we convert for this test; `accepted` lists the ones we do."""

    def __init__(self, test: str, unit: str, accepted: Iterable[str], hint: str = ""):
        self.unit = unit
        self.accepted = list(accepted)
        message = f"Unit {unit!r} is not accepted for {test}; use one of: {', '.join(self.accepted)}."
        super().__init__(test, f"{message} {hint}".strip())


class MissingReferenceRange(LabUnitError):
    """A test judged against the upper limit of normal arrived without its `uln`."""

    def __init__(self, test: str, unit: str):
        self.unit = unit
        super().__init__(test, f"{test} in {unit} needs the site's upper limit of normal (uln), "
                               f"or send the value in xULN.")


class DuplicateLab(LabUnitError):
    """The same test sent twice: choosing one would be a guess."""

    def __init__(self, test: str):
        super().__init__(test, f"{test} was sent more than once; send one value per test.")


@dataclass(frozen=True)
class LabValue:
    """One lab result in its canonical unit. `entered` echoes what was typed ("120 U/L, ULN 40")
    when it differs from the canonical value, else ""; `uln_assumed` marks an INR without ULN."""
    test: str
    value: float
    unit: str
    entered: str
    uln_assumed: bool = False


def accepted_units(test: str) -> list[str]:
    """The unit spellings we accept for `test`, as a user would type them."""
    return list(UNIT_FACTORS[test])


def normalise_lab(entry: Mapping) -> LabValue:
    """Convert one `{"test", "value", "unit", "uln"?}` entry to its canonical unit."""
    test = entry.get("test")
    if test not in CANONICAL_UNIT:
        raise UnknownTest(str(test))
    unit = str(entry.get("unit") or "")
    value = float(entry["value"])
    if CANONICAL_UNIT[test] == TIMES_ULN:
        return _times_uln(test, value, unit, entry.get("uln"))
    return _absolute(test, value, unit)


def normalise_labs(entries: Iterable[Mapping] | None) -> dict[str, LabValue]:
    """Normalise a `facts["labs"]` list into {test: LabValue}; entries without a value are absent."""
    values: dict[str, LabValue] = {}
    for entry in entries or ():
        if entry.get("value") is None:
            continue
        lab = normalise_lab(entry)
        if lab.test in values:
            raise DuplicateLab(lab.test)
        values[lab.test] = lab
    return values


def lab_values(facts: Mapping) -> Mapping[str, LabValue]:
    """`facts["labs"]` as {test: LabValue}: normalised here from the API's list, or passed
    through when `eligibility.evaluate` has already normalised it once for all criteria."""
    labs = facts.get("labs")
    return labs if isinstance(labs, Mapping) else normalise_labs(labs)


def _factor(test: str, unit: str) -> float:
    folded = fold_unit(unit)
    if folded in FOLDED_FACTORS[test]:
        return FOLDED_FACTORS[test][folded]
    raise UnknownUnit(test, unit, accepted_units(test), REJECTED_UNITS.get((test, folded), ""))


def _absolute(test: str, value: float, unit: str) -> LabValue:
    factor = _factor(test, unit)
    canonical = CANONICAL_UNIT[test]
    if callable(factor):
        return LabValue(test, factor(value), canonical, f"{_plain(value)} {unit}")
    entered = "" if factor == 1.0 else f"{_plain(value)} {unit}"
    return LabValue(test, value * factor, canonical, entered)


def _times_uln(test: str, value: float, unit: str, uln) -> LabValue:
    _factor(test, unit)  # validates the unit; ratios need no factor, only the reference range
    if fold_unit(unit) == fold_unit(TIMES_ULN):
        return LabValue(test, value, TIMES_ULN, "")
    if uln is None and test == "inr" and fold_unit(unit) in RATIO_UNITS:
        return LabValue(test, value / INR_ASSUMED_ULN, TIMES_ULN,
                        f"INR {_plain(value)}, ULN {_plain(INR_ASSUMED_ULN)} assumed", uln_assumed=True)
    if uln is None or float(uln) <= 0:
        raise MissingReferenceRange(test, unit)
    return LabValue(test, value / float(uln), TIMES_ULN, f"{_plain(value)} {unit}, ULN {_plain(float(uln))}")


def _plain(number: float) -> str:
    """12.0 -> "12", 1.25 -> "1.25": echo the entered number without float noise."""
    return f"{number:.6g}"
