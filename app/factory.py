"""The application factory: configuration, extensions, boundaries, blueprints, CLI."""
import importlib
import logging

from app import __version__

from flask import Flask

from app.common import arguments  # noqa: F401  (first: argument schemas built once, before any blueprint)
from app.auth import rate_limit
from app.common import (docs, errors, etag, health, input_guard, logs, openapi, query_args, request_boundary,
                        security_headers)
from app.common.clock import SystemClock
from app.common.field_docs import describe_spec
from flask_smorest import Api

from app.auth.services import install_token_cache, resolve_token
from app.extensions import db, migrate
from app.forms.links import PURPOSE as FORM_LINK_PURPOSE, current_form_link_message, send_checkin_link
from app.notifications.send_policy import register_send_time_check
from app.symptoms.checkins.services import register_form_checkin_sender
from app.symptoms.services import install as install_symptom_handler
from app.visits import view_cache as visit_view_cache

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
    "app.forms.resources",
    "app.notifications.webhooks.aliyun",
    "app.notifications.webhooks.tencent",
)
PAGE_MODULES = ("app.forms.pages",)  # plain Flask pages outside the API (the patient's web form)
# Plain (non-API) pages; each module exposes `register(app)`.
CLI_MODULES = (
    "app.common.jobs_cli",
    "app.auth.cli",
    "app.demo.cli",
    "app.notifications.cli",
    "app.ctcae.cli",
    "app.labs.cli",
    "app.exports.cli",
    "app.common.health_cli",
    "app.notifications.sms_cli",
    "app.forms.cli",
    "app.demo.sms_cli",  # last: joins a `flask sms` group another module may define
)

# Each domain's scheduled jobs, registered with @job when imported (app/common/jobs.py).
JOB_MODULES = (
    "app.notifications.jobs",
    "app.visits.jobs",
    "app.adverse_events.jobs",
    "app.symptoms.jobs",
    "app.labs.jobs",
    "app.alerts.jobs",
    "app.common.idempotency",
)


def build_app(config=None, clock=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or _default_config())
    app.config.setdefault("VERSION", __version__)  # /health, exports' manifests
    logs.configure(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "text"))
    _warn_unsafe_settings(app)
    app.extensions["clock"] = clock or SystemClock()
    _trust_proxies(app)
    _init_extensions(app)
    security_headers.install(app)  # first: the request id is in every later log line
    app.before_request(input_guard.check_request)
    install_token_cache(app)
    visit_view_cache.install(app)
    request_boundary.install(app, resolve_token)
    query_args.install(app)
    etag.install(app)
    errors.install(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_jobs()
    _register_inbound_handlers()
    health.install(app)
    _install_console(app)
    return app


def _trust_proxies(app):
    """TRUSTED_PROXIES hops of X-Forwarded-For/-Proto are believed (client address for login
    throttling, https for HSTS); none by default."""
    hops = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _database_timeouts(app):
    """Connect, statement and pool timeouts from config, and no SQL parameters in logs or
    exception texts (they carry phone numbers and message bodies)."""
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(options)
    options["hide_parameters"] = True
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("postgresql"):
        return
    options.setdefault("pool_timeout", app.config.get("DB_POOL_TIMEOUT_S", 5))
    options["pool_pre_ping"] = False  # replaced by the watched ping of app.common.db_watchdog
    connect_args = dict(options.get("connect_args", {}))
    connect_args.setdefault("connect_timeout", app.config.get("DB_CONNECT_TIMEOUT_S", 5))
    statement_ms = int(app.config.get("DB_STATEMENT_TIMEOUT_MS", 15000))
    extra = f"-c statement_timeout={statement_ms}"
    # A partition drops packets: unacknowledged data fails the connection after the statement
    # timeout (TCP_USER_TIMEOUT) instead of hanging; idle sockets are probed by keepalives.
    connect_args.setdefault("tcp_user_timeout", statement_ms)
    connect_args.setdefault("keepalives", 1)
    connect_args.setdefault("keepalives_idle", 5)
    connect_args.setdefault("keepalives_interval", 2)
    connect_args.setdefault("keepalives_count", 2)
    connect_args["options"] = (connect_args.get("options", "") + " " + extra).strip()
    options["connect_args"] = connect_args


def _warn_unsafe_settings(app):
    """In production, one line per unsafe setting on standard error (and in the log)."""
    if app.config.get("APP_ENV") != "production":
        return
    import sys

    from config import unsafe_settings

    for line in unsafe_settings(app.config):
        print(f"UNSAFE SETTING: {line}", file=sys.stderr)
        logging.getLogger("haic.config").warning("unsafe setting: %s", line)


def _default_config():
    from config import config_for

    return config_for()


def _init_extensions(app):
    _ensure_sqlite_dir(app)
    _database_timeouts(app)
    db.init_app(app)
    _install_sql_functions(app)
    _watch_statements(app)
    rate_limit.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    # One Api per app: flask-smorest keeps the OpenAPI spec on it.
    api = Api(app, spec_kwargs={"security": [{"bearer": []}]})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    app.extensions["smorest_api"] = api


def _install_sql_functions(app):
    from app.common import sql_dates

    with app.app_context():
        sql_dates.install(db.engine)


def _watch_statements(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    from app.common import db_watchdog

    with app.app_context():
        db_watchdog.install(db.engine, int(app.config.get("DB_STATEMENT_TIMEOUT_MS", 15000)))


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
    api.register_blueprint(importlib.import_module("app.visits.resources").cal_blp)  # /cal/{token}.ics
    docs.install(app)
    openapi.complete_spec(app, api)
    describe_spec(api.spec)  # last: the completed spec's shared schemas (Problem) are described too
    for name in PAGE_MODULES:
        importlib.import_module(name).register(app)


def _install_console(app):
    from app.console.install import install

    install(app)


def _register_cli(app):
    for name in CLI_MODULES:
        importlib.import_module(name).register(app)

    @app.cli.command("version")
    def version():
        """Print the HAIC-Track version."""
        from app import __version__

        print(f"HAIC-Track {__version__}")


def _register_jobs():
    for name in JOB_MODULES:
        importlib.import_module(name)


def _register_inbound_handlers():
    """Domains plug into lower ones here, so that no lower package imports a higher one:
    symptoms into inbound SMS (notifications), forms into the send-time checks (notifications)
    and into the check-ins (symptoms)."""
    install_symptom_handler()  # symptoms registers its handler (urgent replies marked) with notifications
    register_send_time_check(FORM_LINK_PURPOSE, current_form_link_message)
    register_form_checkin_sender(send_checkin_link)
