from tests.support.factories import eligible_facts, screening_body, with_lab

CRITERIA_IDS = [f"I{i}" for i in range(1, 10)] + [f"E{i}" for i in range(1, 10)]


def failing_ids(body):
    return {c["id"] for c in body["criteria"]
            if (c["id"].startswith("I") and c["met"] is False) or (c["id"].startswith("E") and c["met"] is True)}


def test_eligible_candidate(nurse):
    response = nurse.post("/api/v1/screenings", json=screening_body())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["eligible"] is True
    assert [c["id"] for c in body["criteria"]] == CRITERIA_IDS
    assert body["reasons_ineligible"] == [] and body["missing"] == []
    assert response.headers["ETag"] == '"1"'


def test_the_done_when_scenario_alt_and_platelets(nurse):
    facts = with_lab(with_lab(eligible_facts(), "alt", value=120, unit="U/L", uln=40),
                     "platelets", value=60, unit="10^9/L")
    body = nurse.post("/api/v1/screenings", json=screening_body(facts=facts)).get_json()
    assert body["eligible"] is False
    assert failing_ids(body) == {"I6", "E3"}
    reasons = " ".join(body["reasons_ineligible"])
    assert "ALT" in reasons and "latelet" in reasons


def test_missing_facts_give_null_and_the_list(nurse):
    facts = eligible_facts()
    del facts["ecog"]
    facts["labs"] = [lab for lab in facts["labs"] if lab["test"] != "hemoglobin"]
    body = nurse.post("/api/v1/screenings", json=screening_body(facts=facts)).get_json()
    assert body["eligible"] is None
    assert any("ecog" in m for m in body["missing"])
    assert any("hemoglobin" in m for m in body["missing"])


def test_unknown_unit_is_422(nurse):
    facts = with_lab(eligible_facts(), "hemoglobin", value=12, unit="furlongs")
    response = nurse.post("/api/v1/screenings", json=screening_body(facts=facts))
    assert response.status_code == 422
    assert "furlongs" in response.get_json()["detail"]


def test_rescreen_needs_reason_and_if_match(nurse):
    facts = eligible_facts()
    del facts["ecog"]
    created = nurse.post("/api/v1/screenings", json=screening_body(facts=facts)).get_json()
    url = f"/api/v1/screenings/{created['id']}"
    no_reason = nurse.patch(url, json={"facts": eligible_facts()})
    assert no_reason.status_code == 422
    stale = nurse.patch(url, json={"facts": eligible_facts(), "reason": "ECOG assessed"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    done = nurse.patch(url, json={"facts": eligible_facts(), "reason": "ECOG assessed"}, headers={"If-Match": '"1"'})
    assert done.status_code == 200 and done.get_json()["eligible"] is True
    assert done.headers["ETag"] == '"2"'


def test_screening_log_counts(nurse):
    nurse.post("/api/v1/screenings", json=screening_body())
    nurse.post("/api/v1/screenings", json=screening_body(facts=eligible_facts(ecog=2)))
    nurse.post("/api/v1/screenings", json=screening_body(facts=eligible_facts(ecog=None)))
    body = nurse.get("/api/v1/screenings").get_json()
    assert len(body["items"]) == 3
    summary = body["summary"]
    assert (summary["screened"], summary["eligible"], summary["ineligible"], summary["pending"]) == (3, 1, 1, 1)
    assert {r["id"] for r in summary["by_reason"]} == {"I2", "E2"}


def test_other_sites_screenings_are_404(nurse, login, admin):
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai"})
    other = login("nurse", "nurse-sh", site_code="SH")
    created = nurse.post("/api/v1/screenings", json=screening_body()).get_json()
    assert other.get(f"/api/v1/screenings/{created['id']}").status_code == 404
    assert other.get("/api/v1/screenings").get_json()["items"] == []
    assert other.post("/api/v1/screenings", json=screening_body(site="BJ")).status_code == 403


def test_pagination_and_cursor(nurse):
    for _ in range(5):
        nurse.post("/api/v1/screenings", json=screening_body())
    first = nurse.get("/api/v1/screenings?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = nurse.get(f"/api/v1/screenings?limit=2&cursor={first['next_cursor']}").get_json()
    assert [i["id"] for i in second["items"]] == [first["items"][1]["id"] + 1, first["items"][1]["id"] + 2]
    last = nurse.get(f"/api/v1/screenings?limit=2&cursor={second['next_cursor']}").get_json()
    assert len(last["items"]) == 1 and last["next_cursor"] is None


def test_screening_is_audited(nurse, coordinator):
    created = nurse.post("/api/v1/screenings", json=screening_body()).get_json()
    audit = coordinator.get(f"/api/v1/audit?entity=screening&id={created['id']}").get_json()["items"]
    assert len(audit) == 1 and audit[0]["actor"] == "nurse-bj" and audit[0]["action"] == "create"
    assert nurse.get("/api/v1/audit").status_code == 403
