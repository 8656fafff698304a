"""Alembic is the only source of the schema: it upgrades, downgrades and agrees with the models."""
import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch_url(tmp_path, test_database):
    """An empty database of the dialect under test, separate from the suite's own."""
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if not pg_url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(pg_url)
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def migrate(url, command, revision):
    import flask_migrate

    from app.extensions import db
    from app.factory import build_app
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = build_app(config)
    with app.app_context():
        getattr(flask_migrate, command)(directory=str(ROOT / "migrations"), revision=revision)
        db.engine.dispose()


def tables(url):
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


def test_single_head():
    script = ScriptDirectory(str(ROOT / "migrations"))
    assert len(script.get_heads()) == 1


def test_upgrade_downgrade_upgrade(scratch_url):
    migrate(scratch_url, "upgrade", "head")
    created = tables(scratch_url)
    assert {"patients", "visits", "audit_entries", "messages"} <= created
    migrate(scratch_url, "downgrade", "base")
    assert tables(scratch_url) == set()
    migrate(scratch_url, "upgrade", "head")
    assert tables(scratch_url) == created


def test_models_and_migrations_agree(scratch_url):
    import app.models  # noqa: F401  (registers every table)
    from app.extensions import db

    migrate(scratch_url, "upgrade", "head")
    engine = create_engine(scratch_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    engine.dispose()
    assert diff == [], f"autogenerate finds differences: {diff}"


def test_audit_trail_is_append_only_in_the_database(scratch_url):
    from sqlalchemy.exc import DatabaseError

    migrate(scratch_url, "upgrade", "head")
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_entries (at, actor, action, entity, entity_id) "
                          "VALUES (CURRENT_TIMESTAMP, 'x', 'create', 'thing', '1')"))
    for statement in ("UPDATE audit_entries SET actor = 'y'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError):
            with engine.begin() as conn:
                conn.execute(text(statement))
    engine.dispose()


def _insert_scans_at_0014(url):
    """A site, a patient and three scans stored as 0014 stored them (JSON lists)."""
    from datetime import date, datetime, timezone

    engine = create_engine(url)
    stamp = {"created_at": datetime(2026, 1, 5, tzinfo=timezone.utc),
             "updated_at": datetime(2026, 1, 5, tzinfo=timezone.utc), "version": 1}
    lesions = [{"lesion_id": "L1", "organ": "liver", "nodal": False, "diameter_mm": 41.5, "too_small_to_measure": False},
               {"lesion_id": "N1", "organ": "lymph_node", "nodal": True, "diameter_mm": None,
                "too_small_to_measure": True}]
    with engine.begin() as conn:
        def insert(table, **values):
            conn.execute(_table(table, *values).insert(), [values])

        insert("sites", id=1, code="BJ", name="Beijing", timezone="Asia/Shanghai", enrolled_count=1,
               last_study_number=1, haic_daily_capacity=4, quiet_start="21:00", quiet_end="08:00", **stamp)
        insert("screenings", id=1, site_id=1, screened_on=date(2026, 1, 1), initials="AB", sex="male",
               birth_date=date(1960, 1, 1), facts={}, criteria=[], reasons_ineligible=[], missing=[], **stamp)
        insert("patients", id=1, site_id=1, screening_id=1, study_id="BJ-001", initials="AB", status="on_treatment",
               treatment_start=date(2026, 1, 5), protocol_version="NCT06184841-v1", language="zh",
               phone="+8613900000001", sms_opted_out=False, sms_unreachable=False, enrolled_at=stamp["created_at"],
               created_at=stamp["created_at"], updated_at=stamp["updated_at"], version=1)
        for scan_id, day, targets, sites in ((1, date(2026, 1, 2), lesions, []),
                                             (2, date(2026, 2, 16), [lesions[0] | {"diameter_mm": 20.0}],
                                              ["extrahepatic", "liver"]),
                                             (3, date(2026, 3, 30), [], ["liver"])):
            insert("tumor_assessments", id=scan_id, patient_id=1, site_id=1, date=day, target_lesions=targets,
                   non_target="none", new_lesions=bool(sites), new_lesion_sites=sites, **stamp)
    engine.dispose()
    return lesions


def _table(name, *columns):
    """A lightweight table of the named columns (JSON and timestamps typed, for their binds)."""
    import sqlalchemy as sa

    json_columns = {"facts", "criteria", "reasons_ineligible", "missing", "target_lesions", "new_lesion_sites"}
    stamps = {"created_at", "updated_at", "enrolled_at"}
    return sa.table(name, *(sa.column(c, sa.JSON() if c in json_columns else
                                      sa.DateTime(timezone=True) if c in stamps else None) for c in columns))


def test_0015_moves_scan_measurements_into_columns_and_back(scratch_url):
    """Upgrade: each JSON lesion becomes a row (order kept), the sites two flags; downgrade: back."""
    import sqlalchemy as sa

    migrate(scratch_url, "upgrade", "0014")
    lesions = _insert_scans_at_0014(scratch_url)
    migrate(scratch_url, "upgrade", "0015")
    engine = create_engine(scratch_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT assessment_id, position, lesion_id, organ, nodal, diameter_mm, "
                                 "too_small_to_measure FROM target_lesion_measurements "
                                 "ORDER BY assessment_id, position")).all()
        flags = conn.execute(text("SELECT id, new_lesion_extrahepatic, new_lesion_liver FROM tumor_assessments "
                                  "ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, 0, "L1", "liver", False, 41.5, False), (1, 1, "N1", "lymph_node", True, None, True),
                                        (2, 0, "L1", "liver", False, 20.0, False)]
    assert [(i, bool(e), bool(l)) for i, e, l in flags] == [(1, False, False), (2, True, True), (3, False, True)]
    assert "target_lesions" not in {c["name"] for c in inspect(engine).get_columns("tumor_assessments")}
    engine.dispose()
    migrate(scratch_url, "downgrade", "0014")
    engine = create_engine(scratch_url)
    scans = sa.table("tumor_assessments", sa.column("id"), sa.column("target_lesions", sa.JSON()),
                     sa.column("new_lesion_sites", sa.JSON()))
    with engine.connect() as conn:
        back = conn.execute(sa.select(scans).order_by(scans.c.id)).all()
    engine.dispose()
    assert [tuple(r) for r in back] == [(1, lesions, []), (2, [lesions[0] | {"diameter_mm": 20.0}],
                                                           ["extrahepatic", "liver"]), (3, [], ["liver"])]
    assert "target_lesion_measurements" not in tables(scratch_url)


def test_0016_links_alerts_to_the_message_their_text_names(scratch_url):
    """Upgrade reads "(message N)" of unmatched-text and late-reply alerts into message_id (a
    marker naming no message, or another kind's text, links nothing); downgrade drops it."""
    migrate(scratch_url, "upgrade", "0015")
    engine = create_engine(scratch_url)
    now = "2026-03-02 08:00:00"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO messages (id, direction, from_number, to_number, body, purpose, status, "
                          "attempts, created_at, updated_at) VALUES (42, 'inbound', '+8613900000001', "
                          "'+8610000000000', 'hello', 'patient', 'received', 0, :now, :now)"), {"now": now})
        for alert_id, kind, detail in ((1, "unmatched_message", "A text ... (message 42): 'hello'."),
                                       (2, "urgent_reply_late", "The urgent reply (message 7) has not gone out"),
                                       (3, "symptom", "Patient wrote (message 42)"),
                                       (4, "urgent_reply_late", "The urgent reply to BJ-001 (message 42) has not")):
            conn.execute(text("INSERT INTO alerts (id, kind, status, reasons, detail, opened_at, last_event_at, "
                              "occurrences, version, created_at, updated_at) VALUES (:id, :kind, 'open', '[]', "
                              ":detail, :now, :now, 1, 1, :now, :now)"),
                         {"id": alert_id, "kind": kind, "detail": detail, "now": now})
    engine.dispose()
    migrate(scratch_url, "upgrade", "0016")
    engine = create_engine(scratch_url)
    with engine.connect() as conn:
        links = conn.execute(text("SELECT id, message_id FROM alerts ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in links] == [(1, 42), (2, None), (3, None), (4, 42)]
    migrate(scratch_url, "downgrade", "0015")
    engine = create_engine(scratch_url)
    assert "message_id" not in {c["name"] for c in inspect(engine).get_columns("alerts")}
    engine.dispose()


def trigger_names(url):
    from app.common.generations import trigger_names as names_of

    engine = create_engine(url)
    with engine.connect() as conn:
        names = names_of(conn)
    engine.dispose()
    return names


def test_0017_counts_writes_behind_the_day_view_and_goes_away_cleanly(scratch_url):
    """Upgrade creates read_generations (one row at 0) and the triggers that bump it; a write to
    visits bumps it, one to messages does not; downgrade removes table, triggers and function."""
    from app.common.generations import expected_triggers
    from app.models.read_generation import VISIT_VIEW_TABLES, VISIT_VIEWS

    migrate(scratch_url, "upgrade", "0017")
    engine = create_engine(scratch_url)
    watched = set(expected_triggers(VISIT_VIEWS, VISIT_VIEW_TABLES, engine.dialect.name))
    assert watched <= trigger_names(scratch_url)
    now = "2026-03-02 08:00:00"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sites (code, name, timezone, enrolled_count, last_study_number, "
                          "haic_daily_capacity, quiet_start, quiet_end, version, created_at, updated_at) "
                          "VALUES ('BJ', 'Beijing', 'Asia/Shanghai', 0, 0, 4, '21:00', '08:00', 1, :now, :now)"),
                     {"now": now})
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO messages (direction, from_number, to_number, body, purpose, status, "
                          "attempts, created_at, updated_at) VALUES ('inbound', '+8613900000001', "
                          "'+8610000000000', 'hello', 'patient', 'received', 0, :now, :now)"), {"now": now})
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, generation FROM read_generations")).all() == [(VISIT_VIEWS, 1)]
    engine.dispose()
    migrate(scratch_url, "downgrade", "0016")
    assert "read_generations" not in tables(scratch_url)
    assert not watched & trigger_names(scratch_url)
    migrate(scratch_url, "upgrade", "0017")  # the function was dropped too: it can be created again
    assert watched <= trigger_names(scratch_url)
