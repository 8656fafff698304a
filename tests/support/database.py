"""Test databases: migrated once per run with Alembic, reset between tests.

SQLite: the migrated file is copied afresh for each test (fast, and the append-only
audit trigger stays intact). PostgreSQL (TEST_DATABASE_URL): tables are truncated.
"""
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def database_url():
    return os.environ.get("TEST_DATABASE_URL") or None


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
            self.tables = [t for t in inspect(self.engine).get_table_names() if t != "alembic_version"]
        else:
            self.template = self.tmp / "template.sqlite3"
            upgrade(f"sqlite:///{self.template}")
        self.counter = 0

    @property
    def dialect(self):
        return "postgresql" if self.pg_url else "sqlite"

    def fresh_url(self):
        if self.pg_url:
            with self.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
            return self.pg_url
        self.counter += 1
        path = self.tmp / f"test-{self.counter}.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def close(self):
        if self.pg_url:
            self.engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)
