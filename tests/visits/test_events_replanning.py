"""Patient events replan the calendar: what each event cancels and adds; history stays."""
from datetime import date, timedelta

from tests.visits.test_lifecycle_api import at_site_morning

WEEK_20 = "2026-07-20"  # C1D1 2026-03-02 + 20 weeks, a Monday


def record_event(api, patient_id, event_type, day, reason="per investigator"):
    response = api.post(f"/api/v1/patients/{patient_id}/events",
                        json={"type": event_type, "date": day, "reason": reason})
    assert response.status_code == 201, response.get_json()


def complete(api, visit, day):
    response = api.post(f"/api/v1/visits/{visit['id']}/complete", json={"actual_date": day})
    assert response.status_code == 200, response.get_json()


def statuses(visits, kinds, on_or_after):
    return {visit["status"] for visit in visits.values()
            if visit["kind"] in kinds and visit["scheduled_date"] >= on_or_after}


def test_progression_at_week_20_ends_treatment_and_imaging_and_plans_follow_up(
        nurse, enroll, visits_of, clock):
    patient = enroll()
    before = visits_of(patient["id"])
    clock.set(at_site_morning(WEEK_20))
    complete(nurse, before["C01-SINT"], "2026-03-02")
    record_event(nurse, patient["id"], "progression", WEEK_20)
    after = visits_of(patient["id"])
    assert statuses(after, {"haic", "sintilimab", "labs", "imaging"}, WEEK_20) == {"cancelled"}
    assert after["C02-SINT"]["status"] == "scheduled"  # before the event: the nurse decides
    assert after["C01-SINT"] == {**before["C01-SINT"], **{k: after["C01-SINT"][k] for k in (
        "status", "actual_date", "timing", "version")}}  # completed: untouched by replanning
    assert after["IMG-W12"]["status"] == "scheduled"  # 2026-05-25, before progression
    # Safety follow-up from the last dose actually given (C01 on 2026-03-02).
    assert after["SFU-30"]["target_date"] == "2026-04-01"
    assert after["SFU-30"]["status"] == "scheduled"
    survival = sorted(code for code in after if code.startswith("SURV-"))
    assert after[survival[0]]["target_date"] == (date(2026, 7, 20) + timedelta(weeks=12)).isoformat()
    assert after[survival[-1]]["target_date"] <= "2028-03-02"
    assert len(survival) == 7


def test_end_of_treatment_cancels_treatment_but_keeps_imaging(nurse, enroll, visits_of, clock):
    patient = enroll()
    clock.set(at_site_morning(WEEK_20))
    record_event(nurse, patient["id"], "end_of_treatment", WEEK_20)
    after = visits_of(patient["id"])
    assert statuses(after, {"haic", "sintilimab", "labs"}, WEEK_20) == {"cancelled"}
    assert statuses(after, {"imaging"}, WEEK_20) == {"scheduled"}
    assert after["SFU-90"]["target_date"] == "2026-10-18"  # no dose given: from the event day
    assert any(code.startswith("SURV-") for code in after)


def test_death_cancels_every_future_visit(nurse, enroll, visits_of, clock, admin):
    patient = enroll()
    clock.set(at_site_morning(WEEK_20))
    record_event(nurse, patient["id"], "death", WEEK_20)
    after = visits_of(patient["id"])
    assert statuses(after, {visit["kind"] for visit in after.values()}, WEEK_20) == {"cancelled"}
    assert {v["status_reason"] for v in after.values() if v["status"] == "cancelled"} == {
        "death on 2026-07-20"}
    cancelled = next(v for v in after.values() if v["status"] == "cancelled")
    entries = admin.get(f"/api/v1/audit?entity=visit&id={cancelled['id']}").get_json()["items"]
    assert entries[-1]["action"] == "visit:cancel_on_event"
    assert entries[-1]["after"]["status"] == "cancelled"


def test_contact_and_lost_to_follow_up_change_nothing(nurse, enroll, visits_of, clock):
    patient = enroll()
    before = visits_of(patient["id"])
    clock.set(at_site_morning(WEEK_20))
    record_event(nurse, patient["id"], "contact", WEEK_20)
    record_event(nurse, patient["id"], "lost_to_follow_up", WEEK_20)
    assert visits_of(patient["id"]) == before


def test_withdrawal_keeps_imaging_until_progression(nurse, enroll, visits_of, clock):
    patient = enroll()
    clock.set(at_site_morning(WEEK_20))
    record_event(nurse, patient["id"], "withdrawal", WEEK_20)
    after = visits_of(patient["id"])
    assert statuses(after, {"sintilimab"}, WEEK_20) == {"cancelled"}
    assert statuses(after, {"imaging"}, WEEK_20) == {"scheduled"}


def retract_last_event(api, patient_id, reason="entered for the wrong patient"):
    events = api.get(f"/api/v1/patients/{patient_id}/events").get_json()["items"]
    response = api.post(f"/api/v1/patients/{patient_id}/events/{events[-1]['id']}/retract",
                        json={"reason": reason})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["patient"]


def test_retracting_a_progression_gives_the_calendar_back(nurse, coordinator, enroll, visits_of, clock):
    patient = enroll()
    before = visits_of(patient["id"])
    clock.set(at_site_morning(WEEK_20))
    record_event(nurse, patient["id"], "progression", WEEK_20)
    assert retract_last_event(coordinator, patient["id"])["status"] == "on_treatment"
    after = visits_of(patient["id"])
    for code, visit in before.items():  # every planned visit is back where it was
        assert (after[code]["status"], after[code]["scheduled_date"]) == ("scheduled", visit["scheduled_date"]), code
    assert not any(after[code]["status"] == "scheduled" for code in after if code.startswith("SURV-"))


def test_retracting_a_death_keeps_what_an_earlier_end_of_treatment_implies(
        nurse, coordinator, enroll, visits_of, clock):
    patient = enroll()
    clock.set(at_site_morning(WEEK_20))
    record_event(nurse, patient["id"], "end_of_treatment", "2026-07-13")
    with_follow_up = visits_of(patient["id"])
    record_event(nurse, patient["id"], "death", WEEK_20)
    assert retract_last_event(coordinator, patient["id"])["status"] == "follow_up"
    after = visits_of(patient["id"])
    assert statuses(after, {"haic", "sintilimab", "labs"}, WEEK_20) == {"cancelled"}
    assert statuses(after, {"imaging", "survival_follow_up", "safety_follow_up"}, WEEK_20) == {"scheduled"}
    assert {c: v["scheduled_date"] for c, v in after.items() if v["status"] == "scheduled"} == \
        {c: v["scheduled_date"] for c, v in with_follow_up.items() if v["status"] == "scheduled"}
