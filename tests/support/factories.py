"""Test data: eligible facts, sites, users, screenings and patients through the real services."""
from copy import deepcopy
from datetime import date

ELIGIBLE_FACTS = {
    "ecog": 1,
    "histology": "squamous_cell_carcinoma",
    "metastatic_confirmed": True,
    "liver_metastasis_pattern": "metachronous_after_esophagectomy",
    "predicted_survival_months": 6,
    "child_pugh_score": 5,
    "labs": [
        {"test": "alt", "value": 40, "unit": "U/L", "uln": 40},
        {"test": "ast", "value": 35, "unit": "U/L", "uln": 40},
        {"test": "alp", "value": 120, "unit": "U/L", "uln": 125},
        {"test": "total_bilirubin", "value": 15, "unit": "umol/L", "uln": 21},
        {"test": "pt", "value": 12, "unit": "s", "uln": 13},
        {"test": "inr", "value": 1.0, "unit": "ratio", "uln": 1.2},
        {"test": "wbc", "value": 5.2, "unit": "10^9/L"},
        {"test": "anc", "value": 3.1, "unit": "10^9/L"},
        {"test": "platelets", "value": 180, "unit": "10^9/L"},
        {"test": "hemoglobin", "value": 125, "unit": "g/L"},
        {"test": "bun", "value": 15, "unit": "mg/dL"},
        {"test": "creatinine", "value": 0.9, "unit": "mg/dL"},
    ],
    "hbv_infected": False,
    "hbv_on_antiviral": None,
    "history": [],
    "extrahepatic_metastases": [],
    "tumor_adjacent_to_hollow_organ": False,
    "residual_liver_volume_ml": 1200,
    "sintilimab_allergy": False,
    "prior_immunotherapy": False,
    "immunosuppressant_within_4_weeks": False,
    "systemic_steroid_mg_prednisone_per_day": 0,
    "consent_signed_on": "2026-02-20",
    "consent_version": "2.1",
    "contraception_agreed": True,
}


def eligible_facts(**overrides):
    facts = deepcopy(ELIGIBLE_FACTS)
    facts.update(overrides)
    return facts


def with_lab(facts, test, **values):
    facts = deepcopy(facts)
    facts["labs"] = [lab for lab in facts["labs"] if lab["test"] != test] + [{"test": test, **values}]
    return facts


def screening_body(site="BJ", **overrides):
    body = {"site": site, "screened_on": "2026-02-25", "initials": "ZW", "sex": "male",
            "birth_date": "1962-05-01", "facts": eligible_facts()}
    body.update(overrides)
    return body


_phone_counter = [0]


def next_phone():
    _phone_counter[0] += 1
    return f"+86 139 {_phone_counter[0] // 10000:04d} {_phone_counter[0] % 10000:04d}"


def patient_body(screening_id, **overrides):
    body = {"screening_id": screening_id, "phone": next_phone(), "language": "zh",
            "treatment_start": "2026-03-02"}
    body.update(overrides)
    return body


TODAY = date(2026, 3, 2)
