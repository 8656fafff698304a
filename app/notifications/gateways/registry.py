"""Which gateway a configuration asks for. Kept apart from base.py so that the interface never
imports its implementations (they import it): one module per provider, as RapidPro's channel types."""
from __future__ import annotations

from typing import Mapping

from app.notifications.gateways.base import Gateway
from app.notifications.gateways.console import ConsoleGateway
from app.notifications.gateways.twilio import TwilioGateway


def make_gateway(config: Mapping) -> Gateway:
    """Build the gateway named by config["SMS_BACKEND"]: "console" (default), "twilio",
    "aliyun" or "tencent" (template-only: every template needs its approved code).

    Raises ValueError for an unknown backend, missing settings or missing template codes —
    at start, never at send time."""
    backend = (config.get("SMS_BACKEND") or "console").lower()
    if backend == "console":
        return ConsoleGateway()
    if backend == "twilio":
        return TwilioGateway.from_config(config)
    if backend in ("aliyun", "tencent"):
        return _domestic(backend, config)
    raise ValueError(f"unknown SMS_BACKEND {backend!r}; expected 'console', 'twilio', 'aliyun' or 'tencent'")


def _domestic(backend: str, config: Mapping) -> Gateway:
    from app.notifications.gateways.domestic import missing_codes
    from app.notifications.sms_catalogue import required_template_keys

    if backend == "aliyun":
        from app.notifications.gateways.aliyun import AliyunGateway as gateway_class
    else:
        from app.notifications.gateways.tencent import TencentGateway as gateway_class
    gateway = gateway_class.from_config(config)
    missing = missing_codes(gateway.codes, backend, required_template_keys())
    if missing:
        raise ValueError(f"SMS_TEMPLATES_FILE has no {backend} code for: {', '.join(missing)}")
    return gateway
