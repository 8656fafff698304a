"""Issue 16, items 1 and 3: nobody can lock staff out; throttling per (username, client);
flood ceilings before hashing; admin unlock; audit; password policy and change."""
import pytest

from tests.conftest import PASSWORD

STRANGER, NURSE_TABLET = "203.0.113.9", "10.0.0.5"


def token(client, username, password=PASSWORD, address=NURSE_TABLET):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def audit_actions(entity_id=None):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEntry

    statement = select(AuditEntry.action).where(AuditEntry.entity == "user").order_by(AuditEntry.id)
    if entity_id is not None:
        statement = statement.where(AuditEntry.entity_id == str(entity_id))
    return list(db.session.scalars(statement))


@pytest.fixture
def staff(make_user):
    return [make_user(f"staff{i}", "nurse") for i in range(3)] + [make_user("root", "admin")]


def test_a_stranger_locks_out_nobody_but_themselves(client, staff):
    for user in staff:  # the attack of the finding: wrong passwords against every account
        for _ in range(10):
            assert token(client, user.username, "wrong password!", STRANGER).status_code in (401, 429)
    locked_for_right_password = sum(token(client, u.username).status_code != 200 for u in staff)
    assert locked_for_right_password == 0
    assert token(client, "staff0", address=STRANGER).status_code == 429  # the stranger stays locked


def test_known_and_unknown_usernames_are_throttled_alike(client, staff):
    answers = {}
    for username in ("staff0", "no-such-user"):
        answers[username] = [token(client, username, "wrong password!", STRANGER).status_code for _ in range(6)]
    assert answers["staff0"] == answers["no-such-user"] == [401] * 5 + [429]


def test_admin_unlocks_and_everything_is_audited(client, staff, login):
    for _ in range(6):
        token(client, "staff1", "wrong password!")
    assert token(client, "staff1").status_code == 429
    admin = login("admin", "boss")
    nurse = login("nurse", "other-nurse")
    staff1 = staff[1]
    assert nurse.post(f"/api/v1/users/{staff1.id}/unlock").status_code == 403
    assert admin.post("/api/v1/users/999999/unlock").status_code == 404
    unlocked = admin.post(f"/api/v1/users/{staff1.id}/unlock")
    assert unlocked.status_code == 200 and unlocked.get_json()["username"] == "staff1"
    assert token(client, "staff1").status_code == 200
    actions = audit_actions(staff1.id)
    assert actions.count("login_failed") == 5 and actions.count("lockout") == 1
    assert actions[-2:] == ["unlock", "login"]


def test_the_flood_ceiling_refuses_before_hashing_and_spares_clean_clients(app, client, staff, monkeypatch):
    from app.auth import services
    from app.auth.rate_limit import limiter

    app.config.update(LOGIN_MAX_PER_CLIENT_PER_MIN=3, LOGIN_MAX_GLOBAL_PER_MIN=4)
    limiter.reset()
    hashed = []
    real_verify = services.verify_password
    monkeypatch.setattr(services, "verify_password", lambda h, p: hashed.append(p) or real_verify(h, p))
    statuses = [token(client, f"user{i}", "wrong password!", STRANGER).status_code for i in range(8)]
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}
    flood = token(client, "staff0", "wrong password!", STRANGER)
    assert flood.status_code == 429 and flood.mimetype == "application/problem+json"
    assert "Retry-After" in flood.headers
    assert len(hashed) == 4  # only the attempts let through were hashed (unknown users: the dummy hash)
    for user in staff:  # a clean client gets in although the global ceiling is spent
        assert token(client, user.username).status_code == 200
    limiter.reset()


def test_unknown_username_costs_a_hash_too(client, staff, monkeypatch):
    from app.auth import services

    calls = []
    monkeypatch.setattr(services, "_dummy_verify", lambda password: calls.append(password))
    assert token(client, "ghost", "wrong password!").status_code == 401
    assert calls == ["wrong password!"]


@pytest.mark.parametrize("password, ok", [
    ("correct horse battery", True),
    ("          ", False),                   # ten spaces
    ("staff0staff0staff0", False),           # contains the username
    ("short pass", False),                   # 10 characters
    ("password1234", False),                 # in the common-password list
    ("qwertyuiop123", False),                # in the common-password list
    ("aaaaaaaaaaaaaaa", False),              # one repeated character
    ("  padded  ", False),                   # blanks do not count
    ("Tiantan-ward-7-night", True),
])
def test_password_policy(app, password, ok):
    from app.auth.passwords import password_problems

    assert (password_problems(password, "staff0") == []) is ok


def test_policy_on_create_and_change(admin, nurse, client):
    weak = admin.post("/api/v1/users", json={"username": "newnurse", "password": "newnurse2026!",
                                             "role": "nurse", "site": "BJ"})
    assert weak.status_code == 422 and "password" in weak.get_json()["errors"]
    url = "/api/v1/auth/password"
    assert nurse.post(url, json={"current_password": "not it at all", "new_password": "a fine new passphrase"}
                      ).status_code == 401
    refused = nurse.post(url, json={"current_password": PASSWORD, "new_password": "password1234"})
    assert refused.status_code == 422 and "new_password" in refused.get_json()["errors"]
    assert nurse.post(url, json={"current_password": PASSWORD, "new_password": "a fine new passphrase"}
                      ).status_code == 204
    assert token(client, "nurse-bj", "a fine new passphrase").status_code == 200
    assert token(client, "nurse-bj").status_code == 401
