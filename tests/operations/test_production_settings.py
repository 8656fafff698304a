"""Production refuses SQLite unless told to and prints one line per unsafe setting (issue 17 item 6)."""
import pytest

import config as settings_module
from config import ProductionConfig, unsafe_settings

SAFE = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://haic_app@db/haic", "PUBLIC_BASE_URL": "https://haic.example.org",
        "SECRET_KEY": "x" * 40, "SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t",
        "DEBUG": False, "LOG_LEVEL": "INFO", "PASSWORD_HASH_METHOD": "scrypt", "TOKEN_TTL_SECONDS": 28800}


def test_a_safe_production_configuration_has_no_warnings():
    assert unsafe_settings(SAFE) == []


@pytest.mark.parametrize("change, word", [
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}, "DATABASE_URL"),
    ({"PUBLIC_BASE_URL": "http://127.0.0.1:5000"}, "PUBLIC_BASE_URL"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"SMS_BACKEND": "console"}, "SMS_BACKEND"),
    ({"TWILIO_AUTH_TOKEN": None}, "SMS_BACKEND=twilio"),
    ({"TWILIO_API_BASE_URL": "http://fake"}, "TWILIO_API_BASE_URL"),
    ({"DEBUG": True}, "DEBUG"),
    ({"LOG_LEVEL": "debug"}, "LOG_LEVEL"),
    ({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, "PASSWORD_HASH_METHOD"),
    ({"TOKEN_TTL_SECONDS": 7 * 24 * 3600}, "TOKEN_TTL_SECONDS"),
])
def test_each_unsafe_setting_is_one_line_naming_it(change, word):
    lines = unsafe_settings({**SAFE, **change})
    assert any(line.startswith(word) for line in lines), lines
    assert all("\n" not in line for line in lines)


def test_production_refuses_sqlite_unless_allowed(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "y" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/haic.sqlite3")
    with pytest.raises(RuntimeError, match="ALLOW_SQLITE_IN_PRODUCTION"):
        ProductionConfig()
    monkeypatch.setenv("ALLOW_SQLITE_IN_PRODUCTION", "true")
    # the SMS settings have their own start-time checks (tests/notifications/test_sms_templates_cli.py)
    monkeypatch.setattr("app.notifications.settings_check.production_sms_problems", lambda settings: [])
    assert ProductionConfig().ALLOW_SQLITE_IN_PRODUCTION is True


def test_production_app_prints_the_unsafe_settings(capsys):
    from app.factory import build_app

    config = settings_module.TestingConfig()
    config.APP_ENV = "production"
    config.SQLALCHEMY_DATABASE_URI = "sqlite://"
    build_app(config)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("UNSAFE SETTING: ")]
    assert any("PUBLIC_BASE_URL" in line for line in lines) and any("SMS_BACKEND" in line for line in lines)
    assert len(lines) == len(unsafe_settings(config.__dict__))
