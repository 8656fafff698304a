"""MINIMAL STAND-IN for the inbox (issue 11, built by another branch): replace at merge.

Only the two entry points the provider webhooks call, with the real inbox's signatures;
here they store and process synchronously through the existing code (inbound.receive,
status.apply_status_callback) instead of queueing. Nothing commits here.
"""
from __future__ import annotations

from datetime import datetime

from app.notifications import inbound
from app.notifications import status as status_callbacks


def accept_inbound(*, channel: str, from_number: str, to_number: str | None, body: str, received_at: datetime,
                   provider_ref: str, raw: dict | None = None) -> int | None:
    """Store and process one inbound SMS; the message id, or None when `provider_ref` was seen."""
    message = inbound.receive(received_at, sid=_sid(channel, provider_ref), from_number=from_number,
                              to_number=to_number or "", body=body)
    return None if message is None else message.id


def accept_receipt(*, channel: str, provider_sid: str, status: str, error_code: str | None, received_at: datetime,
                   raw: dict | None = None) -> int | None:
    """Apply one delivery receipt ("delivered" | "undelivered" | "failed"); the message id or None."""
    message = status_callbacks.apply_status_callback(received_at, sid=provider_sid, provider_status=status,
                                           error_code=error_code, channel=channel)
    return None if message is None else message.id


def _sid(channel: str, provider_ref: str) -> str:
    # Twilio's MessageSid is unique on its own; other channels' references are not, across channels.
    return provider_ref if channel == "twilio" else f"{channel}:{provider_ref}"[:64]
