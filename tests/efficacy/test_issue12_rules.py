"""Issue 12, pure rules: each derivation fault as a table test (no database, no clock).

Sources: PROTOCOL.md "Tumour response" and "Endpoints"; RECIST 1.1; FDA PFS guidance.
"""
from datetime import date, timedelta

import pytest

from app.assessments.best_response import SD_MIN_DAY, best_overall_response, evaluate_series
from app.assessments.bulk import summarize_series
from app.assessments.lesions import Assessment, Lesion, normalise_organ, validate_baseline
from app.assessments.recist import CR, NE, PD, PR, SD
from app.efficacy.derivation import (
    CENSOR_CODES, PatientEndpointData, derive_all_endpoints, derive_os, derive_patient_endpoints, derive_pfs,
    derived_records, progression_source,
)
from app.common.population import c1d1_of, is_treated, population_block, treated_ids
from app.efficacy.services import swimmer_progression_date

C1D1 = date(2025, 3, 3)


def day(n):
    """Study day n (day 1 = C1D1)."""
    return C1D1 + timedelta(days=n - 1)


def liver(lid, mm):
    return Lesion(lid, "liver", False, mm)


def node(lid, mm):
    return Lesion(lid, "lymph_node", True, mm)


def scan(n, lesions, non_target="none", new=False, sites=(), liver_nt="none"):
    return Assessment(day(n), tuple(lesions), non_target, new, tuple(sites), liver_nt)


# -- 1. C1D1 is the first dose actually given ---------------------------------------------
@pytest.mark.parametrize("doses, expected", [
    ([date(2026, 3, 9), date(2026, 3, 10)], date(2026, 3, 9)),  # HAIC or sintilimab, whichever first
    ([None, date(2026, 3, 12)], date(2026, 3, 12)),
    ([], None),                                                  # never dosed: no C1D1
])
def test_c1d1_is_the_first_dose_given(doses, expected):
    assert c1d1_of(doses) == expected


def test_os_counts_from_the_actual_first_dose_not_the_plan():
    # Plan 2026-03-02, first doses 2026-03-09, death 2026-06-08: day 92, not 99.
    data = PatientEndpointData("P1", date(2026, 3, 9), date(2026, 7, 1), death_date=date(2026, 6, 8))
    assert (derive_os(data).time_days, derive_os(data).event) == (92, True)


def test_a_scan_after_the_plan_but_before_the_first_dose_is_the_baseline():
    baseline = Assessment(date(2026, 3, 5), (liver("L1", 40),))
    follow_up = Assessment(date(2026, 4, 20), (liver("L1", 20),))
    series = evaluate_series(date(2026, 3, 9), [baseline, follow_up])
    assert series.baseline == baseline and series.measurable_at_baseline
    assert [t.overall_response for t in series.timepoints] == [PR]


# -- 2. one treated population ----------------------------------------------------------------
@pytest.mark.parametrize("c1d1s, cutoff, treated", [
    ({"A": date(2026, 1, 5), "B": None}, date(2026, 3, 1), {"A"}),          # enrolled, never dosed
    ({"A": date(2026, 1, 5), "B": date(2026, 3, 2)}, date(2026, 3, 1), {"A"}),  # dosed after the cutoff
    ({"A": date(2026, 3, 1)}, date(2026, 3, 1), {"A"}),                         # dosed on the cutoff
])
def test_treated_means_at_least_one_dose_by_the_cutoff(c1d1s, cutoff, treated):
    assert treated_ids(c1d1s, cutoff) == treated
    assert all(is_treated(c1d1s[k], cutoff) == (k in treated) for k in c1d1s)


def test_each_report_names_its_population():
    block = population_block(18, 17, n_response_evaluable=15)
    assert block["name"] == "treated" and "at least one dose" in block["definition"]
    assert (block["n_enrolled"], block["n_treated"], block["n_not_treated"]) == (18, 17, 1)
    assert block["n_response_evaluable"] == 15


# -- 3. response start = first CR or PR of the confirmed series ----------------------------
@pytest.mark.parametrize("points, best, start", [
    ([(42, PR), (126, CR), (168, CR)], CR, 42),             # PR deepening to a confirmed CR keeps the PR date
    ([(42, PR), (84, NE), (126, CR), (168, CR)], CR, 42),   # an NE does not interrupt the response
    ([(42, PR), (84, SD), (126, PR), (168, PR)], PR, 126),  # SD between: a new series
    ([(42, PR), (84, PR)], PR, 42),
    ([(42, CR), (84, CR)], CR, 42),
    ([(42, SD), (84, PR), (126, CR), (168, CR)], CR, 84),
])
def test_response_start_date(points, best, start):
    result = best_overall_response(C1D1, [(day(n), r) for n, r in points])
    assert (result.response, result.confirmed) == (best, True)
    assert result.response_start_date == result.first_response_date == day(start)


def test_ttr_and_dor_start_at_the_response_start():
    scans = [scan(-5, [liver("L1", 40)]), scan(43, [liver("L1", 25)]), scan(127, [liver("L1", 0)]),
             scan(169, [liver("L1", 0)])]
    data = PatientEndpointData("P1", C1D1, day(200), tuple(scans))
    rich = derive_patient_endpoints(data)
    assert rich.response_start_date == day(43) and rich.ttr.time_days == 43
    assert rich.dor.start_date == day(43)
    assert derive_all_endpoints([data]) == [rich]


# -- 4. relapse after CR is PD -----------------------------------------------------------------
@pytest.mark.parametrize("baseline, values, responses", [
    ([liver("L1", 20), liver("L2", 15)], [(0, 0), (0, 0), (4, 0)], [CR, CR, PD]),  # a 4 mm lesion is back
    ([node("N1", 16)], [(8,), (8,), (12,)], [CR, CR, PD]),                           # node back to >= 10 mm
    ([node("N1", 16)], [(8,), (8,), (9,)], [CR, CR, CR]),                            # a node < 10 mm is normal
    ([liver("L1", 20)], [(12,), (14,)], [PR, PR]),                                   # no CR yet: sum rules
])
def test_any_lesion_coming_back_after_a_cr_is_pd(baseline, values, responses):
    scans = [Assessment(day(-5), tuple(baseline))]
    for i, row in enumerate(values):
        lesions = [Lesion(b.lesion_id, b.organ, b.nodal, v) for b, v in zip(baseline, row)]
        scans.append(Assessment(day(43 + 42 * i), tuple(lesions)))
    series = evaluate_series(C1D1, scans)
    assert [t.overall_response for t in series.timepoints] == responses
    expected_pd = next((t.date for t in series.timepoints if t.overall_response == PD), None)
    assert series.progression_date == expected_pd
    assert summarize_series(C1D1, scans).progression_date == expected_pd  # the bulk path agrees


# -- 5. the liver response is RECIST on the liver as a body of its own -------------------------
@pytest.mark.parametrize("new, sites, liver_nt, overall, liver_response", [
    (True, ("liver",), "none", PD, PD),              # new liver lesions: liver PD
    (True, ("extrahepatic",), "none", PD, PR),       # new extrahepatic lesion: overall PD only
    (True, ("liver", "extrahepatic"), "none", PD, PD),
    (False, (), "pd", PR, PD),                       # the liver's non-target disease progressed
    (False, (), "non_cr_non_pd", PR, PR),
    (False, (), None, PR, PR),                       # not recorded apart: the overall state stands in
])
def test_liver_response(new, sites, liver_nt, overall, liver_response):
    baseline = scan(-5, [liver("L1", 40), Lesion("P1", "lung", False, 20)], non_target="non_cr_non_pd",
                    liver_nt="non_cr_non_pd")
    follow = scan(43, [liver("L1", 20), Lesion("P1", "lung", False, 16)], non_target="non_cr_non_pd",
                  new=new, sites=sites, liver_nt=liver_nt)
    point = evaluate_series(C1D1, [baseline, follow]).timepoints[0]
    assert (point.overall_response, point.liver_response) == (overall, liver_response)
    bulk = summarize_series(C1D1, [baseline, follow])
    rich = evaluate_series(C1D1, [baseline, follow])
    assert bulk.liver_best_response == rich.liver_best_response


def test_liver_non_target_not_recorded_apart_reads_the_overall_state():
    baseline = scan(-5, [liver("L1", 40)], non_target="non_cr_non_pd", liver_nt=None)
    follow = scan(43, [liver("L1", 20)], non_target="pd", liver_nt=None)
    point = evaluate_series(C1D1, [baseline, follow]).timepoints[0]
    assert (point.overall_response, point.liver_response) == (PD, PD)


def test_a_liver_responder_with_new_liver_lesions_is_not_a_liver_responder():
    scans = [scan(-5, [liver("L1", 40)]), scan(43, [liver("L1", 20)]),
             scan(85, [liver("L1", 20)], new=True, sites=("liver",))]
    endpoints = derive_patient_endpoints(PatientEndpointData("P1", C1D1, day(100), tuple(scans)))
    assert endpoints.liver_best_response == SD and not endpoints.liver_responder


# -- 6. organs are a controlled vocabulary --------------------------------------------------------
@pytest.mark.parametrize("text, organ", [
    ("liver", "liver"), ("Liver segment VII", "liver"), ("hepatic", "liver"), ("Hepatic dome", "liver"),
    ("lymph node", "lymph_node"), ("Lymph_Node", "lymph_node"), ("mediastinal node", "lymph_node"),
    ("Right lung", "lung"), ("pulmonary", "lung"), ("adrenal gland", "adrenal"), ("peritoneum", "peritoneum"),
    ("esophagus", "esophagus"), ("oesophageal wall", "esophagus"), ("T12 vertebra", "bone"), ("肝", "liver"),
    ("other", "other"), ("spleen", "other"), ("Left kidney", "other"), ("hepatic hilar lymph node", "lymph_node"),
    ("pulmonary nodule", "lung"), ("xyz", None), ("", None),
])
def test_organ_normalisation(text, organ):
    assert normalise_organ(text) == organ


@pytest.mark.parametrize("lesions, rule", [
    ([Lesion("N1", "cervical node", True, 20), Lesion("N2", "mediastinal node", True, 20),
      Lesion("N3", "hilar node", True, 20)], "max_targets_per_organ"),          # all nodes are one organ
    ([liver("L1", 20), Lesion("L2", "Liver segment VII", False, 20), Lesion("L3", "hepatic", False, 20)],
     "max_targets_per_organ"),
])
def test_at_most_two_targets_per_organ(lesions, rule):
    assert any(p.startswith(rule) for p in validate_baseline(lesions))


# -- 7. PFS: missed scans on the protocol dates, clinical progression, censoring reasons -------
def _pfs_patient(progression_event=None, death=None, cutoff=None):
    scans = (scan(-5, [liver("L1", 40)]), scan(43, [liver("L1", 38)]))
    return PatientEndpointData("P1", C1D1, cutoff or day(400), scans, death_date=death,
                               progression_event_date=progression_event)


@pytest.mark.parametrize("kw, pfs, pfssens", [
    # clinical progression (no PD scan) on day 60, death 7 months later
    ({"progression_event": day(60), "death": day(275)},
     (43, False, "clinical progression without a PD scan", 5), (60, True, "clinical progression", 0)),
    # same death, no progression event: the protocol's missed scans censor it (day 85, 127, ...)
    ({"death": day(275)}, (43, False, "death after 5 missed assessments", 4),
     (43, False, "death after 5 missed assessments", 4)),
    ({"death": day(100)}, (100, True, "death", 0), (100, True, "death", 0)),  # one missed scan only
    ({}, (43, False, "no progression or death", 3), (43, False, "no progression or death", 3)),
])
def test_pfs_and_pfssens(kw, pfs, pfssens):
    data = _pfs_patient(**kw)
    for outcome, expected in ((derive_pfs(data), pfs), (derive_pfs(data, sensitivity=True), pfssens)):
        assert (outcome.time_days, outcome.event, outcome.reason, outcome.cnsr) == expected
    assert derive_all_endpoints([data])[0] == derive_patient_endpoints(data)


def test_every_censored_patient_carries_its_reason_and_code():
    data = _pfs_patient(progression_event=day(60), death=day(275))
    rows = {r["PARAMCD"]: r for r in derived_records(derive_patient_endpoints(data))}
    assert set(rows) == {"OS", "PFS", "PFSSENS"}  # no DOR/TTR for a non-responder
    assert rows["PFS"] | {} == {"USUBJID": "P1", "PARAMCD": "PFS", "C1D1": C1D1, "STARTDT": C1D1, "ADT": day(43),
                                "AVAL": 43, "CNSR": CENSOR_CODES["clinical progression without a PD scan"],
                                "EVNTDESC": None, "CNSDTDSC": "clinical progression without a PD scan"}
    assert (rows["PFSSENS"]["CNSR"], rows["PFSSENS"]["EVNTDESC"]) == (0, "clinical progression")
    assert (rows["OS"]["CNSR"], rows["OS"]["AVAL"]) == (0, 275)


@pytest.mark.parametrize("pd_scan, event, source", [
    (day(85), day(90), "radiological"), (None, day(90), "clinical"), (day(95), day(90), "clinical"),
    (day(85), None, "radiological"), (None, None, None),
])
def test_progression_source(pd_scan, event, source):
    data = PatientEndpointData("P1", C1D1, day(400), progression_event_date=event)
    assert progression_source(data, pd_scan) == source


@pytest.mark.parametrize("pd_scan, event, cutoff, marker", [
    (day(85), None, day(400), day(85)), (None, day(90), day(400), day(90)), (day(85), day(80), day(400), day(80)),
    (None, day(90), day(60), None), (None, None, day(400), None),
])
def test_swimmer_progression_marker(pd_scan, event, cutoff, marker):
    assert swimmer_progression_date(pd_scan, event, cutoff) == marker


# -- 9. SD counts from study day 36 -----------------------------------------------------------------
@pytest.mark.parametrize("study_day, best", [(35, NE), (36, SD), (43, SD)])
def test_sd_minimum_is_study_day_36(study_day, best):
    assert SD_MIN_DAY == 36
    assert best_overall_response(C1D1, [(day(study_day), SD)]).response == best


def test_sd_minimum_and_confirmation_are_protocol_data():
    from app.schedules.protocol import ResponseRules, default_protocol, parse_protocol
    from app.schedules.protocol import _read_yaml, PROTOCOLS_DIR

    assert default_protocol().response == ResponseRules(confirm_days=28, sd_min_day=36)
    document = _read_yaml(PROTOCOLS_DIR / "nct06184841_v1.yaml")
    document["response"] = {"confirm_days": 30, "sd_min_day": 43}
    assert parse_protocol(document).response == ResponseRules(30, 43)
    del document["response"]
    assert parse_protocol(document).response == ResponseRules()
