"""Which gateway a configuration asks for. Kept apart from base.py so that the interface never
imports its implementations (they import it): one module per provider, as RapidPro's channel types."""
from __future__ import annotations

from typing import Mapping

from app.notifications.gateways.base import Gateway
from app.notifications.gateways.console import ConsoleGateway
from app.notifications.gateways.twilio import TwilioGateway


def make_gateway(config: Mapping) -> Gateway:
    """Build the gateway named by config["SMS_BACKEND"] ("console" by default, or "twilio").

    Raises ValueError for an unknown backend (and whatever the gateway's own `from_config`
    raises for missing settings)."""
    backend = (config.get("SMS_BACKEND") or "console").lower()
    if backend == "console":
        return ConsoleGateway()
    if backend == "twilio":
        return TwilioGateway.from_config(config)
    raise ValueError(f"unknown SMS_BACKEND {backend!r}; expected 'console' or 'twilio'")
