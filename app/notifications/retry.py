"""Retry policy and the outbound message state machine (pure: time and randomness are passed in).

States: queued → sending → sent → delivered | undelivered | failed. Provider callbacks may
skip states (queued → delivered) and arrive out of order; a late "sent" after "delivered"
is ignored because status only ever moves forward. The one way back is the outbox's own
requeue of a "sending" row (a retryable failure, or a sender that died holding the lease).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

STATUS_RANK = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "undelivered": 3, "failed": 3}
TERMINAL_STATUSES = frozenset(status for status, rank in STATUS_RANK.items() if rank == 3)
# Twilio's vocabulary (callbacks and API answers) in ours; "read" is WhatsApp's delivered.
_PROVIDER_STATUSES = {
    "accepted": "queued", "scheduled": "queued", "queued": "queued", "sending": "sending",
    "sent": "sent", "delivered": "delivered", "read": "delivered", "undelivered": "undelivered",
    "failed": "failed", "canceled": "failed",
}


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; attempts are counted from 1 (the first send)."""

    base_delay: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    max_delay: timedelta = timedelta(hours=1)
    max_attempts: int = 5
    jitter_ratio: float = 0.5  # share of each delay that is randomised
    sending_lease: timedelta = timedelta(minutes=5)  # longer than any send's HTTP timeout


def backoff_delay(attempt: int, random_value: float, policy: RetryPolicy = RetryPolicy()) -> timedelta:
    """Wait after failed attempt number `attempt`; `random_value` in [0, 1) spreads the herd."""
    if attempt < 1 or not 0.0 <= random_value <= 1.0:
        raise ValueError("attempt starts at 1 and random_value lies in [0, 1]")
    ceiling = min(policy.base_delay * policy.factor ** (attempt - 1), policy.max_delay)
    return ceiling * (1 - policy.jitter_ratio) + ceiling * policy.jitter_ratio * random_value


def should_retry(attempt: int, retryable: bool, policy: RetryPolicy = RetryPolicy()) -> bool:
    """True when a failure of attempt number `attempt` deserves another attempt."""
    return retryable and attempt < policy.max_attempts


def next_attempt_at(failed_at: datetime, attempt: int, retryable: bool, random_value: float,
                    policy: RetryPolicy = RetryPolicy()) -> datetime | None:
    """When to try again after a failed attempt, or None when the message has failed for good."""
    if not should_retry(attempt, retryable, policy):
        return None
    return failed_at + backoff_delay(attempt, random_value, policy)


def lease_expires_at(claimed_at: datetime, policy: RetryPolicy = RetryPolicy()) -> datetime:
    """Until when a sender owns a message it moved to "sending"."""
    return claimed_at + policy.sending_lease


def lease_expired(claimed_at: datetime, now: datetime, policy: RetryPolicy = RetryPolicy()) -> bool:
    """True when a "sending" message was abandoned and may be requeued by recovery."""
    return now >= lease_expires_at(claimed_at, policy)


def is_terminal(status: str) -> bool:
    """True for statuses no later update may change."""
    return _rank(status) == 3


def may_transition(current: str, new: str) -> bool:
    """True when a status update may move a message from `current` to `new` (forward only).

    Equal statuses return False: a duplicate callback changes nothing.
    """
    return _rank(new) > _rank(current)


def may_requeue(current: str) -> bool:
    """True when the outbox may put a message back to "queued" (only from "sending")."""
    return current == "sending"


def normalise_provider_status(provider_status: str) -> str | None:
    """Our status for a Twilio MessageStatus, or None for one we do not track (e.g. "receiving")."""
    return _PROVIDER_STATUSES.get((provider_status or "").lower())


def _rank(status: str) -> int:
    try:
        return STATUS_RANK[status]
    except KeyError:
        raise ValueError(f"unknown message status {status!r}") from None


def lease_for(send_timeout_s: float, batch_size: int, max_workers: int, margin_s: float = 10.0) -> timedelta:
    """A "sending" lease just long enough for a claimed batch: the sends run `max_workers`
    at a time, each bounded by the HTTP timeout, so the last one ends within
    ceil(batch / workers) × timeout; a margin covers the commits (issue 16, item 11).

    A shorter lease would let another sweep take over rows still waiting for a send thread
    (sending them twice); a longer one only delays the resend after a crash.
    """
    rounds = -(-batch_size // max_workers)
    return timedelta(seconds=rounds * send_timeout_s + margin_s)
