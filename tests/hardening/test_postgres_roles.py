"""Issue 16, item 8: on PostgreSQL the schema owner (migrations, DATABASE_OWNER_URL) and the
application role (DATABASE_URL) are separate; the application can only INSERT and SELECT
the audit trail: no UPDATE, DELETE, TRUNCATE, and no disabling its trigger."""
import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")]


@pytest.fixture
def two_roles(test_database):
    """A scratch database owned by an owner role, and an application role (names unique to
    this test database, since roles are cluster-wide)."""
    url = make_url(os.environ["TEST_DATABASE_URL"])
    suffix = url.database.replace("-", "_")
    owner, app_role, name = f"{suffix}_owner", f"{suffix}_app", f"{suffix}_roles"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (app_role, owner):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))

    drop()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{owner}" LOGIN'))
        conn.execute(text(f'CREATE ROLE "{app_role}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{owner}"'))
    urls = {role: url.set(database=name, username=role).render_as_string(hide_password=False)
            for role in (owner, app_role)}
    yield urls[owner], urls[app_role]
    drop()
    admin.dispose()


def test_the_application_role_cannot_erase_the_audit_trail(two_roles):
    import flask_migrate

    from app.extensions import db
    from app.factory import build_app
    from config import TestingConfig
    from tests.migrations.test_migrations import ROOT

    owner_url, app_url = two_roles
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = app_url
    config.DATABASE_OWNER_URL = owner_url
    app = build_app(config)
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"), revision="head")
        db.engine.dispose()

    engine = create_engine(app_url)
    with engine.begin() as conn:  # the application works normally
        conn.execute(text("INSERT INTO login_throttles (scope, username, client, attempts, first_at) "
                          "VALUES ('login', 'x', '-', 1, now())"))
        conn.execute(text("UPDATE login_throttles SET attempts = 2"))
        conn.execute(text("DELETE FROM login_throttles"))
        conn.execute(text("INSERT INTO audit_entries (at, actor, action, entity, entity_id) "
                          "VALUES (now(), 'test', 'create', 'site', '1')"))
        assert conn.execute(text("SELECT count(*) FROM audit_entries")).scalar() == 1
    refused = ["UPDATE audit_entries SET actor = 'someone else'", "DELETE FROM audit_entries",
               "TRUNCATE audit_entries", "ALTER TABLE audit_entries DISABLE TRIGGER ALL",
               "DROP TABLE audit_entries", "ALTER TABLE audit_entries OWNER TO CURRENT_USER"]
    for statement in refused:
        with pytest.raises(ProgrammingError) as error, engine.begin() as conn:
            conn.execute(text(statement))
        assert "permission denied" in str(error.value) or "must be owner" in str(error.value), statement
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entries")).scalar() == 1
    engine.dispose()
