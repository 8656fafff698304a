from datetime import timedelta

import pytest

from tests.conftest import PASSWORD


def token_for(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_login_returns_the_contract_fields(client, make_user):
    make_user("nurse1", "nurse")
    body = token_for(client, "nurse1").get_json()
    assert set(body) == {"access_token", "token_type", "expires_in", "user"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 8 * 3600
    assert body["user"]["role"] == "nurse" and body["user"]["site"] == "BJ"


def test_wrong_password_and_unknown_user_look_alike(client, make_user):
    make_user("nurse1", "nurse")
    wrong = token_for(client, "nurse1", "nope-nope-nope")
    unknown = token_for(client, "ghost", "nope-nope-nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]
    assert wrong.mimetype == "application/problem+json"


def test_repeated_failures_lock_the_account(client, make_user):
    make_user("nurse1", "nurse")
    for _ in range(5):
        assert token_for(client, "nurse1", "wrong-password").status_code == 401
    locked = token_for(client, "nurse1")  # even the right password waits out the lockout
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0


def test_lockout_expires(client, make_user, clock):
    make_user("nurse1", "nurse")
    for _ in range(5):
        token_for(client, "nurse1", "wrong-password")
    clock.set(clock.now() + timedelta(minutes=16))
    assert token_for(client, "nurse1").status_code == 200


def test_token_expires_and_can_be_revoked(client, nurse, clock):
    assert nurse.get("/api/v1/auth/me").status_code == 200
    assert nurse.post("/api/v1/auth/revoke").status_code == 204
    assert nurse.get("/api/v1/auth/me").status_code == 401


def test_token_expiry(client, nurse, clock):
    clock.set(clock.now() + timedelta(hours=8, seconds=1))
    response = nurse.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]


def test_no_token_is_401_with_problem(client, site):
    response = client.get("/api/v1/patients")
    assert response.status_code == 401
    assert response.get_json()["status"] == 401


def test_only_admins_create_users(nurse, admin):
    body = {"username": "coord2", "password": "long enough password", "role": "coordinator", "site": "BJ"}
    assert nurse.post("/api/v1/users", json=body).status_code == 403
    created = admin.post("/api/v1/users", json=body)
    assert created.status_code == 201
    assert "password" not in created.get_json()


def test_user_validation(admin):
    short = admin.post("/api/v1/users", json={"username": "x1", "password": "short", "role": "nurse", "site": "BJ"})
    assert short.status_code == 422 and "password" in short.get_json()["errors"]
    no_site = admin.post("/api/v1/users", json={"username": "x2", "password": "long enough pw", "role": "nurse"})
    assert no_site.status_code == 422 and "site" in no_site.get_json()["errors"]


def test_password_is_hashed(app, make_user):
    user = make_user("nurse1", "nurse")
    assert PASSWORD not in user.password_hash


def test_cli_creates_the_first_admin(app):
    from app.extensions import db
    from app.models import User

    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "boss", "--role", "admin", "--password-stdin"],
                           input="a very long password\n")
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(username="boss").one().role == "admin"


def test_sites_sms_name_must_not_disclose_the_diagnosis(admin):
    body = {"code": "SH", "name": "Shanghai Cancer Centre", "timezone": "Asia/Shanghai"}
    refused = admin.post("/api/v1/sites", json=body | {"sms_name": "Shanghai Cancer Centre"})
    assert refused.status_code == 422 and "sms_name" in refused.get_json()["errors"]
    created = admin.post("/api/v1/sites", json=body | {"sms_name": "Xuhui Clinic"})
    assert created.status_code == 201 and created.get_json()["sms_name"] == "Xuhui Clinic"


def test_sms_label_is_neutral_by_default(site):
    assert site.name == "Beijing Cancer Hospital"
    assert site.sms_label("zh") == "研究门诊" and site.sms_label("en") == "Study Clinic"


@pytest.mark.parametrize("backend, phone, expected", [
    ("twilio", None, 422), ("twilio", "  ", 422), ("twilio", "+862100000000", 201), ("console", None, 201),
])
def test_a_site_that_sends_sms_needs_a_phone(app, admin, backend, phone, expected):
    app.config["SMS_BACKEND"] = backend
    body = {"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai", "phone": phone}
    response = admin.post("/api/v1/sites", json={k: v for k, v in body.items() if v is not None})
    assert response.status_code == expected
    assert expected == 201 or "phone" in response.get_json()["errors"]


@pytest.mark.parametrize("backend, phone, expected", [
    ("aliyun", None, 422), ("twilio", " ", 422), ("twilio", "+861000000001", 200), ("console", None, 200),
])
def test_an_update_cannot_take_the_phone_from_a_site_that_sends_sms(app, admin, site, backend, phone, expected):
    app.config["SMS_BACKEND"] = backend
    current = admin.get(f"/api/v1/sites/{site.code}")
    response = admin.patch(f"/api/v1/sites/{site.code}", json={"phone": phone},
                           headers={"If-Match": current.headers["ETag"]})
    assert response.status_code == expected, response.get_json()
    if expected == 422:
        assert "phone" in response.get_json()["errors"]
        assert admin.get(f"/api/v1/sites/{site.code}").get_json()["phone"] == current.get_json()["phone"]
