"""The nurse's day and week views, the patient timeline and calendar.ics."""
from contextlib import contextmanager

from icalendar import Calendar
from sqlalchemy import event

MONDAY = "2026-03-02"


@contextmanager
def counted_queries(engine):
    """Count the SQL statements run inside the block."""
    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def day_view(api, **query):
    response = api.get("/api/v1/visits", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def enroll_many(enroll, count, start=MONDAY):
    return [enroll(screening_overrides={"initials": f"Q{chr(65 + i)}"}, treatment_start=start)
            for i in range(count)]


def test_day_view_lists_the_sites_visits_with_patient_inline(nurse, enroll):
    first, second = enroll_many(enroll, 2)
    items = day_view(nurse, site="BJ", **{"from": MONDAY, "to": MONDAY})["items"]
    assert [(item["study_id"], item["code"]) for item in items] == [
        (first["study_id"], "C01-HAIC"), (second["study_id"], "C01-HAIC"),
        (first["study_id"], "C01-SINT"), (second["study_id"], "C01-SINT")]
    assert items[0]["initials"] == "QA" and items[0]["site"] == "BJ"
    assert items[0]["window_end"] == "2026-03-05" and items[0]["flags"] == []


def test_week_view_is_sorted_by_day_then_kind_and_filters(nurse, enroll):
    enroll_many(enroll, 2)
    week = day_view(nurse, **{"from": "2026-02-23", "to": "2026-03-01"})["items"]
    assert [item["code"] for item in week] == ["IMG-BL", "IMG-BL", "C01-LABS", "C01-LABS"]
    labs = day_view(nurse, kind="labs", **{"from": "2026-02-23", "to": "2026-03-22"})["items"]
    assert {item["kind"] for item in labs} == {"labs"} and len(labs) == 4
    assert day_view(nurse, status="completed", **{"from": MONDAY})["items"] == []


def test_day_view_defaults_to_today_at_the_site_and_pages(nurse, enroll):
    enroll_many(enroll, 3)
    today = day_view(nurse)["items"]
    assert {item["scheduled_date"] for item in today} == {MONDAY} and len(today) == 6
    page = day_view(nurse, limit=4)
    rest = day_view(nurse, limit=4, cursor=page["next_cursor"])
    assert [i["id"] for i in page["items"] + rest["items"]] == [i["id"] for i in today]
    assert rest["next_cursor"] is None


def test_day_view_runs_a_fixed_number_of_queries(app, nurse, enroll):
    from app.extensions import db

    enroll_many(enroll, 1)
    day_view(nurse)  # warm: the token cache, and the view cache's one check of its triggers
    with counted_queries(db.engine) as few:
        assert len(day_view(nurse, **{"from": "2026-02-01", "to": "2026-03-03"})["items"]) == 4
    enroll_many(enroll, 3, start="2026-03-03")
    with counted_queries(db.engine) as many:
        assert len(day_view(nurse, **{"from": "2026-02-01", "to": "2026-03-03"})["items"]) == 16
    assert len(many) == len(few)
    assert sum("FROM visits" in statement for statement in many) == 1


def test_view_arguments_are_checked(nurse, login, admin):
    assert nurse.get("/api/v1/visits?from=2026-03-09&to=2026-03-02").status_code == 422
    assert nurse.get("/api/v1/visits?from=2026-03-01&to=2026-05-01").status_code == 422
    assert nurse.get("/api/v1/visits?kind=dinner").status_code == 422
    assert nurse.get("/api/v1/visits?site=XX").status_code == 422
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai"})
    assert nurse.get("/api/v1/visits?site=SH").status_code == 403


def test_other_sites_see_none_of_these_visits(nurse, enroll, login, admin):
    enroll_many(enroll, 1)
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai"})
    other = login("nurse", "nurse-sh", site_code="SH")
    assert day_view(other, **{"from": MONDAY})["items"] == []
    assert len(day_view(admin, **{"from": MONDAY})["items"]) == 2


def test_patient_timeline_is_in_date_order(nurse, enroll):
    patient = enroll()
    items = nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]
    days = [item["scheduled_date"] for item in items]
    assert days == sorted(days) and items[0]["code"] == "IMG-BL"


def test_calendar_ics_has_every_visit_in_the_site_zone(nurse, enroll):
    patient = enroll()
    scan = nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"][0]
    nurse.post(f"/api/v1/visits/{scan['id']}/cancel", json={"reason": "done elsewhere"})
    response = nurse.get(f"/api/v1/patients/{patient['id']}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    codes = {f"visit-{v['id']}@study-visits": v["code"]
             for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]}
    events = {codes[str(e["UID"])]: e for e in calendar.walk("VEVENT")}
    assert len(events) == 91
    assert events["C01-HAIC"].decoded("DTSTART").isoformat() == MONDAY
    assert str(events["IMG-BL"]["STATUS"]) == "CANCELLED"
    assert int(events["IMG-BL"]["SEQUENCE"]) == 1


def test_day_view_items_are_exactly_what_the_schema_dumps(app, nurse, enroll, clock):
    """The day view builds its JSON directly for speed; it must not drift from the schema."""
    from app.extensions import db
    from app.models import Patient, Visit
    from app.visits.schemas import DayViewVisitSchema

    patient = enroll()
    visits = nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]
    sint = next(v for v in visits if v["code"] == "C01-SINT")
    nurse.post(f"/api/v1/visits/{sint['id']}/complete", json={"actual_date": MONDAY, "dose_mg": 200})
    items = day_view(nurse, **{"from": "2026-02-20", "to": "2026-03-05"})["items"]
    assert any(item["timing"] == "on_time" for item in items)
    db.session.expire_all()
    row = db.session.get(Patient, patient["id"])
    for item in items:
        visit = db.session.get(Visit, item["id"])
        visit.study_id, visit.initials, visit.site = row.study_id, row.initials, "BJ"
        assert item == DayViewVisitSchema().dump(visit)


def test_timeline_items_are_exactly_what_the_schema_dumps(app, nurse, enroll):
    """The timeline builds its JSON directly for speed (issue 19); it must not drift from VisitSchema."""
    from app.extensions import db
    from app.models import Visit
    from app.visits.schemas import VisitSchema

    patient = enroll()
    url = f"/api/v1/patients/{patient['id']}/visits"
    sint = next(v for v in nurse.get(url).get_json()["items"] if v["code"] == "C01-SINT")
    nurse.post(f"/api/v1/visits/{sint['id']}/complete", json={"actual_date": MONDAY, "dose_mg": 200})
    items = nurse.get(url).get_json()["items"]
    assert len(items) == 91 and any(item["timing"] == "on_time" for item in items)
    assert any(item["readiness"]["status"] != "not_applicable" for item in items)
    db.session.expire_all()
    for item in items:
        assert item == VisitSchema().dump(db.session.get(Visit, item["id"]))
