"""Fixtures for integration and API tests. Pure unit tests use none of these, and
nothing here imports the app until a fixture asks for it."""
from datetime import datetime, timezone

import pytest

FROZEN_NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # Monday 09:00 in Beijing
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def test_database():
    from tests.support.database import TestDatabase

    database = TestDatabase()
    yield database
    database.close()


@pytest.fixture
def clock():
    from app.common.clock import FrozenClock

    return FrozenClock(FROZEN_NOW)


@pytest.fixture
def app_config():
    """The test's configuration; override this fixture to change settings for some tests."""
    from config import TestingConfig

    return TestingConfig()


@pytest.fixture(scope="session")
def session_app(test_database):
    """Built once: generating the OpenAPI spec for every blueprint costs ~0.3 s per app."""
    from app.common.clock import FrozenClock
    from app.factory import build_app
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = test_database.url
    config.SQLALCHEMY_ENGINE_OPTIONS = test_database.engine_options()
    application = build_app(config, clock=FrozenClock(FROZEN_NOW))
    with application.app_context():
        from app.extensions import db

        test_database.tune(db.engine)
    return application


def _settings(config_object):
    return {key: getattr(config_object, key) for key in dir(config_object) if key.isupper()}


@pytest.fixture
def app(session_app, test_database, app_config, clock):
    """The session's app with this test's settings and clock over a fresh, migrated database."""
    from app.extensions import db

    saved_config, saved_extensions = dict(session_app.config), dict(session_app.extensions)
    test_database.reset()
    session_app.extensions["token_cache"].clear()  # users of the last test's database
    session_app.config.update({k: v for k, v in _settings(app_config).items()
                               if k not in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")})
    session_app.extensions["clock"] = clock
    from app.visits import view_cache

    view_cache.install(session_app)  # bodies of the last test's database; this test's size
    try:
        with session_app.app_context():
            yield session_app
            db.session.remove()
            db.engine.dispose()
    finally:
        session_app.config.clear()
        session_app.config.update(saved_config)
        session_app.extensions.clear()
        session_app.extensions.update(saved_extensions)


@pytest.fixture
def db_session(app):
    from app.extensions import db

    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def site(app):
    from app.extensions import db
    from app.sites.services import create_site

    row = create_site("test", FROZEN_NOW, code="BJ", name="Beijing Cancer Hospital", timezone="Asia/Shanghai",
                      phone="+861088196114", haic_daily_capacity=4, quiet_start="21:00", quiet_end="08:00")
    db.session.commit()
    return row


@pytest.fixture
def make_user(app, site):
    from app.auth.services import create_user
    from app.extensions import db

    def make(username, role, site_code="BJ", **kwargs):
        user = create_user("test", FROZEN_NOW, username=username, password=PASSWORD, role=role,
                           site_code=None if role == "admin" else site_code, **kwargs)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client, make_user):
    from tests.support.api_client import ApiClient

    def as_role(role, username=None, site_code="BJ", **kwargs):
        username = username or f"{role}-{site_code.lower()}"
        make_user(username, role, site_code, **kwargs)
        response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return ApiClient(client, response.get_json()["access_token"])

    return as_role


@pytest.fixture
def nurse(login):
    return login("nurse")


@pytest.fixture
def admin(login):
    return login("admin", "root")


@pytest.fixture
def coordinator(login):
    return login("coordinator")


@pytest.fixture
def enroll(nurse):
    """Screen an eligible candidate and enroll them; returns the patient JSON."""
    from tests.support.factories import patient_body, screening_body

    def enroll_one(client=None, screening_overrides=None, **patient_overrides):
        api = client or nurse
        screening = api.post("/api/v1/screenings", json=screening_body(**(screening_overrides or {})))
        assert screening.status_code == 201, screening.get_json()
        response = api.post("/api/v1/patients", json=patient_body(screening.get_json()["id"], **patient_overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return enroll_one


def pytest_terminal_summary(terminalreporter):
    """`make test` says how many tests ran on each database (SQLite, then PostgreSQL)."""
    import os

    url = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    counts = {outcome: len(terminalreporter.stats.get(outcome, [])) for outcome in ("passed", "failed", "skipped", "error")}
    ran = counts["passed"] + counts["failed"] + counts["error"]
    terminalreporter.write_line(f"== {ran} tests ran on {database}: " + ", ".join(
        f"{n} {outcome}" for outcome, n in counts.items() if n))
