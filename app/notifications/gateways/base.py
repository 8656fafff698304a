"""The one SMS gateway interface, the result every send returns, and error classification.

A gateway never raises for a provider problem: it returns a `SendResult` that says whether
the outbox may try again. It raises only for programming errors (a malformed number, an
empty body, an unknown backend), which no retry could fix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

SEND_STATUSES = frozenset({"queued", "sent", "failed"})

# Twilio error codes with a meaning the outbox must act on.
OPTED_OUT_CODES = frozenset({21610})  # recipient replied STOP: never text again until START
INVALID_NUMBER_CODES = frozenset({21211, 21614})  # not a valid / not a mobile number
UNREACHABLE_CODES = frozenset({30003, 30005, 30006})  # handset off, unknown, landline
# 429 is throttling. 401 means our credentials are wrong: a configuration fault, not the
# message's, so the message waits (within max attempts) for the operator to fix it.
_RETRYABLE_4XX = frozenset({401, 429})


@dataclass(frozen=True)
class SendResult:
    """What happened to one send attempt, in provider-neutral terms."""

    provider_sid: str | None
    status: str  # "queued" | "sent" | "failed"
    error_code: int | str | None = None  # Twilio's are numbers, the domestic providers' strings
    error_message: str | None = None
    retryable: bool = False
    opted_out: bool = False
    unreachable: bool = False

    def __post_init__(self):
        if self.status not in SEND_STATUSES:
            raise ValueError(f"unknown send status {self.status!r}")

    @property
    def ok(self) -> bool:
        """True when the provider accepted the message."""
        return self.status != "failed"


@dataclass(frozen=True)
class TemplateRef:
    """Which named SMS template a message was rendered from, and with what variables.

    Twilio and the console send the rendered `body`; the mainland-China providers are
    template-only and send the template's approved code plus these parameters instead.
    `params` holds the template's declared variables in declaration order, values as strings.
    """

    name: str
    language: str  # "zh" | "en"
    params: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, str]:
        return dict(self.params)


class Gateway(Protocol):
    """Anything that can hand one SMS to a provider."""

    def send(self, to_e164: str, body: str, *, status_callback_url: str | None = None,
             template: TemplateRef | None = None) -> SendResult:
        """Send `body` (rendered from `template`) to `to_e164`; classify provider errors
        instead of raising them. Template-only providers need `template`."""
        ...


def check_send_arguments(to_e164: str, body: str) -> None:
    """Raise ValueError for arguments no provider could accept (a caller bug, not a send failure)."""
    if not isinstance(to_e164, str) or not to_e164.startswith("+") or not to_e164[1:].isdigit():
        raise ValueError(f"recipient must be an E.164 number like +8613800000000, got {to_e164!r}")
    if not isinstance(body, str) or not body.strip():
        raise ValueError("message body must be a non-empty string")


def classify_error(http_status: int | None, error_code: int | None, message: str | None) -> SendResult:
    """Turn a provider failure into a failed SendResult that says whether to retry.

    `http_status` None means the request never got an answer (network error, timeout).
    """
    if http_status is None or http_status in _RETRYABLE_4XX or http_status >= 500:
        return _failed(error_code, message, retryable=True)
    if error_code in OPTED_OUT_CODES:
        return _failed(error_code, message, opted_out=True)
    if error_code in UNREACHABLE_CODES:
        return _failed(error_code, message, unreachable=True)
    return _failed(error_code, message)  # other 4xx: the same request would fail again


def classify_delivery_error(error_code: int | str | None) -> dict[str, bool]:
    """Flags implied by a Twilio ErrorCode in a status callback (undelivered/failed); the
    domestic providers' receipt codes are gateways/domestic.classify_receipt_error."""
    return {"opted_out": error_code in OPTED_OUT_CODES, "unreachable": error_code in UNREACHABLE_CODES}


def _failed(code, message, *, retryable=False, opted_out=False, unreachable=False) -> SendResult:
    return SendResult(None, "failed", code, message, retryable, opted_out, unreachable)
