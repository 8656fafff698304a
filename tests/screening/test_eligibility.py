"""Eligibility rules I1..I9, E1..E9: boundaries per criterion, missing facts, the verdict."""
import re
from datetime import date
from pathlib import Path

import pytest

from app.screening.eligibility import CRITERIA, evaluate
from app.screening.labs import UnknownUnit
from tests.support.shared import require_shared

SCREENED_ON = date(2024, 5, 2)
BIRTH_DATE = date(1960, 3, 1)
LAB_UNITS = {"alt": ("U/L", 40), "ast": ("U/L", 40), "alp": ("U/L", 120), "total_bilirubin": ("µmol/L", 17),
             "pt": ("s", 13), "inr": ("INR", 1.2), "wbc": ("10^9/L", None), "anc": ("10^9/L", None),
             "platelets": ("10^9/L", None), "hemoglobin": ("g/L", None), "bun": ("mg/dL", None),
             "creatinine": ("mg/dL", None), "hbv_dna": ("IU/mL", None)}
NORMAL_LABS = {"alt": 30, "ast": 30, "alp": 100, "total_bilirubin": 12, "pt": 12, "inr": 1.0, "wbc": 6.0,
               "anc": 3.5, "platelets": 210, "hemoglobin": 130, "bun": 14, "creatinine": 0.9}


def shared_dir() -> Path:
    """../shared beside the checkout (reference data is never copied into the repo)."""
    return Path(__file__).resolve().parents[2] / ".." / "shared"


SITE_ULN = object()  # a_lab(..., uln=SITE_ULN) uses the site's usual ULN; pass None for "no uln sent"


def a_lab(test, value, unit=None, uln=SITE_ULN):
    default_unit, default_uln = LAB_UNITS[test]
    return {"test": test, "value": value, "unit": unit or default_unit,
            "uln": default_uln if uln is SITE_ULN else uln}


def eligible_facts(**changes):
    facts = {
        "ecog": 1, "histology": "squamous_cell_carcinoma", "metastatic_confirmed": True,
        "liver_metastasis_pattern": "metachronous_after_esophagectomy", "predicted_survival_months": 6,
        "child_pugh_score": 6, "labs": [a_lab(test, value) for test, value in NORMAL_LABS.items()],
        "hbv_infected": False, "hbv_on_antiviral": None, "history": [], "extrahepatic_metastases": [],
        "tumor_adjacent_to_hollow_organ": False, "residual_liver_volume_ml": 1200, "sintilimab_allergy": False,
        "prior_immunotherapy": False, "immunosuppressant_within_4_weeks": False,
        "systemic_steroid_mg_prednisone_per_day": None, "consent_signed_on": date(2024, 4, 30),
        "consent_version": "2.1", "contraception_agreed": True,
    }
    return {**facts, **changes}


def with_lab(entry, facts=None):
    facts = facts or eligible_facts()
    others = [lab for lab in facts["labs"] if lab["test"] != entry["test"]]
    return {**facts, "labs": [*others, entry]}


def without(*keys):
    return {key: value for key, value in eligible_facts().items() if key not in keys}


def criterion(result, criterion_id):
    return next(c for c in result.criteria if c.id == criterion_id)


def test_complete_normal_candidate_is_eligible():
    result = evaluate(eligible_facts(), BIRTH_DATE, SCREENED_ON)
    assert (result.eligible, result.reasons_ineligible, result.missing) == (True, (), ())
    assert [c.met for c in result.criteria] == [True] * 9 + [False] * 9


def test_criteria_are_in_registry_order_with_their_kind():
    assert [c.id for c in CRITERIA] == [f"I{n}" for n in range(1, 10)] + [f"E{n}" for n in range(1, 10)]
    assert {c.kind for c in CRITERIA if c.id.startswith("E")} == {"exclusion"}
    assert all(c.title for c in CRITERIA)


def test_criteria_count_matches_the_registry_text():
    registry = shared_dir() / "seed" / "NCT06184841.txt"
    require_shared(registry, "registry text")
    text = registry.read_text(encoding="utf-8")
    inclusion, exclusion = text.split("Exclusion Criteria")
    exclusion = exclusion.split("Study & Design")[0]
    numbered = re.compile(r"^\s+(\d+)\.", re.MULTILINE)
    assert [int(n) for n in numbered.findall(inclusion.split("Inclusion Criteria")[1])] == list(range(1, 10))
    assert [int(n) for n in numbered.findall(exclusion)] == list(range(1, 10))


@pytest.mark.parametrize("birth_date, i1, e1", [
    (date(2006, 5, 2), True, False),     # 18 today
    (date(2006, 5, 3), False, False),    # 17, one day short
    (date(1948, 5, 3), True, False),     # 75, one day before turning 76
    (date(1948, 5, 2), False, True),     # 76 today
    (date(1940, 1, 1), False, True),
])
def test_age(birth_date, i1, e1):
    result = evaluate(eligible_facts(), birth_date, SCREENED_ON)
    assert (criterion(result, "I1").met, criterion(result, "E1").met) == (i1, e1)
    assert result.eligible is (i1 and not e1)


@pytest.mark.parametrize("birth_date, screened_on, age", [
    (date(2000, 2, 29), date(2018, 2, 28), 17),
    (date(2000, 2, 29), date(2018, 3, 1), 18),
    (date(2000, 2, 29), date(2020, 2, 29), 20),
])
def test_age_is_completed_years_on_the_screening_date(birth_date, screened_on, age):
    result = evaluate(eligible_facts(consent_signed_on=date(2018, 1, 1)), birth_date, screened_on)
    assert f"Age {age}" in criterion(result, "I1").reason


@pytest.mark.parametrize("ecog, i2, e2", [(0, True, False), (1, True, False), (2, False, True), (4, False, True)])
def test_ecog(ecog, i2, e2):
    result = evaluate(eligible_facts(ecog=ecog), BIRTH_DATE, SCREENED_ON)
    assert (criterion(result, "I2").met, criterion(result, "E2").met) == (i2, e2)


@pytest.mark.parametrize("changes, met", [
    ({}, True),
    ({"histology": "adenosquamous"}, False),
    ({"histology": "adenocarcinoma"}, False),
    ({"histology": "other"}, False),
    ({"metastatic_confirmed": False}, False),
    ({"metastatic_confirmed": None}, None),
    ({"histology": "adenosquamous", "metastatic_confirmed": None}, False),  # known failure beats missing
])
def test_histology(changes, met):
    assert criterion(evaluate(eligible_facts(**changes), BIRTH_DATE, SCREENED_ON), "I3").met is met


@pytest.mark.parametrize("pattern, met", [
    ("metachronous_after_esophagectomy", True), ("synchronous_progressed_after_first_line", True),
    ("liver_main_threat", True), ("other", False), (None, None),
])
def test_liver_metastasis_pattern(pattern, met):
    result = evaluate(eligible_facts(liver_metastasis_pattern=pattern), BIRTH_DATE, SCREENED_ON)
    assert criterion(result, "I4").met is met


@pytest.mark.parametrize("months, met", [(3, True), (2.9, False), (24, True), (None, None)])
def test_predicted_survival(months, met):
    result = evaluate(eligible_facts(predicted_survival_months=months), BIRTH_DATE, SCREENED_ON)
    assert criterion(result, "I5").met is met


@pytest.mark.parametrize("entry, passes", [
    (a_lab("alt", 2.49, "xULN"), True), (a_lab("alt", 2.5, "xULN"), False),
    (a_lab("ast", 99.6, "U/L", 40), True), (a_lab("ast", 100, "U/L", 40), False),
    (a_lab("alp", 299, "U/L", 120), True), (a_lab("alp", 300, "U/L", 120), False),
    (a_lab("total_bilirubin", 1.49, "xULN"), True), (a_lab("total_bilirubin", 1.5, "xULN"), False),
    (a_lab("total_bilirubin", 25.5, "µmol/L", 17), False), (a_lab("total_bilirubin", 1.7, "mg/dL", 1.2), True),
    (a_lab("pt", 19.4, "s", 13), True), (a_lab("pt", 19.5, "s", 13), False),
    (a_lab("inr", 1.49, "INR", 1.0), True), (a_lab("inr", 1.5, "ratio", None), False),
    (a_lab("inr", 1.7, "INR", 1.2), True),
    (a_lab("wbc", 3.0), True), (a_lab("wbc", 2.9), False),
    (a_lab("anc", 1.5), True), (a_lab("anc", 1499, "/mm3"), False),
    (a_lab("platelets", 75), True), (a_lab("platelets", 74.9), False),
    (a_lab("platelets", 75000, "/mm3"), True), (a_lab("platelets", 74.9, "10^3/µL"), False),
    (a_lab("hemoglobin", 100, "g/L"), True), (a_lab("hemoglobin", 9.9, "g/dL"), False),
    (a_lab("hemoglobin", 10, "g/dL"), True),
    (a_lab("bun", 39.9), True), (a_lab("bun", 40), False), (a_lab("bun", 14.2, "mmol/L"), True),
    (a_lab("bun", 14.28, "mmol/L"), False),
    (a_lab("creatinine", 1.99), True), (a_lab("creatinine", 2), False),
    (a_lab("creatinine", 176.8, "µmol/L"), True), (a_lab("creatinine", 176.9, "µmol/L"), False),
])
def test_organ_function_limits_fail_i6_and_e3_together(entry, passes):
    result = evaluate(with_lab(entry), BIRTH_DATE, SCREENED_ON)
    assert (criterion(result, "I6").met, criterion(result, "E3").met) == (passes, not passes)
    assert result.eligible is passes
    assert len(result.reasons_ineligible) == (0 if passes else 1)


@pytest.mark.parametrize("score, passes", [(5, True), (7, True), (8, False), (10, False)])
def test_child_pugh(score, passes):
    result = evaluate(eligible_facts(child_pugh_score=score), BIRTH_DATE, SCREENED_ON)
    assert (criterion(result, "I6").met, criterion(result, "E3").met) == (passes, not passes)


@pytest.mark.parametrize("entry, reason", [
    (a_lab("alt", 3.0, "xULN"), "ALT 3 × ULN (limit < 2.5 × ULN)"),
    (a_lab("alt", 100, "U/L", 40), "ALT 2.5 × ULN (100 U/L, ULN 40; limit < 2.5 × ULN)"),
    (a_lab("platelets", 60), "Platelets 60 ×10⁹/L (need ≥ 75 ×10⁹/L)"),
    (a_lab("hemoglobin", 9.9, "g/dL"), "Hemoglobin 99 g/L (9.9 g/dL; need ≥ 100 g/L)"),
    (a_lab("creatinine", 176.9, "µmol/L"), "Creatinine 2 mg/dL (176.9 µmol/L; limit < 2 mg/dL)"),
    (a_lab("bun", 39.999), None),
    (a_lab("inr", 1.6, "INR", None), "INR 1.6 × ULN (INR 1.6, ULN 1 assumed; limit < 1.5 × ULN)"),
])
def test_lab_reasons_name_the_value_and_the_limit(entry, reason):
    reasons = evaluate(with_lab(entry), BIRTH_DATE, SCREENED_ON).reasons_ineligible
    assert reasons == ((f"I6, E3: {reason}",) if reason else ())


def test_printed_value_never_rounds_onto_the_limit():
    facts = with_lab(a_lab("platelets", 74.999))
    assert "Platelets 74.999 ×10⁹/L" in evaluate(facts, BIRTH_DATE, SCREENED_ON).reasons_ineligible[0]


def test_alt_3x_and_platelets_60_fail_exactly_i6_and_e3_with_both_reasons():
    facts = with_lab(a_lab("platelets", 60, "×10⁹/L"), with_lab(a_lab("alt", 120, "U/L", 40)))
    result = evaluate(facts, BIRTH_DATE, SCREENED_ON)
    assert result.eligible is False
    assert [c.id for c in result.criteria if c.failed] == ["I6", "E3"]
    assert result.reasons_ineligible == ("I6, E3: ALT 3 × ULN (120 U/L, ULN 40; limit < 2.5 × ULN)",
                                         "I6, E3: Platelets 60 ×10⁹/L (need ≥ 75 ×10⁹/L)")
    assert criterion(result, "I6").findings == criterion(result, "E3").findings


@pytest.mark.parametrize("changes, dna, met", [
    ({"hbv_infected": False}, None, True),
    ({"hbv_infected": True, "hbv_on_antiviral": True}, 99, True),
    ({"hbv_infected": True, "hbv_on_antiviral": True}, 100, False),
    ({"hbv_infected": True, "hbv_on_antiviral": False}, 20, False),
    ({"hbv_infected": True, "hbv_on_antiviral": True}, None, None),
    ({"hbv_infected": True, "hbv_on_antiviral": None}, 20, None),
    ({"hbv_infected": None}, 20, None),
])
def test_hbv(changes, dna, met):
    facts = eligible_facts(**changes)
    facts = with_lab(a_lab("hbv_dna", dna), facts) if dna is not None else facts
    assert criterion(evaluate(facts, BIRTH_DATE, SCREENED_ON), "I7").met is met


@pytest.mark.parametrize("signed_on, version, met", [
    (date(2024, 5, 2), "2.1", True),      # same day as screening
    (date(2024, 4, 1), "2.1", True),
    (date(2024, 5, 3), "2.1", False),     # consent after screening
    (None, "2.1", None),
    (date(2024, 5, 1), None, None),
    (date(2024, 5, 1), "", None),
    ("2024-05-01", "2.1", True),          # as stored in JSON
])
def test_consent(signed_on, version, met):
    facts = eligible_facts(consent_signed_on=signed_on, consent_version=version)
    assert criterion(evaluate(facts, BIRTH_DATE, SCREENED_ON), "I8").met is met


@pytest.mark.parametrize("facts, met", [
    (eligible_facts(contraception_agreed=True), True),
    (eligible_facts(contraception_agreed=None), True),   # null = not applicable
    (eligible_facts(contraception_agreed=False), False),
    (without("contraception_agreed"), None),            # never asked
])
def test_contraception(facts, met):
    assert criterion(evaluate(facts, BIRTH_DATE, SCREENED_ON), "I9").met is met


@pytest.mark.parametrize("history, met, findings", [
    ([], False, 0), (["massive_ascites"], True, 1), (["hepatic_encephalopathy", "abdominal_infection"], True, 2),
    (None, None, 0),
])
def test_history(history, met, findings):
    result = criterion(evaluate(eligible_facts(history=history), BIRTH_DATE, SCREENED_ON), "E4")
    assert (result.met, len(result.findings)) == (met, findings)


@pytest.mark.parametrize("metastases, met", [
    ([], False),
    ([{"site": "lung", "locally_treatable": True}], False),
    ([{"site": "lung", "locally_treatable": True}, {"site": "bone", "locally_treatable": False}], True),
    ([{"site": "pelvic nodes", "locally_treatable": None}], None),
    (None, None),
])
def test_extrahepatic_metastases(metastases, met):
    result = evaluate(eligible_facts(extrahepatic_metastases=metastases), BIRTH_DATE, SCREENED_ON)
    assert criterion(result, "E5").met is met


@pytest.mark.parametrize("adjacent, volume, met", [
    (False, 800, False), (False, 799.9, True), (True, 1500, True), (None, 1500, None), (False, None, None),
    (True, None, True),
])
def test_intervention_tolerability(adjacent, volume, met):
    facts = eligible_facts(tumor_adjacent_to_hollow_organ=adjacent, residual_liver_volume_ml=volume)
    assert criterion(evaluate(facts, BIRTH_DATE, SCREENED_ON), "E6").met is met


@pytest.mark.parametrize("criterion_id, key", [("E7", "sintilimab_allergy"), ("E8", "prior_immunotherapy")])
@pytest.mark.parametrize("value, met", [(True, True), (False, False), (None, None)])
def test_yes_no_exclusions(criterion_id, key, value, met):
    assert criterion(evaluate(eligible_facts(**{key: value}), BIRTH_DATE, SCREENED_ON), criterion_id).met is met


@pytest.mark.parametrize("taken, dose, met", [
    (False, None, False),
    (True, 10, False),      # physiological systemic steroid dose is allowed
    (True, 10.1, True),
    (True, 0, False),
    (True, None, True),     # another immunosuppressant
    (False, 20, True),      # a dose above the limit excludes whatever the flag says
    (None, 20, True),
    (None, 5, None),
    (None, None, None),
])
def test_immunosuppressants(taken, dose, met):
    facts = eligible_facts(immunosuppressant_within_4_weeks=taken, systemic_steroid_mg_prednisone_per_day=dose)
    assert criterion(evaluate(facts, BIRTH_DATE, SCREENED_ON), "E9").met is met


@pytest.mark.parametrize("facts, birth_date, missing", [
    (without("ecog"), BIRTH_DATE, ("ecog",)),
    (eligible_facts(ecog=None), BIRTH_DATE, ("ecog",)),
    (eligible_facts(), None, ("birth_date",)),
    (with_lab(a_lab("alt", None)), BIRTH_DATE, ("labs.alt",)),
    (eligible_facts(labs=None), BIRTH_DATE, tuple(f"labs.{test}" for test in NORMAL_LABS)),
    (eligible_facts(child_pugh_score=None), BIRTH_DATE, ("child_pugh_score",)),
    (without("history", "sintilimab_allergy"), BIRTH_DATE, ("history", "sintilimab_allergy")),
])
def test_missing_facts_leave_the_verdict_open(facts, birth_date, missing):
    result = evaluate(facts, birth_date, SCREENED_ON)
    assert (result.eligible, result.missing, result.reasons_ineligible) == (None, missing, ())


def test_nothing_known_is_undecided_and_asks_for_everything():
    result = evaluate({}, None, SCREENED_ON)
    assert result.eligible is None
    assert {"birth_date", "ecog", "labs.alt", "labs.creatinine", "contraception_agreed", "history"} <= set(
        result.missing)
    assert "labs.hbv_dna" not in result.missing   # only asked once HBV infection is known


def test_a_known_failure_decides_even_with_facts_missing():
    facts = {**without("history", "residual_liver_volume_ml"), "ecog": 2}
    result = evaluate(facts, BIRTH_DATE, SCREENED_ON)
    assert result.eligible is False
    assert result.reasons_ineligible == ("I2, E2: ECOG 2 (need 0–1)",)
    assert result.missing == ("history", "residual_liver_volume_ml")


def test_unknown_lab_unit_is_an_error_not_a_verdict():
    with pytest.raises(UnknownUnit) as caught:
        evaluate(with_lab(a_lab("hemoglobin", 10, "mg/dL")), BIRTH_DATE, SCREENED_ON)
    assert "g/dL" in caught.value.accepted


def test_criteria_as_dicts_carry_the_api_fields():
    result = evaluate(eligible_facts(ecog=3), BIRTH_DATE, SCREENED_ON)
    rows = result.criteria_as_dicts()
    assert rows[1] == {"id": "I2", "kind": "inclusion", "title": "ECOG 0–1", "met": False,
                       "reason": "ECOG 3 (need 0–1)", "missing": []}
    assert rows[10]["id"] == "E2" and rows[10]["met"] is True
