"""Visit lifecycle through the API: complete, reschedule, miss, cancel, ETags, audit."""
from datetime import date, datetime, timedelta, timezone

import pytest


def at_site_morning(day: str):
    """09:00 in Beijing on `day`, as the frozen clock's UTC instant."""
    return datetime.fromisoformat(day).replace(hour=1, tzinfo=timezone.utc)


def shifted(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def test_enrollment_books_two_years_with_protocol_version_and_codes(nurse, enroll, visits_of):
    visits = visits_of(enroll()["id"])
    kinds = [visit["kind"] for visit in visits.values()]
    assert kinds.count("haic") == 6
    assert kinds.count("sintilimab") == 35  # D1 targets C1D1 + 21 k up to C1D1 + 24 months
    assert kinds.count("labs") == 35
    assert kinds.count("safety_follow_up") == 2
    assert visits["C01-HAIC"]["scheduled_date"] == "2026-03-02"
    # Target Sunday Mar 1; Saturday Feb 28 is a make-up working day after Spring Festival.
    assert visits["C01-LABS"]["scheduled_date"] == "2026-02-28"
    assert {visit["protocol_version"] for visit in visits.values()} == {"NCT06184841-v1"}
    assert all(visit["status"] == "scheduled" and visit["timing"] is None
               for visit in visits.values())


def test_schedule_creation_is_audited(nurse, enroll, admin):
    patient = enroll()
    entries = admin.get(f"/api/v1/audit?entity=schedule&id={patient['id']}").get_json()["items"]
    created = [entry for entry in entries if entry["action"] == "schedule:create"]
    assert len(created) == 1
    assert created[0]["after"]["protocol_version"] == "NCT06184841-v1"
    assert ["C01-HAIC", "2026-03-02"] in created[0]["after"]["visits"]


def test_haic_capacity_books_the_fifth_patient_on_the_next_open_day(nurse, enroll, visits_of):
    days = [visits_of(enroll(screening_overrides={"initials": f"P{chr(65 + i)}"})["id"])["C01-HAIC"]
            for i in range(5)]
    assert [visit["scheduled_date"] for visit in days] == ["2026-03-02"] * 4 + ["2026-03-03"]
    assert days[4]["flags"] == []  # still inside the D1 window (+3 days)


def test_complete_on_time_proves_life_and_sets_timing(nurse, enroll, visits_of):
    patient = enroll()
    visit = visits_of(patient["id"])["C01-SINT"]
    response = nurse.post(f"/api/v1/visits/{visit['id']}/complete",
                          json={"actual_date": "2026-03-02", "dose_mg": 200, "notes": "well"},
                          headers={"If-Match": f'"{visit["version"]}"'})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["visit"]["status"] == "completed"
    assert body["visit"]["timing"] == "on_time"
    assert body["visit"]["dose_mg"] == 200
    assert body["moved"] == []
    assert response.headers["ETag"] == f'"{body["visit"]["version"]}"'
    assert nurse.get(f"/api/v1/patients/{patient['id']}").get_json()["last_contact_date"] == "2026-03-02"


def test_late_first_dose_shifts_cycles_and_re_anchors_imaging_once(nurse, enroll, visits_of, clock):
    patient = enroll()
    before = visits_of(patient["id"])
    clock.set(at_site_morning("2026-03-04"))
    for code in ("C01-HAIC", "C01-SINT"):
        response = nurse.post(f"/api/v1/visits/{before[code]['id']}/complete",
                              json={"actual_date": "2026-03-04"})
        assert response.status_code == 200, response.get_json()
    assert response.get_json()["visit"]["timing"] == "late"
    after = visits_of(patient["id"])
    assert after["C02-SINT"]["scheduled_date"] == "2026-03-25"  # 21 days after the actual dose
    assert after["C02-SINT"]["target_date"] == "2026-03-25"
    assert after["C02-LABS"]["scheduled_date"] == "2026-03-24"
    # PROTOCOL.md: imaging follows the actual C1D1 (re-planned once, at the first dose).
    assert before["IMG-W06"]["target_date"] == "2026-04-13"
    assert after["IMG-W06"]["target_date"] == "2026-04-15"  # 2026-03-04 + 6 weeks
    assert nurse.get(f"/api/v1/patients/{patient['id']}").get_json()["c1d1"] == "2026-03-04"
    # A later delay never moves imaging again.
    clock.set(at_site_morning("2026-03-27"))
    for code in ("C02-HAIC", "C02-SINT"):
        response = nurse.post(f"/api/v1/visits/{after[code]['id']}/complete", json={"actual_date": "2026-03-27"})
        assert response.status_code == 200, response.get_json()
    assert visits_of(patient["id"])["IMG-W06"]["target_date"] == "2026-04-15"


def test_dose_given_too_soon_after_the_previous_one_is_refused(nurse, enroll, visits_of, clock):
    visits = visits_of(enroll()["id"])
    nurse.post(f"/api/v1/visits/{visits['C01-SINT']['id']}/complete", json={"actual_date": "2026-03-02"})
    clock.set(at_site_morning("2026-03-10"))
    response = nurse.post(f"/api/v1/visits/{visits['C02-SINT']['id']}/complete",
                          json={"actual_date": "2026-03-10"})
    assert response.status_code == 422
    assert "at least 14 days" in response.get_json()["detail"]
    assert visits_of(visits["C02-SINT"]["patient_id"])["C02-SINT"]["status"] == "scheduled"


def test_reschedule_a_dose_later_moves_later_treatment_visits_by_the_delay(nurse, enroll, visits_of,
                                                                           admin):
    patient = enroll()
    before = visits_of(patient["id"])
    c3 = before["C03-SINT"]
    new_day = shifted(c3["scheduled_date"], 7)
    response = nurse.post(f"/api/v1/visits/{c3['id']}/reschedule",
                          json={"date": new_day, "reason": "patient's neutrophils low"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    moved = {visit["code"] for visit in body["moved"]}
    assert body["visit"]["scheduled_date"] == new_day
    assert {"C03-HAIC", "C03-LABS", "C04-SINT", "C04-LABS", "C05-HAIC", "C10-SINT"} <= moved
    assert not any(code.startswith(("IMG", "C01", "C02")) for code in moved)
    after = visits_of(patient["id"])
    for code in ("C04-SINT", "C05-HAIC", "C12-SINT"):
        assert after[code]["target_date"] == shifted(before[code]["target_date"], 7)
    assert all(after[code] == before[code] for code in before if code.startswith("IMG"))
    entries = admin.get(f"/api/v1/audit?entity=visit&id={c3['id']}").get_json()["items"]
    assert entries[-1]["reason"] == "patient's neutrophils low"
    assert entries[-1]["before"]["scheduled_date"] == c3["scheduled_date"]


def test_reschedule_imaging_moves_it_alone_and_flags_out_of_window(nurse, enroll, visits_of):
    patient = enroll()
    before = visits_of(patient["id"])
    scan = before["IMG-W06"]
    new_day = shifted(scan["window_end"], 3)
    body = nurse.post(f"/api/v1/visits/{scan['id']}/reschedule",
                      json={"date": new_day, "reason": "scanner down"}).get_json()
    assert body["moved"] == []
    assert body["visit"]["scheduled_date"] == new_day
    assert "out_of_window" in body["visit"]["flags"]
    after = visits_of(patient["id"])
    assert {code for code in before if after[code] != before[code]} == {"IMG-W06"}


def test_reschedule_too_close_to_the_previous_dose_is_refused(nurse, enroll, visits_of):
    visits = visits_of(enroll()["id"])
    response = nurse.post(f"/api/v1/visits/{visits['C02-SINT']['id']}/reschedule",
                          json={"date": "2026-03-10", "reason": "clinic request"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["date"]
    assert visits_of(visits["C02-SINT"]["patient_id"]) == visits


@pytest.mark.parametrize("body, field", [
    ({"date": "2026-04-01"}, "reason"),
    ({"date": "2026-04-01", "reason": ""}, "reason"),
    ({"date": "someday", "reason": "x"}, "date"),
    ({"date": "2026-03-01", "reason": "x"}, "date"),  # yesterday at the site
])
def test_reschedule_bad_input_is_a_422(nurse, enroll, visits_of, body, field):
    visit = visits_of(enroll()["id"])["IMG-W06"]
    response = nurse.post(f"/api/v1/visits/{visit['id']}/reschedule", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_two_tablets_rescheduling_the_same_visit_one_gets_412(nurse, enroll, visits_of):
    scan = visits_of(enroll()["id"])["IMG-W06"]
    etag = nurse.get(f"/api/v1/visits/{scan['id']}").headers["ETag"]
    first = nurse.post(f"/api/v1/visits/{scan['id']}/reschedule", headers={"If-Match": etag},
                       json={"date": shifted(scan["scheduled_date"], 1), "reason": "tablet A"})
    second = nurse.post(f"/api/v1/visits/{scan['id']}/reschedule", headers={"If-Match": etag},
                        json={"date": shifted(scan["scheduled_date"], 2), "reason": "tablet B"})
    assert first.status_code == 200 and second.status_code == 412
    current = nurse.get(f"/api/v1/visits/{scan['id']}").get_json()
    assert current["scheduled_date"] == shifted(scan["scheduled_date"], 1)


def test_miss_and_cancel_need_reasons_and_history_never_changes(nurse, enroll, visits_of, clock):
    visits = visits_of(enroll()["id"])
    scan, labs = visits["IMG-W06"], visits["C01-LABS"]
    assert nurse.post(f"/api/v1/visits/{scan['id']}/cancel", json={}).status_code == 422
    assert nurse.post(f"/api/v1/visits/{scan['id']}/miss", json={"reason": "x"}).status_code == 422
    missed = nurse.post(f"/api/v1/visits/{labs['id']}/miss", json={"reason": "did not come"})
    assert missed.status_code == 200 and missed.get_json()["status"] == "missed"
    cancelled = nurse.post(f"/api/v1/visits/{scan['id']}/cancel", json={"reason": "duplicate"})
    assert cancelled.get_json()["status_reason"] == "duplicate"
    again = nurse.post(f"/api/v1/visits/{scan['id']}/complete", json={"actual_date": "2026-03-02"})
    assert again.status_code == 409


def test_complete_in_the_future_or_dose_on_labs_is_a_422(nurse, enroll, visits_of):
    visits = visits_of(enroll()["id"])
    future = nurse.post(f"/api/v1/visits/{visits['C01-SINT']['id']}/complete",
                        json={"actual_date": "2026-03-03"})
    assert future.status_code == 422
    labs = nurse.post(f"/api/v1/visits/{visits['C01-LABS']['id']}/complete",
                      json={"actual_date": "2026-02-28", "dose_mg": 200})
    assert labs.status_code == 422 and "dose_mg" in labs.get_json()["errors"]


def test_other_sites_visits_are_not_found(nurse, enroll, visits_of, login, admin):
    visit = visits_of(enroll()["id"])["C01-SINT"]
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai"})
    other = login("nurse", "nurse-sh", site_code="SH")
    assert other.get(f"/api/v1/visits/{visit['id']}").status_code == 404
    assert other.post(f"/api/v1/visits/{visit['id']}/cancel", json={"reason": "x"}).status_code == 404


def test_a_delay_pushing_a_cycle_past_24_months_cancels_it(nurse, enroll, visits_of):
    patient = enroll()
    before = visits_of(patient["id"])
    c34 = before["C34-SINT"]
    body = nurse.post(f"/api/v1/visits/{c34['id']}/reschedule",
                      json={"date": shifted(c34["scheduled_date"], 21), "reason": "hospitalised"}
                      ).get_json()
    assert "out_of_window" in body["visit"]["flags"]
    moved = {visit["code"]: visit for visit in body["moved"]}
    assert moved["C35-SINT"]["status"] == "cancelled"
    assert "treatment limit" in moved["C35-SINT"]["status_reason"]
    # Safety follow-up counts from the last dose that stays: C34's new day.
    after = visits_of(patient["id"])
    assert after["SFU-30"]["target_date"] == shifted(body["visit"]["scheduled_date"], 30)
