from datetime import datetime, timedelta, timezone

import pytest

from app.notifications.retry import (TERMINAL_STATUSES, RetryPolicy, backoff_delay, is_terminal,
                                     lease_expired, lease_expires_at, may_requeue, may_transition,
                                     next_attempt_at, normalise_provider_status, should_retry)

T0 = datetime(2026, 3, 5, 2, 0, tzinfo=timezone.utc)
POLICY = RetryPolicy(base_delay=timedelta(seconds=30), factor=2, max_delay=timedelta(minutes=10),
                     max_attempts=5, jitter_ratio=0.5)


@pytest.mark.parametrize("attempt, random_value, seconds", [
    (1, 0.0, 15), (1, 1.0, 30), (1, 0.5, 22.5),
    (2, 0.0, 30), (2, 1.0, 60),
    (3, 1.0, 120), (5, 1.0, 480),
    (6, 1.0, 600), (20, 0.0, 300),    # capped at max_delay before jitter
])
def test_backoff_delay(attempt, random_value, seconds):
    assert backoff_delay(attempt, random_value, POLICY) == timedelta(seconds=seconds)


@pytest.mark.parametrize("attempt, random_value", [(0, 0.5), (1, -0.1), (1, 1.5)])
def test_backoff_delay_rejects_bad_input(attempt, random_value):
    with pytest.raises(ValueError):
        backoff_delay(attempt, random_value, POLICY)


def test_no_jitter_policy_is_deterministic():
    policy = RetryPolicy(jitter_ratio=0.0)
    assert backoff_delay(3, 0.0, policy) == backoff_delay(3, 0.99, policy) == timedelta(minutes=2)


@pytest.mark.parametrize("attempt, retryable, expected", [
    (1, True, T0 + timedelta(seconds=30)), (4, True, T0 + timedelta(seconds=240)),
    (5, True, None),          # max attempts reached
    (1, False, None),         # terminal provider error
])
def test_next_attempt_at(attempt, retryable, expected):
    assert next_attempt_at(T0, attempt, retryable, 1.0, POLICY) == expected
    assert should_retry(attempt, retryable, POLICY) is (expected is not None)


@pytest.mark.parametrize("now, expired", [
    (T0 + timedelta(minutes=4, seconds=59), False), (T0 + timedelta(minutes=5), True), (T0, False),
])
def test_sending_lease(now, expired):
    assert lease_expires_at(T0) == T0 + timedelta(minutes=5)
    assert lease_expired(T0, now) is expired


@pytest.mark.parametrize("current, new, allowed", [
    ("queued", "sending", True), ("sending", "sent", True), ("sent", "delivered", True),
    ("sent", "undelivered", True), ("sending", "failed", True), ("queued", "failed", True),
    ("queued", "delivered", True),       # callbacks may skip states
    ("queued", "sent", True),            # the callback beat the sender's own update
    ("delivered", "sent", False),        # out-of-order callback ignored
    ("delivered", "undelivered", False), ("failed", "delivered", False), ("undelivered", "delivered", False),
    ("sent", "sending", False), ("sending", "queued", False),   # never backwards (requeue is separate)
    ("sent", "sent", False),             # a duplicate callback changes nothing
])
def test_may_transition(current, new, allowed):
    assert may_transition(current, new) is allowed


def test_unknown_status_is_a_programming_error():
    with pytest.raises(ValueError):
        may_transition("queued", "lost")


@pytest.mark.parametrize("status, requeue", [("sending", True), ("queued", False), ("sent", False),
                                             ("failed", False)])
def test_may_requeue(status, requeue):
    assert may_requeue(status) is requeue


@pytest.mark.parametrize("status, terminal", [("delivered", True), ("undelivered", True), ("failed", True),
                                              ("sent", False), ("sending", False), ("queued", False)])
def test_is_terminal(status, terminal):
    assert is_terminal(status) is terminal and (status in TERMINAL_STATUSES) is terminal


@pytest.mark.parametrize("provider, ours", [
    ("accepted", "queued"), ("scheduled", "queued"), ("queued", "queued"), ("sending", "sending"),
    ("sent", "sent"), ("delivered", "delivered"), ("read", "delivered"), ("DELIVERED", "delivered"),
    ("undelivered", "undelivered"), ("failed", "failed"), ("canceled", "failed"),
    ("receiving", None), ("", None), (None, None),
])
def test_normalise_provider_status(provider, ours):
    assert normalise_provider_status(provider) == ours
