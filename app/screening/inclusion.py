"""Inclusion criteria I1..I9 (registry order), each a pure rule `(facts, screened_on) -> CriterionResult`.

`facts` is the API's screening `facts` dict plus `birth_date`; `met` True means satisfied.
"""
from collections.abc import Mapping
from datetime import date

from app.screening.lab_limits import HBV_DNA_LIMIT, ORGAN_FUNCTION_LIMITS, lab_findings
from app.screening.labs import lab_values
from app.screening.outcomes import CriterionResult, absent, as_date, judge, shown

MIN_AGE, MAX_AGE = 18, 75
MAX_ECOG = 1
MIN_SURVIVAL_MONTHS = 3.0
CHILD_PUGH_RANGE = (5, 7)
ACCEPTED_LIVER_PATTERNS = {
    "metachronous_after_esophagectomy": "metachronous after esophagectomy",
    "synchronous_progressed_after_first_line": "synchronous, progressed after first-line therapy",
    "liver_main_threat": "liver metastasis the main threat",
}


def age_in_years(birth_date: date, on: date) -> int:
    """Completed years on `on` (a 29 February birthday is reached on 1 March in common years)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_finding(age: int) -> str | None:
    """Shared by I1 and E1 so one problem reads the same under both criteria."""
    return None if MIN_AGE <= age <= MAX_AGE else f"Age {age} (need {MIN_AGE}–{MAX_AGE})"


def ecog_finding(ecog: int) -> str | None:
    """Shared by I2 and E2."""
    return None if ecog <= MAX_ECOG else f"ECOG {ecog} (need 0–{MAX_ECOG})"


def organ_function(facts: Mapping) -> tuple[list[str], list[str]]:
    """Child-Pugh and the I6 labs: (one finding per value out of range, missing keys). Shared by I6 and E3."""
    findings, missing = lab_findings(ORGAN_FUNCTION_LIMITS, lab_values(facts))
    score = facts.get("child_pugh_score")
    low, high = CHILD_PUGH_RANGE
    if score is None:
        return findings, ["child_pugh_score", *missing]
    if not low <= score <= high:
        findings.insert(0, f"Child-Pugh {score} (need {low}–{high})")
    return findings, missing


def i1_age(facts: Mapping, screened_on: date) -> CriterionResult:
    birth_date = as_date(facts.get("birth_date"))
    if birth_date is None:
        return judge("I1", (), ["birth_date"], "")
    age = age_in_years(birth_date, screened_on)
    return judge("I1", _present(age_finding(age)), (), f"Age {age}")


def i2_ecog(facts: Mapping, screened_on: date) -> CriterionResult:
    ecog = facts.get("ecog")
    if ecog is None:
        return judge("I2", (), ["ecog"], "")
    return judge("I2", _present(ecog_finding(ecog)), (), f"ECOG {ecog}")


def i3_histology(facts: Mapping, screened_on: date) -> CriterionResult:
    histology = facts.get("histology")
    findings = []
    if histology not in (None, "squamous_cell_carcinoma"):
        findings.append(f"Histology {histology.replace('_', ' ')} (need squamous cell carcinoma)")
    if facts.get("metastatic_confirmed") is False:
        findings.append("Metastatic disease not confirmed by histology or cytology")
    missing = absent(facts, "histology", "metastatic_confirmed")
    return judge("I3", findings, missing, "Metastatic squamous cell carcinoma, confirmed")


def i4_liver_pattern(facts: Mapping, screened_on: date) -> CriterionResult:
    pattern = facts.get("liver_metastasis_pattern")
    if pattern is None:
        return judge("I4", (), ["liver_metastasis_pattern"], "")
    if pattern in ACCEPTED_LIVER_PATTERNS:
        return judge("I4", (), (), f"Liver-metastasis pattern: {ACCEPTED_LIVER_PATTERNS[pattern]}")
    need = "; ".join(ACCEPTED_LIVER_PATTERNS.values())
    return judge("I4", [f"Liver-metastasis pattern '{pattern}' (need one of: {need})"], (), "")


def i5_survival(facts: Mapping, screened_on: date) -> CriterionResult:
    months = facts.get("predicted_survival_months")
    if months is None:
        return judge("I5", (), ["predicted_survival_months"], "")
    text = f"Predicted survival {shown(months, lambda m: m >= MIN_SURVIVAL_MONTHS)} months"
    finding = None if months >= MIN_SURVIVAL_MONTHS else f"{text} (need ≥ 3)"
    return judge("I5", _present(finding), (), text)


def i6_organ_function(facts: Mapping, screened_on: date) -> CriterionResult:
    findings, missing = organ_function(facts)
    clear = f"Child-Pugh {facts.get('child_pugh_score')}; all {len(ORGAN_FUNCTION_LIMITS)} labs within limits"
    return judge("I6", findings, missing, clear)


def i7_hbv(facts: Mapping, screened_on: date) -> CriterionResult:
    infected = facts.get("hbv_infected")
    if infected is None:
        return judge("I7", (), ["hbv_infected"], "")
    if not infected:
        return judge("I7", (), (), "No HBV infection (not applicable)")
    findings = [] if facts.get("hbv_on_antiviral") is not False else ["HBV infection without antiviral treatment"]
    dna_findings, missing = lab_findings((HBV_DNA_LIMIT,), lab_values(facts))
    missing = absent(facts, "hbv_on_antiviral") + missing
    return judge("I7", findings + dna_findings, missing, "HBV on antivirals, DNA < 100 IU/mL")


def i8_consent(facts: Mapping, screened_on: date) -> CriterionResult:
    signed_on = as_date(facts.get("consent_signed_on"))
    version = facts.get("consent_version") or None  # an empty version string is no version
    findings = []
    if signed_on is not None and signed_on > screened_on:
        findings.append(f"Consent signed {signed_on.isoformat()}, after screening on {screened_on.isoformat()}")
    missing = absent({"consent_signed_on": signed_on, "consent_version": version},
                     "consent_signed_on", "consent_version")
    return judge("I8", findings, missing, f"Consent {version} signed {signed_on}")


def i9_contraception(facts: Mapping, screened_on: date) -> CriterionResult:
    # An explicit null means "not applicable" (API.md); an absent key is an unanswered question.
    if "contraception_agreed" not in facts:
        return judge("I9", (), ["contraception_agreed"], "")
    agreed = facts["contraception_agreed"]
    if agreed is None:
        return judge("I9", (), (), "Contraception not applicable")
    findings = [] if agreed else ["Contraception not agreed (required during treatment and 6 months after)"]
    return judge("I9", findings, (), "Contraception agreed")


def _present(finding: str | None) -> list[str]:
    return [finding] if finding else []


INCLUSION_RULES = {
    "I1": i1_age, "I2": i2_ecog, "I3": i3_histology, "I4": i4_liver_pattern, "I5": i5_survival,
    "I6": i6_organ_function, "I7": i7_hbv, "I8": i8_consent, "I9": i9_contraception,
}
