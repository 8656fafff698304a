"""Configuration classes, read from the environment inside the app factory."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _flag(name, default=False):
    value = _env(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _sqlite_default():
    return f"sqlite:///{BASE_DIR / 'instance' / 'haic_track.sqlite3'}"


class Config:
    """Defaults shared by every environment; each value can be overridden by an env var."""

    APP_ENV_NAME = "development"

    def __init__(self):
        self.APP_ENV = self.APP_ENV_NAME
        self.SECRET_KEY = _env("SECRET_KEY", "dev-only-secret-change-me")
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", _sqlite_default())
        self.DATABASE_OWNER_URL = _env("DATABASE_OWNER_URL")  # migrations; DATABASE_URL is the app role
        self.DB_CONNECT_TIMEOUT_S = int(_env("DB_CONNECT_TIMEOUT_S", 5))
        self.DB_STATEMENT_TIMEOUT_MS = int(_env("DB_STATEMENT_TIMEOUT_MS", 15000))
        self.DB_POOL_TIMEOUT_S = int(_env("DB_POOL_TIMEOUT_S", 5))
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", 1024 * 1024))
        self.SITE_TIMEZONE = _env("SITE_TIMEZONE", "Asia/Shanghai")
        self.ENROLLMENT_TARGET = int(_env("ENROLLMENT_TARGET", 25))
        self.TOKEN_TTL_SECONDS = int(_env("TOKEN_TTL_SECONDS", 8 * 3600))
        # Per-process token -> user cache; revocation reaches every node within this (at most 5 s).
        self.TOKEN_CACHE_SECONDS = float(_env("TOKEN_CACHE_SECONDS", 5))
        # Per-process bodies of day views and timelines, served only while the database's
        # generation of their tables is unchanged (app/common/generations.py); 0 turns it off.
        self.VISIT_VIEW_CACHE_ENTRIES = int(_env("VISIT_VIEW_CACHE_ENTRIES", 512))
        self.VISIT_VIEW_CACHE_MB = float(_env("VISIT_VIEW_CACHE_MB", 32))
        self.LOGIN_MAX_FAILURES = int(_env("LOGIN_MAX_FAILURES", 5))
        self.LOGIN_LOCKOUT_SECONDS = int(_env("LOGIN_LOCKOUT_SECONDS", 15 * 60))
        self.PASSWORD_HASH_METHOD = _env("PASSWORD_HASH_METHOD", "scrypt")
        self.LOGIN_MAX_PER_CLIENT_PER_MIN = int(_env("LOGIN_MAX_PER_CLIENT_PER_MIN", 20))
        self.LOGIN_MAX_GLOBAL_PER_MIN = int(_env("LOGIN_MAX_GLOBAL_PER_MIN", 300))
        self.SIGNATURE_MAX_FAILURES = int(_env("SIGNATURE_MAX_FAILURES", 5))
        self.TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", 0))
        # Flask-Limiter: "memory://" is per process; use a shared store (redis://...) with
        # several gunicorn workers for an exact ceiling.
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.IDEMPOTENCY_TTL_HOURS = int(_env("IDEMPOTENCY_TTL_HOURS", 24))
        self.SCHEDULER_STALE_AFTER_S = int(_env("SCHEDULER_STALE_AFTER_S", 120))
        self.URGENT_PAGE_MAX_WAIT_S = int(_env("URGENT_PAGE_MAX_WAIT_S", 120))
        self.LOG_FORMAT = _env("LOG_FORMAT", "text")
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO")
        self.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.SMS_BACKEND = _env("SMS_BACKEND", "console")
        self.TWILIO_ACCOUNT_SID = _env("TWILIO_ACCOUNT_SID")
        self.TWILIO_AUTH_TOKEN = _env("TWILIO_AUTH_TOKEN")
        self.TWILIO_FROM_NUMBER = _env("TWILIO_FROM_NUMBER")
        self.TWILIO_MESSAGING_SERVICE_SID = _env("TWILIO_MESSAGING_SERVICE_SID")
        self.TWILIO_API_BASE_URL = _env("TWILIO_API_BASE_URL")
        # Inbound SMS: processed by a background thread of the web process right after the
        # webhook stored it ("background"), only by the scheduler's job ("job"), or in the
        # request itself ("inline", tests). INBOX_SPOOL_DIR: where texts go while the
        # database is down (default: <instance>/inbox-spool).
        self.INBOX_PROCESSING = _env("INBOX_PROCESSING", "background")
        self.INBOX_SPOOL_DIR = _env("INBOX_SPOOL_DIR")
        self.INBOX_MAX_ATTEMPTS = int(_env("INBOX_MAX_ATTEMPTS", 5))
        self.URGENT_PAGE_MAX_WAIT_S = int(_env("URGENT_PAGE_MAX_WAIT_S", 120))
        self.SMS_SEND_TIMEOUT_S = float(_env("SMS_SEND_TIMEOUT_S", 10))  # the provider call's HTTP timeout
        self.SMS_DISPATCH_BATCH = int(_env("SMS_DISPATCH_BATCH", 16))  # claimed per round
        self.SMS_DISPATCH_THREADS = int(_env("SMS_DISPATCH_THREADS", 8))
        # Mainland-China providers (API.md "Second wave"); template codes live in SMS_TEMPLATES_FILE.
        self.SMS_SIGN_NAME = _env("SMS_SIGN_NAME")
        self.SMS_TEMPLATES_FILE = _env("SMS_TEMPLATES_FILE")
        self.ALIYUN_ACCESS_KEY_ID = _env("ALIYUN_ACCESS_KEY_ID")
        self.ALIYUN_ACCESS_KEY_SECRET = _env("ALIYUN_ACCESS_KEY_SECRET")
        self.ALIYUN_SMS_ENDPOINT = _env("ALIYUN_SMS_ENDPOINT")
        self.TENCENT_SECRET_ID = _env("TENCENT_SECRET_ID")
        self.TENCENT_SECRET_KEY = _env("TENCENT_SECRET_KEY")
        self.TENCENT_SMS_SDK_APP_ID = _env("TENCENT_SMS_SDK_APP_ID")
        self.TENCENT_SMS_ENDPOINT = _env("TENCENT_SMS_ENDPOINT")
        self.TENCENT_SMS_REGION = _env("TENCENT_SMS_REGION", "ap-guangzhou")
        self.SMS_WEBHOOK_SECRET = _env("SMS_WEBHOOK_SECRET")
        self.SMS_WEBHOOK_SECRET_PREVIOUS = _env("SMS_WEBHOOK_SECRET_PREVIOUS")
        self.SMS_WEBHOOK_ALLOWED_IPS = _env("SMS_WEBHOOK_ALLOWED_IPS")  # comma-separated addresses/networks
        self.SMS_OPT_OUT_HINT = _env("SMS_OPT_OUT_HINT", "回复TD退订")
        self.FORM_LINK_TTL_HOURS = int(_env("FORM_LINK_TTL_HOURS", 72))
        self.FORM_LINK_MAX_USES = int(_env("FORM_LINK_MAX_USES", 5))
        self.PROTOCOL_VERSION = _env("PROTOCOL_VERSION", "NCT06184841-v1")
        self.RESCHEDULE_MARGIN_DAYS = int(_env("RESCHEDULE_MARGIN_DAYS", 90))
        self.LOG_LEVEL = _env("LOG_LEVEL", "INFO").upper()
        self.SMS_DAILY_BUDGET = int(_env("SMS_DAILY_BUDGET", 4))
        self.ALLOW_SQLITE_IN_PRODUCTION = _flag("ALLOW_SQLITE_IN_PRODUCTION")
        self.API_TITLE = "HAIC-Track"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        # Swagger UI served by the app (app/common/docs.py): no CDN, works on an intranet.
        self.OPENAPI_SWAGGER_UI_PATH = "docs"
        self.OPENAPI_SWAGGER_UI_URL = "docs/assets/"
        self.OPENAPI_SWAGGER_UI_CONFIG = {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None}
        self.JSON_SORT_KEYS = False


class DevelopmentConfig(Config):
    def __init__(self):
        super().__init__()
        self.DEBUG = False


class TestingConfig(Config):
    APP_ENV_NAME = "testing"

    def __init__(self):
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
        # Fast hashing keeps the suite quick; production keeps scrypt.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        # The suite logs in hundreds of times a minute from one address; throttling tests
        # lower these again.
        self.LOGIN_MAX_PER_CLIENT_PER_MIN = 100000
        self.LOGIN_MAX_GLOBAL_PER_MIN = 100000
        self.SMS_BACKEND = "console"
        self.INBOX_PROCESSING = "inline"


class ProductionConfig(Config):
    APP_ENV_NAME = "production"

    def __init__(self):
        super().__init__()
        if self.SECRET_KEY == "dev-only-secret-change-me":
            raise RuntimeError("SECRET_KEY must be set in production")
        if self.SQLALCHEMY_DATABASE_URI.startswith("sqlite") and not self.ALLOW_SQLITE_IN_PRODUCTION:
            raise RuntimeError("DATABASE_URL is SQLite: production runs on PostgreSQL "
                               "(set ALLOW_SQLITE_IN_PRODUCTION=true to run a single node on SQLite anyway)")
        from app.notifications.settings_check import production_sms_problems

        problems = production_sms_problems(self.__dict__)
        if problems:  # one line per setting: the operator fixes them all in one go
            raise RuntimeError("\n".join(problems))


def unsafe_settings(settings: dict) -> list[str]:
    """One line per setting that is unsafe for production (printed at start-up by the app
    factory when APP_ENV=production). Pure: `settings` is the app's config mapping."""
    lines = []
    url = settings.get("SQLALCHEMY_DATABASE_URI", "")
    if url.startswith("sqlite"):
        lines.append("DATABASE_URL: SQLite in production (ALLOW_SQLITE_IN_PRODUCTION): one node only, "
                     "no scheduler failover; back the file up")
    base = settings.get("PUBLIC_BASE_URL") or ""
    if not base.startswith("https://"):
        lines.append(f"PUBLIC_BASE_URL={base}: not https; webhooks and form links would travel in clear")
    if any(host in base for host in ("127.0.0.1", "localhost", "0.0.0.0")):
        lines.append(f"PUBLIC_BASE_URL={base}: a local address; providers cannot reach the webhooks")
    if len(settings.get("SECRET_KEY") or "") < 32:
        lines.append("SECRET_KEY: shorter than 32 characters")
    backend = settings.get("SMS_BACKEND")
    if backend == "console":
        lines.append("SMS_BACKEND=console: no SMS leaves the server (reminders, symptom replies, pages)")
    if backend == "twilio" and not (settings.get("TWILIO_ACCOUNT_SID") and settings.get("TWILIO_AUTH_TOKEN")):
        lines.append("SMS_BACKEND=twilio without TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
    if settings.get("TWILIO_API_BASE_URL"):
        lines.append("TWILIO_API_BASE_URL is set: SMS go to a test server, not Twilio")
    if settings.get("DEBUG"):
        lines.append("DEBUG is on")
    if str(settings.get("LOG_LEVEL", "")).upper() == "DEBUG":
        lines.append("LOG_LEVEL=DEBUG: request details (phone numbers, texts) reach the logs")
    method = str(settings.get("PASSWORD_HASH_METHOD", ""))
    if not method.startswith("scrypt") and not (method.startswith("pbkdf2") and _iterations(method) >= 600_000):
        lines.append(f"PASSWORD_HASH_METHOD={method}: weaker than scrypt or pbkdf2 with 600,000 iterations")
    if int(settings.get("TOKEN_TTL_SECONDS") or 0) > 24 * 3600:
        lines.append("TOKEN_TTL_SECONDS: tokens live longer than a day")
    return lines


def _iterations(method: str) -> int:
    parts = method.split(":")
    return int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 600_000


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name=None):
    return CONFIGS[name or _env("APP_ENV", "development")]()
