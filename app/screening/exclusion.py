"""Exclusion criteria E1..E9 (registry order), each a pure rule `(facts, screened_on) -> CriterionResult`.

`met` True means the exclusion applies: the candidate is excluded by it.
"""
from collections.abc import Mapping
from datetime import date

from app.screening.inclusion import MAX_AGE, MAX_ECOG, age_finding, age_in_years, ecog_finding, organ_function
from app.screening.outcomes import CriterionResult, absent, as_date, judge, shown

MIN_RESIDUAL_LIVER_ML = 800.0
MAX_ALLOWED_PREDNISONE_MG_PER_DAY = 10.0
HISTORY_LABELS = {
    "esophagogastric_bleeding": "esophagogastric bleeding",
    "hepatic_encephalopathy": "hepatic encephalopathy",
    "massive_ascites": "massive ascites",
    "abdominal_infection": "abdominal infection",
}


def e1_age_over_75(facts: Mapping, screened_on: date) -> CriterionResult:
    birth_date = as_date(facts.get("birth_date"))
    if birth_date is None:
        return judge("E1", (), ["birth_date"], "")
    age = age_in_years(birth_date, screened_on)
    return judge("E1", [age_finding(age)] if age > MAX_AGE else [], (), f"Age {age}")


def e2_ecog_2_or_more(facts: Mapping, screened_on: date) -> CriterionResult:
    ecog = facts.get("ecog")
    if ecog is None:
        return judge("E2", (), ["ecog"], "")
    return judge("E2", [ecog_finding(ecog)] if ecog > MAX_ECOG else [], (), f"ECOG {ecog}")


def e3_poor_organ_function(facts: Mapping, screened_on: date) -> CriterionResult:
    # The registry repeats I6 as an exclusion; the brief and PROTOCOL.md ("labs outside the
    # limits above") mirror every I6 limit, so one bad lab reads the same under I6 and E3.
    findings, missing = organ_function(facts)
    return judge("E3", findings, missing, "Child-Pugh and labs within the inclusion limits")


def e4_history(facts: Mapping, screened_on: date) -> CriterionResult:
    history = facts.get("history")
    if history is None:
        return judge("E4", (), ["history"], "")
    findings = [f"History of {HISTORY_LABELS.get(item, str(item).replace('_', ' '))}" for item in history]
    return judge("E4", findings, (), "No history of bleeding, encephalopathy, massive ascites or abdominal infection")


def e5_untreatable_extrahepatic(facts: Mapping, screened_on: date) -> CriterionResult:
    metastases = facts.get("extrahepatic_metastases")
    if metastases is None:
        return judge("E5", (), ["extrahepatic_metastases"], "")
    findings = [f"{m.get('site')} metastasis not treatable by local radiotherapy"
                for m in metastases if m.get("locally_treatable") is False]
    unknown = any(m.get("locally_treatable") is None for m in metastases)
    missing = ["extrahepatic_metastases.locally_treatable"] if unknown else []
    sites = ", ".join(str(m.get("site")) for m in metastases)
    return judge("E5", findings, missing, f"Extrahepatic metastases locally treatable: {sites}" if sites
                 else "No extrahepatic metastases")


def e6_intervention_intolerable(facts: Mapping, screened_on: date) -> CriterionResult:
    findings = []
    if facts.get("tumor_adjacent_to_hollow_organ"):
        findings.append("Tumour adjacent to bowel or another hollow organ")
    volume = facts.get("residual_liver_volume_ml")
    if volume is not None and volume < MIN_RESIDUAL_LIVER_ML:
        volume_text = shown(volume, lambda v: v >= MIN_RESIDUAL_LIVER_ML)
        findings.append(f"Residual liver volume {volume_text} mL (need ≥ 800 mL)")
    missing = absent(facts, "tumor_adjacent_to_hollow_organ", "residual_liver_volume_ml")
    clear = f"Tumour clear of hollow organs; residual liver {shown(volume or 0, lambda v: True)} mL"
    return judge("E6", findings, missing, clear)


def e7_sintilimab_allergy(facts: Mapping, screened_on: date) -> CriterionResult:
    return _flag("E7", facts, "sintilimab_allergy", "Allergic to sintilimab", "No sintilimab allergy")


def e8_prior_immunotherapy(facts: Mapping, screened_on: date) -> CriterionResult:
    return _flag("E8", facts, "prior_immunotherapy", "Prior PD-1/PD-L1/CTLA-4 therapy", "No prior immunotherapy")


def e9_immunosuppressants(facts: Mapping, screened_on: date) -> CriterionResult:
    """Read as: a systemic steroid dose above 10 mg/day prednisone equivalent always excludes;
    otherwise `immunosuppressant_within_4_weeks` true WITH a dose means the immunosuppression
    is that allowed low-dose steroid, and true WITHOUT a dose means another immunosuppressant
    (excluded). Topical, inhaled, intranasal steroids and short courses for asthma/COPD
    dyspnoea are not immunosuppressants here: the form should answer false for them."""
    taken = facts.get("immunosuppressant_within_4_weeks")
    dose = facts.get("systemic_steroid_mg_prednisone_per_day")
    if dose is not None and dose > MAX_ALLOWED_PREDNISONE_MG_PER_DAY:
        return judge("E9", [_steroid_text(dose) + " (allowed ≤ 10)"], (), "")
    if taken is None:
        return judge("E9", (), ["immunosuppressant_within_4_weeks"], "")
    if taken and dose is None:
        return judge("E9", ["Immunosuppressant within 4 weeks (not a systemic steroid ≤ 10 mg/day)"], (), "")
    return judge("E9", (), (), _steroid_text(dose) + " (allowed)" if taken else "No immunosuppressants within 4 weeks")


def _steroid_text(dose: float) -> str:
    shown_dose = shown(dose, lambda d: d <= MAX_ALLOWED_PREDNISONE_MG_PER_DAY)
    return f"Systemic steroid {shown_dose} mg/day prednisone equivalent"


def _flag(criterion_id: str, facts: Mapping, key: str, finding: str, clear: str) -> CriterionResult:
    value = facts.get(key)
    return judge(criterion_id, [finding] if value else [], absent(facts, key), clear)


EXCLUSION_RULES = {
    "E1": e1_age_over_75, "E2": e2_ecog_2_or_more, "E3": e3_poor_organ_function, "E4": e4_history,
    "E5": e5_untreatable_extrahepatic, "E6": e6_intervention_intolerable, "E7": e7_sintilimab_allergy,
    "E8": e8_prior_immunotherapy, "E9": e9_immunosuppressants,
}
