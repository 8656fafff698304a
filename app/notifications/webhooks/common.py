"""What both domestic providers' webhooks share: the secret in the path, the optional source
allowlist, time and number normalisation, and the dedupe reference of a reply.

Neither Aliyun nor Tencent signs its callbacks, so each webhook URL carries
SMS_WEBHOOK_SECRET; SMS_WEBHOOK_SECRET_PREVIOUS is accepted too while a rotation is under
way (set the new secret, update the provider's URLs, then drop the previous one).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, request

from app.common.problems import Forbidden, ValidationProblem

log = logging.getLogger(__name__)
# Both providers stamp times in Beijing time without a zone.
PROVIDER_TZ = ZoneInfo("Asia/Shanghai")
_MIN_SECRET_CHARS = 16


def require_secret_and_source(secret: str) -> None:
    """Raise Forbidden (403, nothing stored) for a wrong secret or a source outside the allowlist."""
    config = current_app.config
    accepted = [s for s in (config.get("SMS_WEBHOOK_SECRET"), config.get("SMS_WEBHOOK_SECRET_PREVIOUS"))
                if s and len(s) >= _MIN_SECRET_CHARS]
    # compare_digest against every accepted secret: the time taken does not tell which matched.
    matches = [hmac.compare_digest(secret.encode(), candidate.encode()) for candidate in accepted]
    if not any(matches):
        raise Forbidden("This webhook address is not valid.")
    allowed = allowed_networks(config.get("SMS_WEBHOOK_ALLOWED_IPS"))
    if allowed and not address_allowed(request.remote_addr, allowed):
        log.warning("SMS webhook from %s refused: not in SMS_WEBHOOK_ALLOWED_IPS", request.remote_addr)
        raise Forbidden("This source address may not call the webhook.")


def allowed_networks(setting: str | None) -> list:
    """SMS_WEBHOOK_ALLOWED_IPS ("1.2.3.4, 10.0.0.0/8") as networks; empty = any source."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in (setting or "").split(",") if part.strip()]


def address_allowed(address: str | None, networks: list) -> bool:
    """True when `address` lies in one of `networks`."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in networks)


def json_body(expect: type):
    """The request's JSON as `expect` (list or dict); 400 problem otherwise."""
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, expect):
        raise ValidationProblem(f"Expected a JSON {'array' if expect is list else 'object'}.")
    return data


def provider_time(value) -> datetime | None:
    """"2017-01-01 00:00:00" (Beijing) or Unix seconds → aware UTC; None when unreadable."""
    try:
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
            return datetime.fromtimestamp(int(value), tz=timezone.utc)
        return datetime.strptime(str(value).strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=PROVIDER_TZ) \
            .astimezone(timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def reply_reference(number_e164: str, sent_time, text: str) -> str:
    """Dedupe key of a reply without a provider id: (number, provider time, text), hashed."""
    digest = hashlib.sha256(f"{number_e164}|{sent_time}|{text}".encode()).hexdigest()
    return f"h{digest[:40]}"
