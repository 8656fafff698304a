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
