"""Configuration classes, read from the environment inside the app factory."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _sqlite_default():
    return f"sqlite:///{BASE_DIR / 'instance' / 'haic_track.sqlite3'}"


class Config:
    """Defaults shared by every environment; each value can be overridden by an env var."""

    APP_ENV_NAME = "development"

    def __init__(self):
        self.APP_ENV = self.APP_ENV_NAME
        self.SECRET_KEY = _env("SECRET_KEY", "dev-only-secret-change-me")
        self.SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", _sqlite_default())
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", 1024 * 1024))
        self.SITE_TIMEZONE = _env("SITE_TIMEZONE", "Asia/Shanghai")
        self.ENROLLMENT_TARGET = int(_env("ENROLLMENT_TARGET", 25))
        self.TOKEN_TTL_SECONDS = int(_env("TOKEN_TTL_SECONDS", 8 * 3600))
        self.LOGIN_MAX_FAILURES = int(_env("LOGIN_MAX_FAILURES", 5))
        self.LOGIN_LOCKOUT_SECONDS = int(_env("LOGIN_LOCKOUT_SECONDS", 15 * 60))
        self.PASSWORD_HASH_METHOD = _env("PASSWORD_HASH_METHOD", "scrypt")
        self.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
        self.SMS_BACKEND = _env("SMS_BACKEND", "console")
        self.TWILIO_ACCOUNT_SID = _env("TWILIO_ACCOUNT_SID")
        self.TWILIO_AUTH_TOKEN = _env("TWILIO_AUTH_TOKEN")
        self.TWILIO_FROM_NUMBER = _env("TWILIO_FROM_NUMBER")
        self.TWILIO_MESSAGING_SERVICE_SID = _env("TWILIO_MESSAGING_SERVICE_SID")
        self.TWILIO_API_BASE_URL = _env("TWILIO_API_BASE_URL")
        self.PROTOCOL_VERSION = _env("PROTOCOL_VERSION", "NCT06184841-v1")
        self.RESCHEDULE_MARGIN_DAYS = int(_env("RESCHEDULE_MARGIN_DAYS", 90))
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
        self.SMS_BACKEND = "console"


class ProductionConfig(Config):
    APP_ENV_NAME = "production"

    def __init__(self):
        super().__init__()
        if self.SECRET_KEY == "dev-only-secret-change-me":
            raise RuntimeError("SECRET_KEY must be set in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name=None):
    return CONFIGS[name or _env("APP_ENV", "development")]()
