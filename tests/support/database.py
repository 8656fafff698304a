"""Test databases: migrated once per run with Alembic, reset between tests.

SQLite: the migrated file is copied afresh for each test (fast, and the append-only
audit trigger stays intact). PostgreSQL (TEST_DATABASE_URL): tables are truncated.
"""
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text

from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def database_url():
    """TEST_DATABASE_URL, or under pytest-xdist a database of its own for each worker."""
    url = os.environ.get("TEST_DATABASE_URL") or None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url is None or worker is None:
        return url
    return worker_database(url, worker)


def worker_database(url, worker):
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    worker_url = parsed.set(database=name).render_as_string(hide_password=False)
    os.environ["TEST_DATABASE_URL"] = worker_url  # tests that open their own scratch databases follow it
    return worker_url


def upgrade(url, revision="head"):
    from flask_migrate import upgrade as alembic_upgrade

    from app import create_app
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    with app.app_context():
        alembic_upgrade(directory=str(ROOT / "migrations"), revision=revision)
        db.engine.dispose()


def reset_postgres(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


class TestDatabase:
    """One per test run; `fresh_url()` gives an empty, migrated database for a test."""

    def __init__(self):
        self.pg_url = database_url()
        self.tmp = Path(tempfile.mkdtemp(prefix="haic-test-"))
        if self.pg_url:
            reset_postgres(self.pg_url)
            upgrade(self.pg_url)
            self.engine = create_engine(self.pg_url)
            # read_generations is kept like alembic_version: its row is what migration 0017
            # created, and truncating the tables behind it bumps it (their TRUNCATE triggers).
            self.tables = [t for t in inspect(self.engine).get_table_names()
                           if t not in ("alembic_version", "read_generations")]
        else:
            self.template = self.tmp / "template.sqlite3"
            upgrade(f"sqlite:///{self.template}")

    @property
    def dialect(self):
        return "postgresql" if self.pg_url else "sqlite"

    def engine_options(self):
        """Durability is not what tests check: skip the fsync at every commit."""
        if self.pg_url:
            return {"connect_args": {"options": "-c synchronous_commit=off"}}
        return {"connect_args": {"timeout": 30}}

    def tune(self, engine):
        if not self.pg_url:
            event.listen(engine, "connect", _sqlite_no_sync)

    @property
    def url(self):
        """The one URL the session's app uses; `reset()` empties what is behind it."""
        return self.pg_url or f"sqlite:///{self.tmp / 'test.sqlite3'}"

    def reset(self):
        """An empty, migrated database at `url` (call with every connection to it closed)."""
        if self.pg_url:
            with self.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
        else:
            shutil.copyfile(self.template, self.tmp / "test.sqlite3")
        return self.url

    def close(self):
        if self.pg_url:
            self.engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _sqlite_no_sync(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA synchronous=OFF")
