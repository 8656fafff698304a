"""Issue 17 items 2 and 3 for visits: corrections with a reason, reschedule guard rails and undo,
the day view without cancelled visits, timing labels."""
from tests.visits.test_lifecycle_api import shifted


def _etag(visit):
    return {"If-Match": f'"{visit["version"]}"'}


def _complete(nurse, visit, day, dose=None):
    response = nurse.post(f"/api/v1/visits/{visit['id']}/complete",
                          json={"actual_date": day, "dose_mg": dose}, headers=_etag(visit))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["visit"]


def test_a_completed_visit_dose_is_corrected_with_reason_and_audited(nurse, enroll, visits_of, admin):
    patient = enroll()
    visit = _complete(nurse, visits_of(patient["id"])["C01-SINT"], "2026-03-02", 200)
    refused = nurse.patch(f"/api/v1/visits/{visit['id']}", json={"dose_mg": 180}, headers=_etag(visit))
    assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]
    stale = nurse.patch(f"/api/v1/visits/{visit['id']}", json={"dose_mg": 180, "reason": "typo"},
                        headers={"If-Match": '"999"'})
    assert stale.status_code == 412
    response = nurse.patch(f"/api/v1/visits/{visit['id']}", json={"dose_mg": 180, "reason": "typo in dose"},
                           headers=_etag(visit))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["visit"]["dose_mg"] == 180
    entries = admin.get(f"/api/v1/audit?entity=visit&id={visit['id']}").get_json()["items"]
    correction = [entry for entry in entries if entry["action"] == "visit:correct"][-1]
    assert correction["before"]["dose_mg"] == 200 and correction["after"]["dose_mg"] == 180
    assert correction["reason"] == "typo in dose"


def test_a_scheduled_visit_is_not_corrected_but_completed(nurse, enroll, visits_of):
    visit = visits_of(enroll()["id"])["C01-SINT"]
    response = nurse.patch(f"/api/v1/visits/{visit['id']}", json={"dose_mg": 180, "reason": "x"})
    assert response.status_code == 409


def test_correcting_the_actual_day_of_a_dose_reanchors_later_cycles(nurse, enroll, visits_of, clock):
    from tests.visits.test_lifecycle_api import at_site_morning

    patient = enroll()
    clock.set(at_site_morning("2026-03-05"))
    visit = _complete(nurse, visits_of(patient["id"])["C01-SINT"], "2026-03-02", 200)
    before = visits_of(patient["id"])
    response = nurse.patch(f"/api/v1/visits/{visit['id']}", json={"actual_date": "2026-03-04",
                                                                  "reason": "date entered wrong"},
                           headers=_etag(visit))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["visit"]["actual_date"] == "2026-03-04"
    after = visits_of(patient["id"])
    assert after["C02-SINT"]["target_date"] == shifted(before["C02-SINT"]["target_date"], 2)


def test_a_typo_year_is_refused_naming_the_allowed_range(nurse, enroll, visits_of):
    patient = enroll()
    c3 = visits_of(patient["id"])["C03-SINT"]
    response = nurse.post(f"/api/v1/visits/{c3['id']}/reschedule", json={"date": "2107-04-26", "reason": "typo"},
                          headers=_etag(c3))
    assert response.status_code == 422
    body = response.get_json()
    assert body["allowed_from"] == c3["window_start"]
    assert body["allowed_from"] in body["detail"] and body["allowed_to"] in body["detail"]
    assert visits_of(patient["id"])["C03-SINT"]["scheduled_date"] == c3["scheduled_date"]


def test_undo_restores_every_visit_the_reschedule_moved(nurse, enroll, visits_of):
    patient = enroll()
    before = visits_of(patient["id"])
    c3 = before["C03-SINT"]
    moved = nurse.post(f"/api/v1/visits/{c3['id']}/reschedule",
                       json={"date": shifted(c3["scheduled_date"], 7), "reason": "neutrophils low"},
                       headers=_etag(c3))
    assert moved.status_code == 200, moved.get_json()
    assert len(moved.get_json()["moved"]) > 10
    c3_now = moved.get_json()["visit"]
    undone = nurse.post(f"/api/v1/visits/{c3['id']}/reschedule/undo", json={"reason": "wrong patient"},
                        headers=_etag(c3_now))
    assert undone.status_code == 200, undone.get_json()
    assert len(undone.get_json()["moved"]) == len(moved.get_json()["moved"])
    after = visits_of(patient["id"])
    for code, visit in before.items():
        for field in ("scheduled_date", "target_date", "window_start", "window_end", "status"):
            assert after[code][field] == visit[field], (code, field)
    again = nurse.post(f"/api/v1/visits/{c3['id']}/reschedule/undo", json={"reason": "twice"})
    assert again.status_code == 409


def test_day_view_hides_cancelled_visits_unless_asked(nurse, enroll, visits_of):
    patient = enroll()
    visit = visits_of(patient["id"])["C01-SINT"]
    assert nurse.post(f"/api/v1/visits/{visit['id']}/cancel", json={"reason": "no"}).status_code == 200
    day = visit["scheduled_date"]
    ids = {v["id"] for v in nurse.get(f"/api/v1/visits?from={day}&to={day}").get_json()["items"]}
    assert visit["id"] not in ids
    ids = {v["id"] for v in nurse.get(f"/api/v1/visits?from={day}&to={day}&include_cancelled=true")
           .get_json()["items"]}
    assert visit["id"] in ids
    items = nurse.get(f"/api/v1/visits?from={day}&to={day}&status=cancelled").get_json()["items"]
    assert [v["id"] for v in items] == [visit["id"]]


def test_timing_label_says_in_window(nurse, enroll, visits_of, clock):
    from tests.visits.test_lifecycle_api import at_site_morning

    patient = enroll()
    clock.set(at_site_morning("2026-03-05"))
    visit = visits_of(patient["id"])["C01-SINT"]
    done = _complete(nurse, visit, shifted(visit["target_date"], 1), 200)
    assert done["timing"] == "late"
    assert done["timing_label"] == "in window, 1 day late"
