"""The per-process token cache (issue 19): requests skip the token query, and revocation or
deactivation still takes effect within 5 s on every node (API.md "Second wave"), at once in
the process that made the change. Time is an injected clock, never a sleep."""
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from app.auth.token_cache import MAX_AGE_S, TokenCache
from app.extensions import db


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def cache_clock(app):
    clock = FakeClock()
    app.extensions["token_cache"] = TokenCache(MAX_AGE_S, clock=clock)  # the app fixture restores the old one
    return clock


def statements_during(call):
    seen = []

    def remember(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        response = call()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return response, seen


def other_node(sql, **params):
    """A write made by another process: plain SQL, none of this process's ORM events."""
    db.session.execute(text(sql), params)
    db.session.commit()


def test_a_cached_token_costs_no_query(cache_clock, nurse):
    assert nurse.get("/api/v1/auth/me").status_code == 200
    response, statements = statements_during(lambda: nurse.get("/api/v1/auth/me"))
    assert response.status_code == 200 and response.get_json()["username"] == "nurse-bj"
    assert not [s for s in statements if "api_tokens" in s or "FROM users" in s]


def test_revocation_on_another_node_takes_effect_within_five_seconds(cache_clock, nurse, clock):
    assert nurse.get("/api/v1/auth/me").status_code == 200
    other_node("UPDATE api_tokens SET revoked_at = :now", now=clock.now())
    cache_clock.now += MAX_AGE_S - 0.1
    assert nurse.get("/api/v1/auth/me").status_code == 200  # the cache may still answer...
    cache_clock.now += 0.1
    assert nurse.get("/api/v1/auth/me").status_code == 401  # ...but no longer than 5 s


def test_deactivation_on_another_node_takes_effect_within_five_seconds(cache_clock, nurse):
    assert nurse.get("/api/v1/auth/me").status_code == 200
    other_node("UPDATE users SET active = :no WHERE username = 'nurse-bj'", no=False)
    cache_clock.now += MAX_AGE_S
    assert nurse.get("/api/v1/auth/me").status_code == 401


def test_revocation_in_this_process_takes_effect_at_once(cache_clock, nurse):
    assert nurse.get("/api/v1/auth/me").status_code == 200
    assert nurse.post("/api/v1/auth/revoke").status_code in (200, 204)
    assert nurse.get("/api/v1/auth/me").status_code == 401


def test_deactivation_by_an_admin_in_this_process_takes_effect_at_once(cache_clock, nurse, admin):
    me = nurse.get("/api/v1/auth/me").get_json()
    user = admin.get(f"/api/v1/users/{me['id']}")
    response = admin.patch(f"/api/v1/users/{me['id']}", json={"active": False, "reason": "left the study"},
                           headers={"If-Match": user.headers.get("ETag", "*")})
    assert response.status_code == 200, response.get_json()
    assert nurse.get("/api/v1/auth/me").status_code == 401


def test_a_password_reset_forces_the_change_at_once(cache_clock, nurse, admin):
    me = nurse.get("/api/v1/auth/me").get_json()
    assert admin.post(f"/api/v1/users/{me['id']}/password-reset").status_code in (200, 201)
    assert nurse.get("/api/v1/visits").status_code in (401, 403)


def test_expiry_is_checked_on_every_request(cache_clock, nurse, clock):
    assert nurse.get("/api/v1/auth/me").status_code == 200
    clock.set(clock.now() + timedelta(hours=9))  # past TOKEN_TTL_SECONDS (8 h); the cache entry is fresh
    assert nurse.get("/api/v1/auth/me").status_code == 401


def test_the_cache_never_keeps_an_entry_longer_than_five_seconds():
    assert TokenCache(60).seconds == MAX_AGE_S
    assert TokenCache(0).seconds == 0
