"""Lab results through the API: the issue's scenario, bad input, corrections, the hold override,
the day-before job and the checks on hand-typed lab AEs."""
from tests.labs.conftest import ATTRIBUTION, at, panel
from tests.visits.test_views_api import counted_queries

PLATELETS = "Platelet count decreased"


def post_labs(api, patient, day, results, headers=None, **extra):
    return api.post(f"/api/v1/patients/{patient['id']}/lab-results",
                    json={"collected_on": day, "results": results, **extra}, headers=headers)


def flat(errors, prefix=""):
    """Field paths of a problem's `errors`, nested ({"results": {"0": ...}}) or dotted alike."""
    if not isinstance(errors, dict):
        return {prefix.rstrip(".")}
    return {path for key, value in errors.items() for path in flat(value, f"{prefix}{key}.")}


def candidates(api, patient):
    return api.get(f"/api/v1/patients/{patient['id']}/ae-candidates").get_json()["items"]


def test_low_platelets_before_a_session_hold_it_alert_and_propose_an_ae(nurse, dosed, clock):
    patient, visits = dosed
    session = visits["C02-HAIC"]
    assert session["scheduled_date"] == "2026-03-23"
    clock.set(at("2026-03-21"))
    response = post_labs(nurse, patient, "2026-03-21", panel(platelets=60))
    assert response.status_code == 201, response.get_json()
    platelets = next(r for r in response.get_json()["results"] if r["test"] == "platelets")
    assert (platelets["value_si"], platelets["unit_si"], platelets["ctcae_term"], platelets["grade"]) == (
        60, "×10⁹/L", PLATELETS, 2)

    day = nurse.get("/api/v1/visits", query_string={"from": "2026-03-23"}).get_json()["items"]
    held = next(item for item in day if item["id"] == session["id"])
    assert held["readiness"]["status"] == "hold"
    assert held["readiness"]["failing"] == [{"test": "platelets", "value": 60.0, "unit": "×10⁹/L",
                                             "limit": "≥ 75 ×10⁹/L", "collected_on": "2026-03-21"}]
    assert {item["readiness"]["status"] for item in day if item["kind"] != "haic"} == {"not_applicable"}

    alerts = nurse.get("/api/v1/alerts", query_string={"status": "open"}).get_json()["items"]
    hold_alerts = [a for a in alerts if a["kind"] == "lab_hold"]
    assert len(hold_alerts) == 1 and "platelets 60" in hold_alerts[0]["detail"]

    [candidate] = candidates(nurse, patient)
    assert (candidate["source"], candidate["ctcae_term"], candidate["grade"], candidate["onset_date"]) == (
        "lab", PLATELETS, 2, "2026-03-21")
    assert candidate["evidence"]["lab_result_id"] == platelets["id"]

    confirmed = nurse.post(f"/api/v1/patients/{patient['id']}/ae-candidates/{candidate['id']}/confirm",
                           json=ATTRIBUTION)
    assert confirmed.status_code == 201, confirmed.get_json()
    assert (confirmed.get_json()["ctcae_term"], confirmed.get_json()["grade"]) == (PLATELETS, 2)
    assert candidates(nurse, patient) == []
    safety = nurse.get("/api/v1/reports/safety", query_string={"cutoff": "2026-03-21"}).get_json()
    assert safety["any_ae"]["n"] == 1
    assert [(row["ctcae_term"], row["any_grade"]["n"]) for row in safety["by_term"]] == [(PLATELETS, 1)]


def test_worse_values_raise_the_confirmed_ae_and_same_or_better_add_nothing(nurse, dosed, clock):
    patient, _visits = dosed
    clock.set(at("2026-03-21"))
    post_labs(nurse, patient, "2026-03-21", panel(platelets=60))
    [candidate] = candidates(nurse, patient)
    event = nurse.post(f"/api/v1/patients/{patient['id']}/ae-candidates/{candidate['id']}/confirm",
                       json=ATTRIBUTION).get_json()
    clock.set(at("2026-03-24"))
    post_labs(nurse, patient, "2026-03-22", panel(platelets=65))  # same grade: nothing
    post_labs(nurse, patient, "2026-03-24", panel(platelets=40))  # grade 3: the AE's history rises
    again = nurse.get(f"/api/v1/adverse-events/{event['id']}").get_json()
    assert again["grade"] == 3
    assert [(h["grade"], h["effective_date"]) for h in again["history"]] == [(2, "2026-03-21"), (3, "2026-03-24")]
    assert candidates(nurse, patient) == []


def test_a_waiting_candidate_is_replaced_by_a_worse_value_only(nurse, dosed, clock):
    patient, _visits = dosed
    clock.set(at("2026-03-10"))
    post_labs(nurse, patient, "2026-03-09", panel(anc=1.2))  # G2
    post_labs(nurse, patient, "2026-03-10", panel(anc=1.6))  # G1: better, nothing new
    assert [(c["ctcae_term"], c["grade"]) for c in candidates(nurse, patient)] == [("Neutrophil count decreased", 2)]
    post_labs(nurse, patient, "2026-03-10", panel(anc=0.4))  # G4: replaces it, keeping the onset
    assert [(c["ctcae_term"], c["grade"], c["onset_date"]) for c in candidates(nurse, patient)] == [
        ("Neutrophil count decreased", 4, "2026-03-09")]
    [candidate] = candidates(nurse, patient)
    dismissed = nurse.post(f"/api/v1/patients/{patient['id']}/ae-candidates/{candidate['id']}/dismiss",
                           json={"reason": "lab error, redrawn"})
    assert dismissed.status_code == 200 and dismissed.get_json()["decision"] == "dismissed"
    assert candidates(nurse, patient) == []


def test_baseline_period_values_propose_nothing(nurse, enroll):
    patient = enroll()
    assert post_labs(nurse, patient, "2026-03-01", panel(platelets=60)).status_code == 201
    assert candidates(nurse, patient) == []


def test_bad_input_is_a_422_naming_the_field(nurse, dosed):
    patient, _visits = dosed
    cases = [
        ([{"test": "platelets", "value": 90000, "unit": "×10⁹/L", "lln": 125}], "results.0.value"),
        ([{"test": "platelets", "value": -1, "unit": "×10⁹/L", "lln": 125}], "results.0.value"),
        ([{"test": "hemoglobin", "value": 95, "unit": "×10⁹/L", "lln": 130}], "results.0.unit"),
        ([{"test": "platelets", "value": 60, "unit": "×10⁹/L"}], "results.0.lln"),
        ([{"test": "alt", "value": 60, "unit": "U/L"}], "results.0.uln"),
        ([{"test": "lipase", "value": 60, "unit": "U/L"}], "results.0.test"),
    ]
    for results, field in cases:
        response = post_labs(nurse, patient, "2026-03-02", results)
        assert response.status_code == 422, (results, response.get_json())
        assert field in flat(response.get_json()["errors"]), (field, response.get_json())
    future = post_labs(nurse, patient, "2026-03-03", panel())
    assert future.status_code == 422 and "collected_on" in future.get_json()["errors"]


def test_idempotency_key_records_once(nurse, dosed):
    patient, _visits = dosed
    headers = {"Idempotency-Key": "draw-0302-b"}
    first = post_labs(nurse, patient, "2026-03-02", panel(), headers=headers)
    second = post_labs(nurse, patient, "2026-03-02", panel(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] == second.get_json()["id"]
    items = nurse.get(f"/api/v1/patients/{patient['id']}/lab-results").get_json()["items"]
    assert len(items) == 2  # the dosed fixture's baseline draw and this one


def test_history_is_one_query_and_delta_syncs_corrections(app, nurse, dosed, clock):
    from app.extensions import db

    patient, _visits = dosed
    clock.set(at("2026-03-10"))
    draw = post_labs(nurse, patient, "2026-03-09", panel()).get_json()
    with counted_queries(db.engine) as statements:
        listed = nurse.get(f"/api/v1/patients/{patient['id']}/lab-results").get_json()["items"]
    assert len(listed) == 2 and all(len(c["results"]) == 6 for c in listed)
    assert sum("lab_results" in s or "lab_collections" in s for s in statements) == 1
    since = "2026-03-10T01:00:00+00:00"
    assert nurse.get(f"/api/v1/patients/{patient['id']}/lab-results",
                     query_string={"updated_since": since}).get_json()["items"] == []
    clock.set(at("2026-03-11"))
    result = next(r for r in draw["results"] if r["test"] == "alt")
    url = f"/api/v1/lab-results/{draw['id']}/results/{result['id']}"
    assert nurse.patch(url, json={"value": 300}).status_code == 422  # a reason is required
    corrected = nurse.patch(url, json={"value": 300, "reason": "transcription error"})
    assert corrected.status_code == 200, corrected.get_json()
    assert (corrected.get_json()["times_uln"], corrected.get_json()["grade"]) == (7.5, 3)
    synced = nurse.get(f"/api/v1/patients/{patient['id']}/lab-results",
                       query_string={"updated_since": since}).get_json()["items"]
    assert [c["id"] for c in synced] == [draw["id"]]
    audit = db.session.execute(db.text("SELECT reason FROM audit_entries WHERE entity = 'lab_result'")).all()
    assert [row[0] for row in audit] == ["transcription error"]


def test_completing_a_held_session_needs_an_investigators_override(nurse, login, dosed, clock):
    from app.extensions import db

    patient, visits = dosed
    clock.set(at("2026-03-23"))
    post_labs(nurse, patient, "2026-03-22", panel(platelets=60))
    url = f"/api/v1/visits/{visits['C02-HAIC']['id']}/complete"
    refused = nurse.post(url, json={"actual_date": "2026-03-23"})
    assert refused.status_code == 409 and refused.get_json()["readiness"]["status"] == "hold"
    assert nurse.post(url, json={"actual_date": "2026-03-23", "override_reason": "x"}).status_code == 403
    investigator = login("investigator")
    done = investigator.post(url, json={"actual_date": "2026-03-23",
                                        "override_reason": "platelets stable at 60 for 3 weeks, PI decision"})
    assert done.status_code == 200, done.get_json()
    assert "hold_overridden" in done.get_json()["visit"]["flags"]
    audit = db.session.execute(db.text(
        "SELECT reason FROM audit_entries WHERE action = 'visit:haic_hold_override'")).all()
    assert [row[0] for row in audit] == ["platelets stable at 60 for 3 weeks, PI decision"]


def test_the_day_before_job_alerts_missing_labs_once(app, nurse, dosed, clock):
    from app.extensions import db
    from app.labs.jobs import check_readiness

    _patient, _visits = dosed
    clock.set(at("2026-03-22"))
    assert check_readiness(at("2026-03-22")) == 1
    assert check_readiness(at("2026-03-22")) == 0  # idempotent
    db.session.commit()
    [alert] = [a for a in nurse.get("/api/v1/alerts").get_json()["items"] if a["kind"] == "lab_hold"]
    assert "labs missing" in alert["detail"] and "C02-HAIC" in alert["detail"]


def test_check_readiness_cli(app, dosed, clock):
    clock.set(at("2026-03-22"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["labs", "check-readiness"])
    assert result.exit_code == 0 and "opened" in result.output


def test_labs_visit_completes_with_its_draw(nurse, dosed, clock):
    patient, visits = dosed
    clock.set(at("2026-03-22"))
    labs_visit = visits["C02-LABS"]
    response = post_labs(nurse, patient, "2026-03-22", panel(), visit_id=labs_visit["id"])
    assert response.status_code == 201, response.get_json()
    again = nurse.get(f"/api/v1/visits/{labs_visit['id']}").get_json()
    assert (again["status"], again["actual_date"]) == ("completed", "2026-03-22")
    assert nurse.get(f"/api/v1/visits/{visits['C02-HAIC']['id']}").get_json()["readiness"]["status"] == "ready"
    wrong = post_labs(nurse, patient, "2026-03-22", panel(), visit_id=visits["C02-SINT"]["id"])
    assert wrong.status_code == 422 and "visit_id" in wrong.get_json()["errors"]


def test_a_hand_typed_lab_ae_that_disagrees_with_the_values_is_flagged(nurse, dosed, clock):
    patient, _visits = dosed
    clock.set(at("2026-03-21"))
    post_labs(nurse, patient, "2026-03-21", panel(platelets=60))  # grade 2
    body = {"ctcae_term": PLATELETS, "grade": 1, "onset_date": "2026-03-20", **ATTRIBUTION}
    typed = nurse.post(f"/api/v1/patients/{patient['id']}/adverse-events", json=body).get_json()
    assert typed["review_flags"][0]["kind"] == "lab_grade_mismatch"
    assert (typed["review_flags"][0]["recorded_grade"], typed["review_flags"][0]["lab_grade"]) == (1, 2)
    agreeing = nurse.post(f"/api/v1/patients/{patient['id']}/adverse-events",
                          json=body | {"grade": 2, "onset_date": "2026-03-21"}).get_json()
    assert agreeing["review_flags"] == []


def test_day_view_query_count_does_not_grow_with_sessions_and_labs(app, nurse, enroll, clock):
    from app.extensions import db

    def draw(patient):
        assert post_labs(nurse, patient, "2026-03-01", panel(platelets=60)).status_code == 201

    draw(enroll(screening_overrides={"initials": "QA"}))
    nurse.get("/api/v1/visits", query_string={"from": "2026-01-05"})  # warm: the view cache checks its triggers
    with counted_queries(db.engine) as few:
        items = nurse.get("/api/v1/visits", query_string={"from": "2026-03-02"}).get_json()["items"]
    assert {i["readiness"]["status"] for i in items if i["kind"] == "haic"} == {"hold"}
    for initials in ("QB", "QC", "QD"):
        draw(enroll(screening_overrides={"initials": initials}))
    with counted_queries(db.engine) as many:
        items = nurse.get("/api/v1/visits", query_string={"from": "2026-03-02"}).get_json()["items"]
    assert len([i for i in items if i["readiness"]["status"] == "hold"]) == 4
    assert len(many) == len(few)
    assert sum("lab_results" in statement for statement in many) == 1


def test_a_cached_day_view_shows_new_readiness_at_once(nurse, dosed, clock):
    """The day view's cache (issue 19) never shows a stale HAIC go/no-go: each lab result is a
    write to lab_results, so the next request builds the page again."""
    patient, visits = dosed
    session = visits["C02-HAIC"]
    clock.set(at("2026-03-21"))

    def readiness():
        day = nurse.get("/api/v1/visits", query_string={"from": "2026-03-23"}).get_json()["items"]
        return next(item for item in day if item["id"] == session["id"])["readiness"]["status"]

    assert readiness() == readiness() == "labs_missing"  # the second from the cache
    assert post_labs(nurse, patient, "2026-03-21", panel(platelets=60)).status_code == 201
    assert readiness() == "hold"
    clock.set(at("2026-03-22"))
    assert post_labs(nurse, patient, "2026-03-22", panel()).status_code == 201
    assert readiness() == readiness() == "ready"
