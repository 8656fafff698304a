"""The day view's and timeline's response cache (issue 19, app/common/generations.py): served
only while nothing behind the page has changed, whoever changed it, and per caller scope."""
import re

import pytest
from sqlalchemy import create_engine, text

from app.extensions import db
from app.models.read_generation import VISIT_VIEW_TABLES, VISIT_VIEWS
from tests.visits.test_views_api import MONDAY, counted_queries, day_view, enroll_many


def cache():
    from app.visits import view_cache

    return view_cache.cache()


def generation():
    return db.session.execute(text("SELECT generation FROM read_generations WHERE name = :n"),
                              {"n": VISIT_VIEWS}).scalar()


@pytest.fixture
def other_process():
    """A second engine on the same database: another gunicorn worker, a job, or psql."""
    engine = create_engine(db.engine.url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def test_a_repeated_day_view_is_one_statement_and_the_same_bytes(nurse, enroll):
    enroll_many(enroll, 2)
    first = nurse.get("/api/v1/visits", query_string={"from": MONDAY})
    db.session.close()  # a request's own session, as under a web server
    with counted_queries(db.engine) as statements:
        again = nurse.get("/api/v1/visits", query_string={"from": MONDAY})
    assert again.get_data() == first.get_data() and len(again.get_json()["items"]) == 4
    assert len(statements) == 1 and "read_generations" in statements[0]
    assert cache().hits >= 1


def test_a_write_from_another_process_is_seen_at_once(nurse, enroll, other_process):
    patient, _ = enroll_many(enroll, 2)
    before = day_view(nurse, **{"from": MONDAY})["items"]
    assert {item["initials"] for item in before} == {"QA", "QB"}
    with other_process.begin() as conn:  # not through this app: only the database knows
        conn.execute(text("UPDATE patients SET initials = 'ZZ' WHERE id = :id"), {"id": patient["id"]})
    after = day_view(nurse, **{"from": MONDAY})["items"]
    assert {item["initials"] for item in after} == {"ZZ", "QB"}

    visit = after[0]
    with other_process.begin() as conn:
        conn.execute(text("UPDATE visits SET notes = 'bring the consent form' WHERE id = :id"), {"id": visit["id"]})
    assert day_view(nurse, **{"from": MONDAY})["items"][0]["notes"] == "bring the consent form"
    with other_process.begin() as conn:
        conn.execute(text("DELETE FROM visits WHERE id = :id"), {"id": visit["id"]})
    assert visit["id"] not in {item["id"] for item in day_view(nurse, **{"from": MONDAY})["items"]}


def test_a_site_renamed_elsewhere_is_seen_at_once(nurse, enroll, other_process):
    enroll_many(enroll, 1)
    assert {item["site"] for item in day_view(nurse, **{"from": MONDAY})["items"]} == {"BJ"}
    with other_process.begin() as conn:
        conn.execute(text("UPDATE sites SET code = 'PK' WHERE code = 'BJ'"))
    assert {item["site"] for item in day_view(nurse, **{"from": MONDAY})["items"]} == {"PK"}


def test_a_rolled_back_write_changes_nothing_and_is_never_shown(nurse, enroll, other_process):
    enroll_many(enroll, 1)
    shown = day_view(nurse, **{"from": MONDAY})
    counted = generation()
    with other_process.connect() as conn:
        conn.execute(text("UPDATE patients SET initials = 'XX'"))
        conn.rollback()
    db.session.commit()
    assert day_view(nurse, **{"from": MONDAY}) == shown
    if db.engine.dialect.name == "postgresql":  # SQLite's row triggers roll back with the row
        assert generation() == counted


def test_one_transaction_is_one_generation_on_postgresql(nurse, enroll, other_process):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite counts each changed row (it has no deferred triggers)")
    enroll_many(enroll, 2)
    db.session.commit()
    counted = generation()
    with other_process.begin() as conn:
        conn.execute(text("UPDATE visits SET notes = 'many rows, one commit'"))
        conn.execute(text("UPDATE patients SET initials = 'YY'"))
    db.session.commit()
    assert generation() == counted + 1
    with other_process.begin() as conn:
        conn.execute(text("TRUNCATE lab_results CASCADE"))
    db.session.commit()
    assert generation() == counted + 2


def test_writes_to_other_tables_keep_the_cache(nurse, enroll, other_process):
    patient, = enroll_many(enroll, 1)
    day_view(nurse, **{"from": MONDAY})
    db.session.commit()
    counted = generation()
    nurse.post(f"/api/v1/patients/{patient['id']}/symptom-reports",
               json={"items": [{"ctcae_term": "Fatigue", "patient_grade": 1}]})
    with other_process.begin() as conn:
        conn.execute(text("UPDATE job_runs SET last_status = 'ok'"))
    db.session.commit()
    assert generation() == counted


def test_each_caller_scope_and_argument_has_its_own_page(nurse, enroll, login):
    admin = login("admin", "root")
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai",
                                      "phone": "+862100000000"})
    shanghai = login("nurse", "nurse-sh", site_code="SH")
    enroll_many(enroll, 1)
    assert len(day_view(nurse, **{"from": MONDAY})["items"]) == 2
    assert day_view(shanghai, **{"from": MONDAY})["items"] == []  # same days, own site only
    assert len(day_view(admin, **{"from": MONDAY})["items"]) == 2
    assert len(day_view(nurse, kind="haic", **{"from": MONDAY})["items"]) == 1
    assert len(day_view(nurse, limit=1, **{"from": MONDAY})["items"]) == 1
    assert shanghai.get("/api/v1/visits", query_string={"site": "BJ", "from": MONDAY}).status_code in (403, 404)


def test_the_timeline_is_cached_and_follows_writes(nurse, enroll, other_process):
    patient, = enroll_many(enroll, 1)
    url = f"/api/v1/patients/{patient['id']}/visits"
    first = nurse.get(url).get_json()["items"]
    assert nurse.get(url).get_json()["items"] == first
    with other_process.begin() as conn:
        conn.execute(text("UPDATE visits SET notes = 'moved by phone' WHERE id = :id"), {"id": first[0]["id"]})
    assert nurse.get(url).get_json()["items"][0]["notes"] == "moved by phone"


def test_the_cache_holds_at_most_its_size(app, nurse, enroll):
    from app.visits import view_cache

    app.config["VISIT_VIEW_CACHE_ENTRIES"] = 2
    view_cache.install(app)
    enroll_many(enroll, 1)
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        day_view(nurse, **{"from": day})
    assert len(cache()._bodies) == 2
    assert [key[3].isoformat() for key in cache()._bodies] == ["2026-03-03", "2026-03-04"]


def test_size_zero_turns_the_cache_off(app, nurse, enroll):
    from app.visits import view_cache

    app.config["VISIT_VIEW_CACHE_ENTRIES"] = 0
    view_cache.install(app)
    enroll_many(enroll, 1)
    day_view(nurse, **{"from": MONDAY})
    db.session.close()
    with counted_queries(db.engine) as statements:
        day_view(nurse, **{"from": MONDAY})
    assert not any("read_generations" in statement for statement in statements)
    assert cache().hits == cache().misses == 0


def test_without_its_triggers_the_cache_is_off_and_says_so(app, nurse, enroll, caplog):
    from app.common.generations import ReadCache

    enroll_many(enroll, 1)
    unwatched = ReadCache(VISIT_VIEWS, (*VISIT_VIEW_TABLES, "messages"), 8)  # messages has no trigger
    built = []
    for _ in range(2):
        unwatched.body("key", lambda: built.append(1) or b"{}")
    assert len(built) == 2 and unwatched.generation() is None
    assert "triggers missing" in caplog.text and "messages_visit_views_generation" in caplog.text


def test_every_table_the_views_read_is_watched(nurse, enroll):
    """A new join in the day view or timeline must come with its trigger (a new migration)."""
    patient, = enroll_many(enroll, 1)
    cache().clear()
    nurse.get("/api/v1/auth/me")
    db.session.close()
    with counted_queries(db.engine) as statements:
        day_view(nurse, **{"from": MONDAY})
        nurse.get(f"/api/v1/patients/{patient['id']}/visits")
    read = {name for statement in statements
            for name in re.findall(r"\b(?:FROM|JOIN)\s+\"?(\w+)", statement)}
    read -= {"read_generations", "pg_trigger", "sqlite_master"}  # the cache's own reads
    assert read and read <= set(VISIT_VIEW_TABLES), read


def test_the_database_has_every_trigger(app):
    from app.common.generations import expected_triggers, trigger_names

    found = trigger_names(db.session.connection())
    assert set(expected_triggers(VISIT_VIEWS, VISIT_VIEW_TABLES, db.engine.dialect.name)) <= found


def test_the_cache_holds_at_most_its_bytes(app):
    from app.common.generations import ReadCache

    small = ReadCache(VISIT_VIEWS, VISIT_VIEW_TABLES, 100, max_bytes=10)
    for key, body in (("a", b"1234"), ("b", b"5678"), ("c", b"90ab"), ("huge", b"x" * 11)):
        assert small.body(key, lambda body=body: body) == body
    assert list(small._bodies) == ["b", "c"] and small.size_bytes == 8
    small.body("b", lambda: b"ignored")  # a hit moves it to the end
    small.body("d", lambda: b"cd")
    assert list(small._bodies) == ["c", "b", "d"] and small.size_bytes == 10
    small.body("e", lambda: b"e")
    assert list(small._bodies) == ["b", "d", "e"] and small.size_bytes == 7
