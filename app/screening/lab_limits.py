"""The laboratory limits of inclusion I6 (and, mirrored, exclusion E3), and the
nurse-readable line for a lab that misses its limit."""
from collections.abc import Mapping
from dataclasses import dataclass

from app.screening.labs import LabValue
from app.screening.outcomes import shown

HBV_DNA_LIMIT_IU_ML = 100.0


@dataclass(frozen=True)
class LabLimit:
    """A bound on one test in its canonical unit: `upper` means value < bound, else value ≥ bound."""
    test: str
    label: str
    bound: float
    unit: str
    upper: bool

    def passes(self, value: float) -> bool:
        return value < self.bound if self.upper else value >= self.bound

    def describe(self) -> str:
        return f"limit < {_unit(self.bound, self.unit)}" if self.upper else f"need ≥ {_unit(self.bound, self.unit)}"


def _upper(test, label, bound, unit):
    return LabLimit(test, label, bound, unit, upper=True)


def _lower(test, label, bound, unit):
    return LabLimit(test, label, bound, unit, upper=False)


# PROTOCOL.md "Eligibility" / registry inclusion 6, in the registry's order.
ORGAN_FUNCTION_LIMITS = (
    _upper("alt", "ALT", 2.5, "× ULN"),
    _upper("ast", "AST", 2.5, "× ULN"),
    _upper("alp", "ALP", 2.5, "× ULN"),
    _upper("total_bilirubin", "Total bilirubin", 1.5, "× ULN"),
    _upper("pt", "PT", 1.5, "× ULN"),
    _upper("inr", "INR", 1.5, "× ULN"),
    _lower("wbc", "WBC", 3.0, "×10⁹/L"),
    _lower("anc", "ANC", 1.5, "×10⁹/L"),
    _lower("platelets", "Platelets", 75.0, "×10⁹/L"),
    _lower("hemoglobin", "Hemoglobin", 100.0, "g/L"),
    _upper("bun", "BUN", 40.0, "mg/dL"),
    # The registry's "creatinine < 2mg/ml" is a typo for mg/dL (PROTOCOL.md).
    _upper("creatinine", "Creatinine", 2.0, "mg/dL"),
)
HBV_DNA_LIMIT = _upper("hbv_dna", "HBV DNA", HBV_DNA_LIMIT_IU_ML, "IU/mL")


def lab_finding(limit: LabLimit, lab: LabValue) -> str | None:
    """"ALT 3 × ULN (120 U/L, ULN 40; limit < 2.5 × ULN)" when the lab misses its limit, else None."""
    if limit.passes(lab.value):
        return None
    return f"{limit.label} {shown(lab.value, limit.passes)} {limit.unit} ({_entered(lab)}{limit.describe()})"


def lab_findings(limits, labs: Mapping[str, LabValue]) -> tuple[list[str], list[str]]:
    """(one finding per lab outside its limit, the missing keys "labs.<test>") for `limits`."""
    findings = [lab_finding(limit, labs[limit.test]) for limit in limits if limit.test in labs]
    missing = [f"labs.{limit.test}" for limit in limits if limit.test not in labs]
    return [finding for finding in findings if finding], missing


def _entered(lab: LabValue) -> str:
    return f"{lab.entered}; " if lab.entered else ""


def _unit(bound: float, unit: str) -> str:
    return f"{shown(bound, lambda _: True)} {unit}"
