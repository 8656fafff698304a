"""The application factory: configuration, extensions, boundaries, blueprints, CLI."""
import importlib
import logging

from flask import Flask, jsonify
from sqlalchemy import text

from app.common import errors, request_boundary
from app.common.clock import SystemClock
from app.common.field_docs import describe_spec
from flask_smorest import Api

from app.auth.services import resolve_token
from app.extensions import db, migrate
from app.symptoms.services import install as install_symptom_handler

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
    "app.labs.resources",
    "app.exports.resources",
)
CLI_MODULES = (
    "app.common.jobs_cli",
    "app.auth.cli",
    "app.demo.cli",
    "app.notifications.cli",
    "app.ctcae.cli",
    "app.labs.cli",
    "app.exports.cli",
)

# Each domain's scheduled jobs, registered with @job when imported (app/common/jobs.py).
JOB_MODULES = (
    "app.notifications.jobs",
    "app.visits.jobs",
    "app.adverse_events.jobs",
    "app.symptoms.jobs",
    "app.labs.jobs",
    "app.alerts.jobs",
)


def build_app(config=None, clock=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or _default_config())
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"))
    app.extensions["clock"] = clock or SystemClock()
    _init_extensions(app)
    request_boundary.install(app, resolve_token)
    errors.install(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_jobs()
    _register_inbound_handlers()
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
    describe_spec(api.spec)


def _register_cli(app):
    for name in CLI_MODULES:
        importlib.import_module(name).register(app)


def _register_jobs():
    for name in JOB_MODULES:
        importlib.import_module(name)


def _register_inbound_handlers():
    """Domains plug into inbound SMS here: notifications never imports them."""
    install_symptom_handler()  # symptoms registers its handler (urgent replies marked) with notifications


def health():
    try:
        db.session.execute(text("SELECT 1"))
        from app.common.clock import utcnow
        from app.notifications.inbox import health as inbox_health

        return jsonify(status="ok", database="ok", inbox=inbox_health(utcnow()))
    except Exception:  # the probe must answer even when the database does not
        db.session.rollback()
        return jsonify(status="degraded", database="unavailable"), 503
