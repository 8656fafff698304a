"""User and site administration (issue 17 item 1): PATCH /users/{id}, password-reset, PATCH /sites/{code}."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry
from tests.conftest import PASSWORD


def _token(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_admin_changes_role_phone_and_on_call_and_it_is_audited(admin, nurse):
    me = nurse.get("/api/v1/auth/me").get_json()
    response = admin.patch(f"/api/v1/users/{me['id']}", json={"role": "coordinator", "phone": "+8613800000005",
                                                              "on_call": True, "reason": "promoted"},
                           headers={"If-Match": f'"{me["version"]}"'})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["role"], body["phone"], body["on_call"]) == ("coordinator", "+8613800000005", True)
    entry = db.session.scalar(select(AuditEntry).filter_by(entity="user", action="update"))
    assert (entry.before["role"], entry.after["role"], entry.reason) == ("nurse", "coordinator", "promoted")


def test_deactivation_revokes_tokens_at_once(admin, nurse):
    me = nurse.get("/api/v1/auth/me").get_json()
    assert admin.patch(f"/api/v1/users/{me['id']}", json={"active": False}).status_code == 200
    assert nurse.get("/api/v1/auth/me").status_code == 401
    assert _token(nurse.client, "nurse-bj").status_code == 401


def test_admin_cannot_lock_themselves_out(admin):
    me = admin.get("/api/v1/auth/me").get_json()
    assert admin.patch(f"/api/v1/users/{me['id']}", json={"active": False}).status_code == 409


def test_users_other_than_admins_need_a_site(admin, nurse):
    me = nurse.get("/api/v1/auth/me").get_json()
    assert admin.patch(f"/api/v1/users/{me['id']}", json={"site": None}).status_code == 422
    assert admin.patch(f"/api/v1/users/{me['id']}", json={"site": "XX"}).status_code == 422
    assert admin.patch("/api/v1/users/9999", json={"on_call": True}).status_code == 404


def test_only_admins_administer(nurse, coordinator):
    me = nurse.get("/api/v1/auth/me").get_json()
    assert coordinator.patch(f"/api/v1/users/{me['id']}", json={"on_call": True}).status_code == 403
    assert coordinator.patch("/api/v1/sites/BJ", json={"name": "x"}).status_code == 403


def test_password_reset_forces_a_change_before_anything_else(admin, nurse, client):
    me = nurse.get("/api/v1/auth/me").get_json()
    response = admin.post(f"/api/v1/users/{me['id']}/password-reset")
    assert response.status_code == 200, response.get_json()
    one_time = response.get_json()["one_time_password"]
    assert nurse.get("/api/v1/auth/me").status_code == 401  # old tokens revoked
    assert _token(client, "nurse-bj").status_code == 401  # old password gone
    login = _token(client, "nurse-bj", one_time)
    assert login.status_code == 200 and login.get_json()["user"]["must_change_password"] is True
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    refused = client.get("/api/v1/patients", headers=headers)
    assert refused.status_code == 403 and "password" in refused.get_json()["detail"]
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    entry = db.session.scalar(select(AuditEntry).filter_by(action="password_reset"))
    assert one_time not in str(entry.after) and entry.after["must_change_password"] is True


def test_patch_site(admin, nurse):
    site = admin.get("/api/v1/sites/BJ").get_json()
    response = admin.patch("/api/v1/sites/BJ", json={"name": "Peking Hospital", "sms_name": "Study Clinic BJ",
                                                     "phone": "+861088196115", "timezone": "Asia/Urumqi",
                                                     "haic_capacity": 6}, headers={"If-Match": f'"{site["version"]}"'})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["name"], body["haic_capacity"], body["haic_daily_capacity"], body["timezone"]) == (
        "Peking Hospital", 6, 6, "Asia/Urumqi")
    entry = db.session.scalar(select(AuditEntry).filter_by(entity="site", action="update"))
    assert entry.before["haic_daily_capacity"] == 4 and entry.after["haic_daily_capacity"] == 6
    assert admin.patch("/api/v1/sites/BJ", json={"timezone": "Mars/Olympus"}).status_code == 422
    assert admin.patch("/api/v1/sites/BJ", json={"sms_name": "Liver Cancer Clinic"}).status_code == 422
    assert admin.patch("/api/v1/sites/ZZ", json={"name": "x"}).status_code == 404
    assert nurse.get("/api/v1/sites/BJ").status_code == 200


def test_users_cli_mirrors_the_api(app, make_user, client):
    make_user("nurse1", "nurse")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "update", "nurse1", "--phone", "+8613800000007", "--on-call"])
    assert result.exit_code == 0, result.output
    assert "nurse1\tnurse\tBJ\t+8613800000007\ton call\tactive" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "reset-password", "nurse1"])
    assert result.exit_code == 0, result.output
    one_time = result.output.strip().rsplit(" ", 1)[-1]
    assert _token(client, "nurse1", one_time).status_code == 200
    assert runner.invoke(args=["users", "deactivate", "nurse1"]).exit_code == 0
    assert _token(client, "nurse1", one_time).status_code == 401
    assert runner.invoke(args=["users", "deactivate", "ghost"]).exit_code != 0


def test_password_reset_and_unlock_honour_if_match(admin, nurse, client):
    me = nurse.get("/api/v1/auth/me").get_json()
    current = admin.get(f"/api/v1/users/{me['id']}").headers["ETag"]
    audited = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for action in ("password-reset", "unlock"):
        stale = admin.post(f"/api/v1/users/{me['id']}/{action}", headers={"If-Match": '"999"'})
        assert stale.status_code == 412 and stale.mimetype == "application/problem+json", action
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited  # nothing written
    assert nurse.get("/api/v1/auth/me").status_code == 200 and _token(client, "nurse-bj").status_code == 200
    unlocked = admin.post(f"/api/v1/users/{me['id']}/unlock", headers={"If-Match": current})
    assert unlocked.status_code == 200, unlocked.get_json()
    reset = admin.post(f"/api/v1/users/{me['id']}/password-reset", headers={"If-Match": unlocked.headers["ETag"]})
    assert reset.status_code == 200, reset.get_json()
