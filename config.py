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

    def __init__(self):
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
        self.API_TITLE = "HAIC-Track"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_REDOC_PATH = "docs"
        self.OPENAPI_REDOC_URL = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"
        self.JSON_SORT_KEYS = False


class DevelopmentConfig(Config):
    def __init__(self):
        super().__init__()
        self.DEBUG = False


class TestingConfig(Config):
    def __init__(self):
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
        # Fast hashing keeps the suite quick; production keeps scrypt.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        self.SMS_BACKEND = "console"


class ProductionConfig(Config):
    def __init__(self):
        super().__init__()
        if self.SECRET_KEY == "dev-only-secret-change-me":
            raise RuntimeError("SECRET_KEY must be set in production")
        from app.notifications.settings_check import production_sms_problems

        problems = production_sms_problems(self.__dict__)
        if problems:  # one line per setting: the operator fixes them all in one go
            raise RuntimeError("\n".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name=None):
    return CONFIGS[name or _env("APP_ENV", "development")]()
