"""The synthetic people of the demo: who they are and where they stand in the trial.

Every value is invented. Dates are relative to the day the seed runs, so a demo database
always shows patients in cycle 1, mid-treatment with a delay, in follow-up and deceased.
"""
from copy import deepcopy
from dataclasses import dataclass, field

ELIGIBLE_FACTS = {
    "ecog": 1, "histology": "squamous_cell_carcinoma", "metastatic_confirmed": True,
    "liver_metastasis_pattern": "metachronous_after_esophagectomy",
    "predicted_survival_months": 6, "child_pugh_score": 5,
    "labs": [
        {"test": "alt", "value": 32, "unit": "U/L", "uln": 40},
        {"test": "ast", "value": 30, "unit": "U/L", "uln": 40},
        {"test": "alp", "value": 110, "unit": "U/L", "uln": 125},
        {"test": "total_bilirubin", "value": 14, "unit": "umol/L", "uln": 21},
        {"test": "pt", "value": 12, "unit": "s", "uln": 13},
        {"test": "inr", "value": 1.0, "unit": "ratio", "uln": 1.2},
        {"test": "wbc", "value": 5.6, "unit": "10^9/L"},
        {"test": "anc", "value": 3.4, "unit": "10^9/L"},
        {"test": "platelets", "value": 190, "unit": "10^9/L"},
        {"test": "hemoglobin", "value": 128, "unit": "g/L"},
        {"test": "bun", "value": 14, "unit": "mg/dL"},
        {"test": "creatinine", "value": 0.8, "unit": "mg/dL"},
    ],
    "hbv_infected": False, "hbv_on_antiviral": None, "history": [],
    "extrahepatic_metastases": [], "tumor_adjacent_to_hollow_organ": False,
    "residual_liver_volume_ml": 1150, "sintilimab_allergy": False, "prior_immunotherapy": False,
    "immunosuppressant_within_4_weeks": False, "systemic_steroid_mg_prednisone_per_day": 0,
    "consent_version": "2.1", "contraception_agreed": True,
}


def facts(**overrides) -> dict:
    """Eligible screening facts with `overrides` (a screen failure overrides one criterion)."""
    values = deepcopy(ELIGIBLE_FACTS)
    values.update(overrides)
    return values


@dataclass(frozen=True)
class Story:
    """One demo patient: enrolled `started_days_ago`, visits done up to `done_until_days_ago`
    (None: up to today), with `delays` (visit code -> days late) and `events`
    ((type, days after C1D1), in order); `recist` names a tumour trajectory (app/demo/cohort.py),
    `sms` the messages the patient sent ((days ago, text)), `adverse_events` names AEs
    recorded for them (app/demo/cohort.py)."""

    initials: str
    phone: str
    language: str
    weight_kg: float
    started_days_ago: int
    done_until_days_ago: int | None = None
    delays: dict = field(default_factory=dict)
    events: tuple = ()
    recist: str | None = None
    sms: tuple = ()
    adverse_events: tuple = ()
    sex: str = "male"


# 25 patients (the enrollment target), every stage of the trial on the first run.
STORIES = (
    Story("WL", "+8613800000101", "zh", 64.0, 2,                      # cycle 1, C1D1 done
          sms=((1, "有点恶心"),)),
    Story("ZM", "+8613800000102", "zh", 58.5, 0),                     # C1D1 today
    Story("CH", "+8613800000103", "en", 71.0, -7),                    # starts next week
    Story("LJ", "+8613800000104", "zh", 66.0, 92,                     # cycle 5, delayed at C3
          delays={"C03-HAIC": 7}, recist="pr", adverse_events=("nausea",)),
    Story("HY", "+8613800000105", "zh", 55.0, 130,                    # cycle 7, two delays
          delays={"C02-HAIC": 4, "C05-HAIC": 7}, recist="sd", sex="female"),
    Story("SQ", "+8613800000106", "zh", 69.5, 45, done_until_days_ago=8),  # a missed week
    Story("GF", "+8613800000107", "zh", 62.0, 300,                    # follow-up after PD
          events=(("progression", 170),), recist="sd_pd"),
    Story("TX", "+8613800000108", "en", 74.0, 400,                    # follow-up after EOT
          events=(("end_of_treatment", 200),), recist="pr"),
    Story("MB", "+8613800000109", "zh", 60.0, 260,                    # deceased
          events=(("progression", 120), ("death", 210)), recist="pd"),
    Story("QR", "+8613800000110", "zh", 57.0, 180,                    # withdrew consent
          events=(("withdrawal", 100),), sex="female"),
    Story("FZ", "+8613800000000", "zh", 63.0, 60,                     # diarrhoea by SMS (README recipe)
          sms=((0, "拉肚子5次"),), adverse_events=("diarrhea",)),
    Story("LY", "+8613800000112", "en", 68.0, 75,                     # chest pain: urgent, acknowledged
          sms=((2, "chest pain since this morning"),), recist="pr"),
    Story("WX", "+8613800000113", "zh", 59.0, 110,                    # SAE signed by the investigator
          delays={"C04-HAIC": 7}, recist="sd", adverse_events=("febrile_neutropenia_sae",)),
    Story("ZQ", "+8613800000114", "zh", 61.0, 200, recist="pr"),      # confirmed responder
    Story("HL", "+8613800000115", "en", 70.0, 250, recist="cr", sex="female"),  # complete response
    Story("PJ", "+8613800000116", "zh", 65.0, 330,                    # PD at week 18
          events=(("progression", 126),), recist="sd_pd"),
    Story("CY", "+8613800000117", "zh", 56.0, 380,                    # responder, then PD, died
          events=(("progression", 210), ("death", 300)), recist="pr_pd"),
    Story("KS", "+8613800000118", "zh", 67.0, 420,                    # lost to follow-up
          events=(("end_of_treatment", 190), ("lost_to_follow_up", 330)), recist="sd"),
    Story("DM", "+8613800000119", "zh", 72.0, 150,                    # delayed cycle (labs hold: labs hook)
          delays={"C06-HAIC": 6}, recist="sd"),
    Story("NB", "+8613800000120", "zh", 60.5, 20,                     # cycle 1-2, severe nausea
          sms=((1, "恶心得厉害，吃不下饭"),)),
    Story("RT", "+8613800000121", "en", 78.0, 220, recist="sd"),      # stable disease
    Story("XS", "+8613800000122", "zh", 54.0, 290,                    # confirmed PR, then EOT
          events=(("end_of_treatment", 240),), recist="pr", sex="female"),
    Story("YJ", "+8613800000123", "en", 66.5, 40,                     # severe nausea, alert open
          sms=((0, "severe nausea"),)),
    Story("BG", "+8613800000124", "zh", 62.5, 160,                    # immune-related AE
          recist="pr", adverse_events=("hypothyroidism",)),
    Story("OW", "+8613800000125", "zh", 58.0, 500,                    # PD then death
          events=(("progression", 84), ("death", 260)), recist="pd"),
)

# Screen failures: (initials, the facts that make them ineligible), several reasons.
SCREEN_FAILURES = (
    ("YK", {"ecog": 3}),
    ("DP", {"prior_immunotherapy": True}),
    ("XN", {"child_pugh_score": 9}),
    ("AH", {"histology": "adenocarcinoma"}),
    ("EJ", {"history": ["hepatic_encephalopathy"]}),
    ("UV", {"predicted_survival_months": 2}),
)
