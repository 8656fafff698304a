"""Production start-up checks for SMS: settings that would otherwise fail silently later.

`production_sms_problems(config)` returns one line per wrong setting, each naming it; the
production configuration refuses to start while the list is not empty (config.py). Pure
apart from reading SMS_TEMPLATES_FILE.
"""
from __future__ import annotations

from typing import Mapping
from urllib.parse import urlsplit

from app.notifications.gateways.domestic import TemplateCodeError, load_template_codes, missing_codes
from app.notifications.sms_catalogue import required_template_keys

MIN_WEBHOOK_SECRET_CHARS = 32
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")
_REQUIRED = {
    "twilio": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
    "aliyun": ("ALIYUN_ACCESS_KEY_ID", "ALIYUN_ACCESS_KEY_SECRET", "SMS_SIGN_NAME"),
    "tencent": ("TENCENT_SECRET_ID", "TENCENT_SECRET_KEY", "TENCENT_SMS_SDK_APP_ID", "SMS_SIGN_NAME"),
}


def production_sms_problems(config: Mapping) -> list[str]:
    """Why these settings must not run in production; empty when they may."""
    backend = (config.get("SMS_BACKEND") or "console").lower()
    problems = _public_base_url(config.get("PUBLIC_BASE_URL"))
    if backend == "console":
        return problems + ["SMS_BACKEND is console: no SMS would reach anyone (set twilio, aliyun or tencent)"]
    if backend not in _REQUIRED:
        return problems + [f"SMS_BACKEND {backend!r} is unknown (console, twilio, aliyun or tencent)"]
    problems += [f"{name} is not set (needed by SMS_BACKEND={backend})" for name in _REQUIRED[backend]
                 if not config.get(name)]
    if backend == "twilio":
        if not (config.get("TWILIO_FROM_NUMBER") or config.get("TWILIO_MESSAGING_SERVICE_SID")):
            problems.append("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID is not set")
        return problems
    secret = config.get("SMS_WEBHOOK_SECRET") or ""
    if len(secret) < MIN_WEBHOOK_SECRET_CHARS:
        problems.append(f"SMS_WEBHOOK_SECRET is {'not set' if not secret else 'too short'}: at least "
                        f"{MIN_WEBHOOK_SECRET_CHARS} random characters (e.g. python -c 'import secrets; "
                        f"print(secrets.token_urlsafe(32))')")
    problems += _allowed_ips(config.get("SMS_WEBHOOK_ALLOWED_IPS"))
    return problems + _template_codes(config.get("SMS_TEMPLATES_FILE"), backend)


def _public_base_url(url: str | None) -> list[str]:
    host = urlsplit(url or "").hostname or ""
    if not host or host in _LOCAL_HOSTS or host.endswith(".localhost"):
        return [f"PUBLIC_BASE_URL is {url!r}: set the public https address patients and providers reach"]
    return []


def _allowed_ips(setting: str | None) -> list[str]:
    from app.notifications.webhooks.common import allowed_networks

    try:
        allowed_networks(setting)
    except ValueError as error:
        return [f"SMS_WEBHOOK_ALLOWED_IPS is not a list of addresses or networks ({error})"]
    return []


def _template_codes(path: str | None, backend: str) -> list[str]:
    try:
        codes = load_template_codes(path)
    except TemplateCodeError as error:
        return [str(error)]
    missing = missing_codes(codes, backend, required_template_keys())
    if missing:
        return [f"SMS_TEMPLATES_FILE has no {backend} code for: {', '.join(missing)} (see `flask sms templates --stub`)"]
    return []
