"""A lab result in SI units, on top of the screening's unit rules (`app.screening.labs`).

The screening tables decide what a unit means for a test and refuse what they do not know
(never a guess); this module adds what a result needs beyond screening: the value and the
site's reference range in SI units, the value as a multiple of the ULN for tests judged against
it, which reference limit a test cannot be graded without, and a plausibility range so that a
typing slip (platelets 90,000 ×10⁹/L: a count per µL sent as ×10⁹/L) is a 422, not a grade 0.

Shapes: `normalise_result({"test", "value", "unit", "uln"?, "lln"?}) -> SiResult`; raises
`app.screening.labs.LabUnitError` subclasses (UnknownTest, UnknownUnit, MissingReferenceRange)
or `ImplausibleValue`, each naming the test.
"""
from collections.abc import Mapping
from dataclasses import dataclass

from app.screening.lab_units import (BUN_MG_DL_PER_MMOL_L, CANONICAL_UNIT, COUNT, CREATININE_UMOL_L_PER_MG_DL,
                                     TIMES_ULN, fold_unit)
from app.screening.labs import LabUnitError, MissingReferenceRange, normalise_lab

LAB_RESULT_TESTS = tuple(CANONICAL_UNIT)
ENZYMES = ("alt", "ast", "alp", "ggt")
SI_UNIT = {
    "alt": "U/L", "ast": "U/L", "alp": "U/L", "ggt": "U/L", "total_bilirubin": "µmol/L", "pt": "s", "inr": "INR",
    "wbc": COUNT, "anc": COUNT, "platelets": COUNT, "hemoglobin": "g/L", "albumin": "g/L",
    "bun": "mmol/L", "creatinine": "µmol/L", "hbv_dna": "IU/mL", "tsh": "mIU/L", "free_t4": "pmol/L",
}
# Tests the screening keeps as × ULN, sent in an absolute unit: factor from that unit (folded) to SI.
# 1 µkat/L = 60 U/L (1 katal = 6 × 10⁷ U); bilirubin 584.66 g/mol: 1 mg/dL = 17.104 µmol/L.
_ENZYME_SI = {"u/l": 1.0, "iu/l": 1.0, "ukat/l": 60.0}
ABSOLUTE_TO_SI = {
    **{test: _ENZYME_SI for test in ENZYMES},
    "total_bilirubin": {"umol/l": 1.0, "mg/dl": 17.104},
    "pt": {"s": 1.0, "sec": 1.0, "seconds": 1.0},
    "inr": {"inr": 1.0, "ratio": 1.0},
}
# The other tests: from the screening's canonical unit to SI.
CANONICAL_TO_SI = {"creatinine": CREATININE_UMOL_L_PER_MG_DL, "bun": 1 / BUN_MG_DL_PER_MMOL_L}

# A grade needs the site's limit: counts, hemoglobin and albumin are graded below the LLN;
# creatinine (kept in mg/dL by screening) above the ULN. Enzymes, bilirubin and PT already
# need their ULN for × ULN (screening refuses them without it).
NEEDS_LLN = ("wbc", "anc", "platelets", "hemoglobin", "albumin")
NEEDS_ULN = ("creatinine",)

# Upper bound of a value a human can have, in SI (or × ULN); beyond it the entry is a slip.
PLAUSIBLE_MAX_SI = {
    "wbc": 500.0, "anc": 500.0, "platelets": 3000.0, "hemoglobin": 250.0, "albumin": 80.0,
    "creatinine": 5000.0, "bun": 200.0, "total_bilirubin": 1500.0, "pt": 300.0, "inr": 20.0,
    "tsh": 1000.0, "free_t4": 300.0, "hbv_dna": 1e11,
    "alt": 50000.0, "ast": 50000.0, "alp": 20000.0, "ggt": 20000.0,
}
PLAUSIBLE_MAX_TIMES_ULN = 500.0


class ImplausibleValue(LabUnitError):
    """A value no patient can have in that unit (the caller answers 422 on `value`)."""


class MissingLowerLimit(LabUnitError):
    """A test graded below the lower limit of normal arrived without its `lln`."""

    def __init__(self, test: str):
        super().__init__(test, f"{test} needs the site's lower limit of normal (lln) to be graded.")


@dataclass(frozen=True)
class SiResult:
    """One result as entered and in SI. `times_uln` is value / ULN for tests judged against the
    ULN (None otherwise); `uln_si`/`lln_si` are the site's range in `unit_si` (None when not sent)."""
    test: str
    value_si: float
    unit_si: str
    uln_si: float | None
    lln_si: float | None
    times_uln: float | None


def normalise_result(entry: Mapping) -> SiResult:
    """The result `{"test", "value", "unit", "uln"?, "lln"?}` in SI; see the module docstring for errors."""
    lab = normalise_lab(entry)  # the screening's rules: unknown test/unit, missing ULN
    test, unit = lab.test, str(entry.get("unit") or "")
    _require_limits(test, unit, entry)
    if CANONICAL_UNIT[test] == TIMES_ULN:
        result = _from_times_uln(test, unit, entry, lab.value)
    else:
        result = _from_absolute(test, entry, lab.value)
    _check_plausible(result, entry)
    return result


def _require_limits(test, unit, entry):
    if test in NEEDS_LLN and entry.get("lln") is None:
        raise MissingLowerLimit(test)
    if test in NEEDS_ULN and entry.get("uln") is None:
        raise MissingReferenceRange(test, unit)


def _from_times_uln(test, unit, entry, ratio) -> SiResult:
    factor = ABSOLUTE_TO_SI[test].get(fold_unit(unit))
    if factor is None:  # sent as × ULN: no absolute value to convert
        return SiResult(test, ratio, TIMES_ULN, None, None, ratio)
    return SiResult(test, float(entry["value"]) * factor, SI_UNIT[test], _scaled(entry.get("uln"), factor),
                    _scaled(entry.get("lln"), factor), ratio)


def _from_absolute(test, entry, canonical_value) -> SiResult:
    # canonical / entered: the entered unit's factor (callable ones, log HBV DNA, have no linear factor)
    factor = CANONICAL_TO_SI.get(test, 1.0)
    entered = float(entry["value"])
    to_canonical = canonical_value / entered if entered else 1.0
    uln, lln = _scaled(entry.get("uln"), to_canonical * factor), _scaled(entry.get("lln"), to_canonical * factor)
    times_uln = canonical_value * factor / uln if test in NEEDS_ULN and uln else None
    return SiResult(test, canonical_value * factor, SI_UNIT[test], uln, lln, times_uln)


def _scaled(limit, factor):
    return None if limit is None else float(limit) * factor


def _check_plausible(result: SiResult, entry: Mapping):
    ceiling = PLAUSIBLE_MAX_TIMES_ULN if result.unit_si == TIMES_ULN else PLAUSIBLE_MAX_SI[result.test]
    if not 0 <= result.value_si <= ceiling:
        raise ImplausibleValue(result.test, f"{result.test} {entry.get('value')} {entry.get('unit')} is not a "
                                            f"plausible value (at most {ceiling:g} {result.unit_si}); check the unit.")
