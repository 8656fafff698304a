"""The application factory: configuration, extensions, boundaries, blueprints, CLI."""
import importlib
import logging

from flask import Flask, jsonify
from sqlalchemy import text

from app.common import errors, request_boundary
from app.common.clock import SystemClock
from flask_smorest import Api

from app.extensions import db, migrate

# One line per domain; each module exposes `blp` (a flask_smorest.Blueprint).
BLUEPRINTS = (
    "app.auth.resources",
    "app.sites.resources",
    "app.audit.resources",
    "app.screening.resources",
    "app.patients.resources",
    "app.assessments.resources",
    "app.efficacy.resources",
    "app.followup.resources",
    "app.adverse_events.resources",
    "app.notifications.resources",
    "app.symptoms.resources",
    "app.alerts.resources",
    "app.ctcae.resources",
    "app.visits.resources",
)
CLI_MODULES = (
    "app.auth.cli",
    "app.demo.cli",
    "app.adverse_events.cli",
    "app.notifications.cli",
    "app.ctcae.cli",
    "app.symptoms.cli",
    "app.symptoms.checkins.cli",
)


def build_app(config=None, clock=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or _default_config())
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))
    app.extensions["clock"] = clock or SystemClock()
    _init_extensions(app)
    request_boundary.install(app)
    errors.install(app)
    _register_blueprints(app)
    _register_cli(app)
    _install_console(app)
    app.add_url_rule("/health", "health", health)
    return app


def _default_config():
    from config import config_for

    return config_for()


def _init_extensions(app):
    _ensure_sqlite_dir(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    # One Api per app: flask-smorest keeps the OpenAPI spec on it.
    api = Api(app, spec_kwargs={"security": [{"bearer": []}]})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    app.extensions["smorest_api"] = api


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _ensure_sqlite_dir(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and uri != "sqlite://":
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # SQLite: wait for a writer instead of failing at once.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {"timeout": 30})


def _register_blueprints(app):
    api = app.extensions["smorest_api"]
    for name in BLUEPRINTS:
        api.register_blueprint(importlib.import_module(name).blp)


def _install_console(app):
    from app.console.install import install

    install(app)


def _register_cli(app):
    for name in CLI_MODULES:
        importlib.import_module(name).register(app)


def health():
    try:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok", database="ok")
    except Exception:  # the probe must answer even when the database does not
        db.session.rollback()
        return jsonify(status="degraded", database="unavailable"), 503
