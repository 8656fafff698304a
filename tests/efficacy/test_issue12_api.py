"""Issue 12 through the API: each derivation fault, reproduced as the issue tells it."""
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.followup.past_patients import enroll_on, give_first_dose, post_event
from tests.support.factories import screening_body


@pytest.fixture
def app_config(app_config):
    """Tokens outlive the months these tests move the clock through."""
    app_config.TOKEN_TTL_SECONDS = 3 * 365 * 24 * 3600
    return app_config


@pytest.fixture
def investigator(login):
    return login("investigator")


def at(day: str, hour: int = 1):
    """``hour`` UTC on ``day`` (01:00 UTC = 09:00 in Beijing)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=timezone.utc)


def lesion(lesion_id, mm, organ="liver", nodal=False):
    return {"lesion_id": lesion_id, "organ": organ, "nodal": nodal, "diameter_mm": mm}


def post_scan(api, patient_id, when, lesions, new_lesions=False, sites=None, non_target="none", **extra):
    body = {"date": str(when), "target_lesions": lesions, "non_target": non_target, "new_lesions": new_lesions,
            **extra}
    if sites is not None:
        body["new_lesion_sites"] = sites
    return api.post(f"/api/v1/patients/{patient_id}/tumor-assessments", json=body)


def visits_of(api, patient_id):
    items = api.get(f"/api/v1/patients/{patient_id}/visits").get_json()["items"]
    return {visit["code"]: visit for visit in items}


# -- 1. C1D1 = first dose actually given -----------------------------------------------------------
def test_late_first_dose_moves_c1d1_baseline_window_and_os(coordinator, clock):
    patient = enroll_on(coordinator, date(2026, 3, 2))  # planned C1D1
    assert patient["c1d1"] is None and patient["treatment_start"] == "2026-03-02"
    clock.set(at("2026-03-06"))
    # After the plan, before the real first dose: this is the baseline (was 422 baseline_required).
    baseline = post_scan(coordinator, patient["id"], "2026-03-05", [lesion("L1", 40)])
    assert baseline.status_code == 201, baseline.get_json()
    assert baseline.get_json()["role"] == "baseline"
    clock.set(at("2026-03-09"))
    give_first_dose(coordinator, patient["id"], date(2026, 3, 9))
    got = coordinator.get(f"/api/v1/patients/{patient['id']}").get_json()
    assert (got["c1d1"], got["treatment_start"]) == ("2026-03-09", "2026-03-02")
    clock.set(at("2026-06-10"))
    post_event(coordinator, patient["id"], "death", date(2026, 6, 8))
    report = coordinator.get("/api/v1/reports/efficacy", query_string={"cutoff": "2026-06-10"}).get_json()
    assert (report["os"]["n"], report["os"]["events"], report["os"]["median_days"]) == (1, 1, 92)
    response = coordinator.get(f"/api/v1/patients/{patient['id']}/response").get_json()
    assert response["baseline_date"] == "2026-03-05" and response["response_evaluable"] is True


def test_treatment_start_is_correctable_with_a_reason_before_dosing(coordinator, nurse, clock):
    patient = enroll_on(coordinator, date(2026, 3, 9))
    url = f"/api/v1/patients/{patient['id']}"
    assert coordinator.patch(url, json={"treatment_start": "2026-03-16"}).status_code == 422  # no reason
    assert nurse.patch(url, json={"treatment_start": "2026-03-16", "reason": "bed"}).status_code == 403
    moved = coordinator.patch(url, json={"treatment_start": "2026-03-16", "reason": "angiography suite closed"})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["treatment_start"] == "2026-03-16"
    visits = visits_of(coordinator, patient["id"])
    assert visits["C01-SINT"]["target_date"] == "2026-03-16"
    assert visits["IMG-W06"]["target_date"] == "2026-04-27"  # 6 weeks from the corrected C1D1
    clock.set(at("2026-03-16"))
    give_first_dose(coordinator, patient["id"])
    refused = coordinator.patch(url, json={"treatment_start": "2026-03-23", "reason": "too late"})
    assert refused.status_code == 409


# -- 2. one treated population ------------------------------------------------------------------------
def test_safety_and_efficacy_count_the_same_treated_population(coordinator, clock):
    dosed = enroll_on(coordinator, date(2026, 3, 2))
    enroll_on(coordinator, date(2026, 3, 2))  # enrolled, never dosed
    give_first_dose(coordinator, dosed["id"])
    clock.set(at("2026-03-20"))
    safety = coordinator.get("/api/v1/reports/safety", query_string={"cutoff": "2026-03-20"}).get_json()
    efficacy = coordinator.get("/api/v1/reports/efficacy", query_string={"cutoff": "2026-03-20"}).get_json()
    assert safety["n_treated"] == efficacy["n_treated"] == 1
    for report in (safety, efficacy):
        population = report["population"]
        assert population["name"] == "treated" and "at least one dose" in population["definition"]
        assert (population["n_enrolled"], population["n_treated"], population["n_not_treated"]) == (2, 1, 1)
    assert efficacy["os"]["n"] == 1 and efficacy["population"]["n_response_evaluable"] == 0
    assert (efficacy["orr"]["n_evaluable"], efficacy["orr_all_treated"]["n_evaluable"]) == (0, 1)


# -- 3, 4, 8: response start, relapse after CR, progression task -------------------------------------
R_C1D1 = date(2025, 6, 9)  # a Monday, not a holiday


def study_day(n: int) -> str:
    """The ISO date of study day n of the responder (day 1 = C1D1)."""
    return (R_C1D1 + timedelta(days=n - 1)).isoformat()


@pytest.fixture
def responder(coordinator, clock):
    """Dosed on R_C1D1; baseline liver 20 + 15 mm."""
    clock.set(at(R_C1D1.isoformat()))
    patient = enroll_on(coordinator, R_C1D1, dosed=True)
    assert patient["c1d1"] == R_C1D1.isoformat()
    assert post_scan(coordinator, patient["id"], study_day(-4), [lesion("L1", 20), lesion("L2", 15)]).status_code == 201
    clock.set(at("2026-03-02"))
    return patient


def test_response_start_is_the_first_pr_of_the_confirmed_series(coordinator, responder):
    c1d1 = R_C1D1
    for days, (a, b) in ((41, (12, 8)), (125, (0, 0)), (167, (0, 0))):  # PR day 42, CR day 126, CR day 168
        assert post_scan(coordinator, responder["id"], c1d1 + timedelta(days=days),
                         [lesion("L1", a), lesion("L2", b)]).status_code == 201
    response = coordinator.get(f"/api/v1/patients/{responder['id']}/response").get_json()
    assert (response["best_overall_response"], response["confirmed"]) == ("CR", True)
    assert response["response_start_date"] == response["first_response_date"] == study_day(42)  # day 42
    report = coordinator.get("/api/v1/reports/efficacy").get_json()
    assert report["ttr"]["median_days"] == 42


def test_relapse_after_cr_is_pd_and_opens_the_investigators_task(coordinator, investigator, responder):
    c1d1 = R_C1D1
    for days, (a, b) in ((41, (0, 0)), (83, (0, 0))):
        assert post_scan(coordinator, responder["id"], c1d1 + timedelta(days=days),
                         [lesion("L1", a), lesion("L2", b)]).status_code == 201
    assert not [a for a in investigator.get("/api/v1/alerts?status=open").get_json()["items"]
                if a["kind"] == "confirm_progression"]
    back = post_scan(coordinator, responder["id"], c1d1 + timedelta(days=125), [lesion("L1", 4), lesion("L2", 0)])
    assert back.get_json()["timepoint_response"] == "PD"  # 4 mm after a CR: PD whatever the sum
    response = coordinator.get(f"/api/v1/patients/{responder['id']}/response").get_json()
    assert (response["best_overall_response"], response["progression_date"]) == ("CR", study_day(126))
    assert response["progression_source"] == "radiological"
    tasks = [a for a in investigator.get("/api/v1/alerts?status=open").get_json()["items"]
             if a["kind"] == "confirm_progression"]
    assert len(tasks) == 1 and tasks[0]["patient_id"] == responder["id"]
    # Still on treatment, doses booked, until the investigator confirms.
    assert coordinator.get(f"/api/v1/patients/{responder['id']}").get_json()["status"] == "on_treatment"
    url = f"/api/v1/patients/{responder['id']}/progression/confirm"
    body = {"date": study_day(126), "source": "radiological", "treatment_beyond_progression": False,
            "reason": "RECIST PD confirmed"}
    assert coordinator.post(url, json=body).status_code == 403  # the investigator's decision
    confirmed = investigator.post(url, json=body)
    assert confirmed.status_code == 201, confirmed.get_json()
    assert confirmed.get_json()["event"]["source"] == "radiological"
    assert confirmed.get_json()["patient"]["status"] == "follow_up"
    later = [v for v in visits_of(coordinator, responder["id"]).values()
             if v["kind"] == "sintilimab" and v["target_date"] > study_day(126)]
    assert later and all(v["status"] == "cancelled" for v in later)
    assert not [a for a in investigator.get("/api/v1/alerts?status=open").get_json()["items"]
                if a["kind"] == "confirm_progression"]
    assert investigator.post(url, json=body).status_code == 409


def test_treatment_beyond_progression_keeps_sintilimab_booked(coordinator, investigator, responder):
    c1d1 = R_C1D1
    assert post_scan(coordinator, responder["id"], c1d1 + timedelta(days=41),
                     [lesion("L1", 30), lesion("L2", 20)]).status_code == 201  # +43 %: PD
    url = f"/api/v1/patients/{responder['id']}/progression/confirm"
    confirmed = investigator.post(url, json={"date": study_day(42), "source": "radiological",
                                             "treatment_beyond_progression": True, "reason": "clinical benefit"})
    assert confirmed.status_code == 201, confirmed.get_json()
    assert confirmed.get_json()["patient"]["status"] == "on_treatment"
    assert confirmed.get_json()["event"]["treatment_beyond_progression"] is True
    later = [v for v in visits_of(coordinator, responder["id"]).values()
             if v["kind"] == "sintilimab" and v["target_date"] > study_day(42)]
    assert later and all(v["status"] == "scheduled" for v in later)


def test_radiological_confirmation_needs_a_pd_scan(investigator, responder):
    response = investigator.post(f"/api/v1/patients/{responder['id']}/progression/confirm",
                                 json={"date": study_day(42), "source": "radiological", "reason": "x"})
    assert response.status_code == 422


# -- 5, 6: liver response and organ vocabulary ------------------------------------------------------
def test_liver_response_counts_new_liver_lesions_only(coordinator, responder):
    c1d1 = R_C1D1
    extra = post_scan(coordinator, responder["id"], c1d1 + timedelta(days=41), [lesion("L1", 10), lesion("L2", 7)],
                      new_lesions=True, sites=["extrahepatic"])
    assert (extra.get_json()["timepoint_response"], extra.get_json()["liver_response"]) == ("PD", "PR")
    assert extra.get_json()["new_lesion_sites"] == ["extrahepatic"]
    hepatic = post_scan(coordinator, responder["id"], c1d1 + timedelta(days=83), [lesion("L1", 10), lesion("L2", 7)],
                        new_lesions=True, sites=["liver"])
    assert (hepatic.get_json()["timepoint_response"], hepatic.get_json()["liver_response"]) == ("PD", "PD")
    missing = post_scan(coordinator, responder["id"], c1d1 + timedelta(days=125), [lesion("L1", 10)],
                        new_lesions=True)
    assert missing.status_code == 422 and "new_lesion_sites" in missing.get_json()["errors"]


def test_non_target_liver_progression_is_liver_pd(coordinator, responder):
    scan = post_scan(coordinator, responder["id"], study_day(42), [lesion("L1", 10), lesion("L2", 7)],
                     non_target="non_cr_non_pd", non_target_liver="pd")
    assert scan.status_code == 201, scan.get_json()
    assert (scan.get_json()["timepoint_response"], scan.get_json()["liver_response"]) == ("PR", "PD")


def test_organs_are_normalised_and_nodes_are_one_organ(coordinator, clock):
    clock.set(at("2026-03-06"))
    patient = enroll_on(coordinator, date(2026, 3, 9))
    nodes = [lesion(f"N{i}", 20, organ, True) for i, organ in enumerate(("cervical", "mediastinal", "hilar"))]
    refused = post_scan(coordinator, patient["id"], "2026-03-05", nodes)
    assert refused.status_code == 422 and "max_targets_per_organ" in refused.get_json()["rules"]
    unknown = post_scan(coordinator, patient["id"], "2026-03-05", [lesion("X1", 20, "no such organ")])
    assert unknown.status_code == 422 and "organ_vocabulary" in unknown.get_json()["rules"]
    spelled = post_scan(coordinator, patient["id"], "2026-03-05",
                        [lesion("L1", 30, "Liver segment VII"), lesion("L2", 20, "hepatic"),
                         lesion("N1", 20, "lymph node", True)])
    assert spelled.status_code == 201, spelled.get_json()
    assert [l["organ"] for l in spelled.get_json()["target_lesions"]] == ["liver", "liver", "lymph_node"]
    response = coordinator.get(f"/api/v1/patients/{patient['id']}/response").get_json()
    assert response["liver_evaluable"] is True


# -- 7. PFS, clinical progression, missed scans ---------------------------------------------------------
def test_clinical_progression_is_censored_in_pfs_and_an_event_in_pfssens(coordinator, responder, clock):
    c1d1 = R_C1D1
    assert post_scan(coordinator, responder["id"], c1d1 + timedelta(days=42), [lesion("L1", 19), lesion("L2", 15)]
                     ).status_code == 201  # SD on day 43
    post_event(coordinator, responder["id"], "progression", c1d1 + timedelta(days=59))  # no PD scan
    clock.set(at("2026-04-01"))
    post_event(coordinator, responder["id"], "death", c1d1 + timedelta(days=274))  # 7 months later
    response = coordinator.get(f"/api/v1/patients/{responder['id']}/response").get_json()
    assert response["progression_source"] == "clinical" and response["progression_date"] is None
    events = coordinator.get(f"/api/v1/patients/{responder['id']}/events").get_json()["items"]
    assert [e["source"] for e in events if e["type"] == "progression"] == ["clinical"]
    report = coordinator.get("/api/v1/reports/efficacy").get_json()
    assert (report["pfs"]["n"], report["pfs"]["events"]) == (1, 0)  # censored at day 43
    assert (report["pfssens"]["n"], report["pfssens"]["events"], report["pfssens"]["median_days"]) == (1, 1, 60)
    assert report["os"]["events"] == 1


def test_missed_scans_are_counted_on_protocol_dates_not_visit_statuses(coordinator, responder, clock):
    c1d1 = R_C1D1
    assert post_scan(coordinator, responder["id"], c1d1 + timedelta(days=42), [lesion("L1", 19), lesion("L2", 15)]
                     ).status_code == 201
    imaging = [v for v in visits_of(coordinator, responder["id"]).values()
               if v["kind"] == "imaging" and v["status"] == "scheduled" and "2025-08-01" < v["target_date"] < "2026-01-01"]
    for visit in imaging:  # cancelling instead of missing the scans must change nothing
        assert coordinator.post(f"/api/v1/visits/{visit['id']}/cancel", json={"reason": "machine down"}
                                ).status_code == 200
    clock.set(at("2026-04-01"))
    post_event(coordinator, responder["id"], "death", c1d1 + timedelta(days=274))
    report = coordinator.get("/api/v1/reports/efficacy").get_json()
    assert (report["pfs"]["events"], report["pfs"]["median_days"]) == (0, None)  # censored at day 43


# -- 9. SD minimum ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("offset, best", [(34, "NE"), (35, "SD")])  # study days 35 and 36
def test_sd_counts_from_study_day_36(coordinator, responder, offset, best):
    scan = post_scan(coordinator, responder["id"], R_C1D1 + timedelta(days=offset),
                     [lesion("L1", 19), lesion("L2", 15)])
    assert scan.get_json()["timepoint_response"] == "SD"
    response = coordinator.get(f"/api/v1/patients/{responder['id']}/response").get_json()
    assert response["best_overall_response"] == best


# -- 10. CTCAE coding ---------------------------------------------------------------------------------------
def _ae(**overrides):
    body = {"ctcae_term": "Nausea", "grade": 2, "onset_date": "2026-03-01", "serious": False,
            "attribution": {"haic": "possible", "sintilimab": "unlikely", "procedure": "unrelated"},
            "immune_related": False, "aesi": False}
    return body | overrides


@pytest.mark.parametrize("body, status, term, code", [
    (_ae(ctcae_term="Abdominal distension", grade=3), 201, "Abdominal distension", "10000060"),
    (_ae(ctcae_term="abdominal distension", grade=3), 201, "Abdominal distension", "10000060"),
    (_ae(ctcae_term="Bloating", grade=3), 422, None, None),                  # Bloating has grades 1-2 only
    (_ae(ctcae_term="Atrial fibrillation", grade=2), 201, "Atrial fibrillation", "10003658"),
    (_ae(ctcae_term="Gastrointestinal disorders - Other, specify", grade=2), 422, None, None),
    (_ae(ctcae_term="Gastrointestinal disorders - Other, specify", grade=2, other_specify="肠梗阻样腹痛"), 201,
     "Gastrointestinal disorders - Other, specify", "10017947"),
    (_ae(other_specify="not for an ordinary term"), 422, None, None),
])
def test_ctcae_coding(coordinator, body, status, term, code):
    patient = enroll_on(coordinator, date(2026, 3, 2), dosed=True)
    response = coordinator.post(f"/api/v1/patients/{patient['id']}/adverse-events", json=body)
    assert response.status_code == status, response.get_json()
    if status == 201:
        assert (response.get_json()["ctcae_term"], response.get_json()["meddra_code"]) == (term, code)
        assert response.get_json()["other_specify"] == body.get("other_specify")


# -- 11. "today" is the site's date ----------------------------------------------------------------------------
def test_screening_dated_today_at_the_site_is_accepted_at_2330z(coordinator, clock):
    clock.set(datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))  # 07:30 on 2 March in Beijing
    today = coordinator.post("/api/v1/screenings", json=screening_body(screened_on="2026-03-02"))
    assert today.status_code == 201, today.get_json()
    tomorrow = coordinator.post("/api/v1/screenings", json=screening_body(screened_on="2026-03-03"))
    assert tomorrow.status_code == 422


def test_admin_day_view_without_a_site_uses_the_site_date_at_2330z(coordinator, admin, clock):
    patient = enroll_on(coordinator, date(2026, 3, 2))
    c1 = visits_of(coordinator, patient["id"])["C01-SINT"]
    assert c1["scheduled_date"] == "2026-03-02"
    clock.set(datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))  # 2 March in Beijing, 1 March in UTC
    items = admin.get("/api/v1/visits").get_json()["items"]
    assert c1["id"] in {visit["id"] for visit in items}


def test_retracting_the_pd_scan_closes_the_confirmation_task(coordinator, investigator, responder):
    pd = post_scan(coordinator, responder["id"], study_day(42), [lesion("L1", 30), lesion("L2", 20)])
    assert pd.get_json()["timepoint_response"] == "PD"
    open_tasks = lambda: [a for a in investigator.get("/api/v1/alerts?status=open").get_json()["items"]  # noqa: E731
                          if a["kind"] == "confirm_progression"]
    assert len(open_tasks()) == 1
    retracted = coordinator.post(f"/api/v1/patients/{responder['id']}/tumor-assessments/{pd.get_json()['id']}/retract",
                                 json={"reason": "wrong patient's images"})
    assert retracted.status_code == 200
    assert open_tasks() == []


def test_progression_confirm_honours_if_match(coordinator, investigator, responder):
    """API.md: a write with If-Match that does not match the current version gets 412 and
    changes nothing; the confirmation's If-Match is the patient's ETag (the one it answers)."""
    assert post_scan(coordinator, responder["id"], R_C1D1 + timedelta(days=41),
                     [lesion("L1", 30), lesion("L2", 20)]).status_code == 201  # +43 %: PD
    url = f"/api/v1/patients/{responder['id']}/progression/confirm"
    body = {"date": study_day(42), "source": "radiological", "reason": "PD on CT"}
    current = investigator.get(f"/api/v1/patients/{responder['id']}").headers["ETag"]
    stale = investigator.post(url, json=body, headers={"If-Match": '"999"'})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert investigator.get(f"/api/v1/patients/{responder['id']}").get_json()["status"] == "on_treatment"
    confirmed = investigator.post(url, json=body, headers={"If-Match": current})
    assert confirmed.status_code == 201, confirmed.get_json()
    assert confirmed.headers["ETag"] != current
