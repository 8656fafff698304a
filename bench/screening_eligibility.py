"""How fast is the pure eligibility core? Run: .venv/bin/python bench/screening_eligibility.py

Generates random candidates (complete, partly missing, mixed lab units) with a fixed seed and
times `evaluate` and `normalise_labs`. Prints a small table; asserts nothing."""
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.screening.eligibility import evaluate  # noqa: E402
from app.screening.labs import normalise_labs  # noqa: E402

SCREENED_ON = date(2024, 5, 2)
LAB_CHOICES = {
    "alt": [("U/L", 40, 10, 150)], "ast": [("IU/L", 40, 10, 150)], "alp": [("U/L", 120, 40, 400)],
    "total_bilirubin": [("µmol/L", 17, 5, 40), ("mg/dL", 1.2, 0.3, 2.5)], "pt": [("s", 13, 10, 22)],
    "inr": [("INR", None, 0.8, 1.8)], "wbc": [("10^9/L", None, 2, 10), ("/mm3", None, 2000, 10000)],
    "anc": [("×10⁹/L", None, 1, 6)], "platelets": [("G/L", None, 50, 300), ("10^3/µL", None, 50, 300)],
    "hemoglobin": [("g/L", None, 80, 160), ("g/dL", None, 8, 16)], "bun": [("mg/dL", None, 8, 45),
                                                                          ("mmol/L", None, 3, 16)],
    "creatinine": [("mg/dL", None, 0.5, 2.5), ("µmol/L", None, 45, 220)],
}


def random_labs(rng):
    labs = []
    for test, choices in LAB_CHOICES.items():
        unit, uln, low, high = rng.choice(choices)
        if rng.random() > 0.05:
            labs.append({"test": test, "value": round(rng.uniform(low, high), 2), "unit": unit, "uln": uln})
    return labs


def random_facts(rng):
    facts = {"ecog": rng.choice([0, 1, 1, 2]), "histology": "squamous_cell_carcinoma", "metastatic_confirmed": True,
             "liver_metastasis_pattern": "liver_main_threat", "predicted_survival_months": rng.choice([2, 6, 12]),
             "child_pugh_score": rng.choice([5, 6, 7, 8]), "labs": random_labs(rng), "hbv_infected": False,
             "history": [], "extrahepatic_metastases": [], "tumor_adjacent_to_hollow_organ": False,
             "residual_liver_volume_ml": rng.uniform(600, 1800), "sintilimab_allergy": False,
             "prior_immunotherapy": False, "immunosuppressant_within_4_weeks": False,
             "consent_signed_on": SCREENED_ON, "consent_version": "2.1", "contraception_agreed": None}
    for key in rng.sample(sorted(facts), k=rng.choice([0, 0, 1, 3])):
        facts[key] = None
    return facts


def timed(function, items):
    start = time.perf_counter()
    for item in items:
        function(item)
    return time.perf_counter() - start


def main(count=20_000, seed=7):
    rng = random.Random(seed)
    candidates = [(random_facts(rng), SCREENED_ON - timedelta(days=rng.randint(17 * 365, 80 * 365)))
                  for _ in range(count)]
    verdicts = [evaluate(facts, born, SCREENED_ON).eligible for facts, born in candidates]
    evaluate_s = timed(lambda c: evaluate(c[0], c[1], SCREENED_ON), candidates)
    labs_s = timed(lambda c: normalise_labs(c[0]["labs"]), candidates)
    print(f"{'operation':<28}{'n':>8}{'total s':>10}{'µs each':>10}")
    print(f"{'evaluate (18 criteria)':<28}{count:>8}{evaluate_s:>10.3f}{evaluate_s / count * 1e6:>10.1f}")
    print(f"{'normalise_labs (~12 labs)':<28}{count:>8}{labs_s:>10.3f}{labs_s / count * 1e6:>10.1f}")
    print(f"verdicts: eligible {verdicts.count(True)}, ineligible {verdicts.count(False)}, "
          f"pending {verdicts.count(None)}")


if __name__ == "__main__":
    main()
