"""The admin's console pages: users (create, edit, password reset, unlock), sites and the
on-call rota, each through the API's service, and each way a form is refused."""
import re

import pytest

from tests.conftest import FROZEN_NOW, PASSWORD


@pytest.fixture
def console_admin(browser, make_user):
    make_user("root-web", "admin")
    assert browser.login("root-web").status_code == 302
    return browser


def user_named(username):
    from app.extensions import db
    from app.models import User

    return db.session.query(User).filter_by(username=username).one()


def audit(action, entity, entity_id):
    from app.extensions import db
    from app.models import AuditEntry

    return db.session.query(AuditEntry).filter_by(action=action, entity=entity, entity_id=str(entity_id)).all()


NEW_USER = {"username": "nurse-li", "password": "a long passphrase 7", "role": "nurse", "site": "BJ",
            "phone": "+8613800000001", "on_call": "true"}


# -- users ---------------------------------------------------------------------------------------
def test_the_users_page_lists_users_and_the_nav_links_admin_pages(console_admin, make_user):
    make_user("nurse-wang", "nurse", phone="+8613800000002")
    page = console_admin.get("/console/admin/users")
    text = console_admin.text
    assert page.status_code == 200 and "nurse-wang" in text and "+8613800000002" in text and "root-web" in text
    assert 'href="/console/admin/users"' in text and 'href="/console/admin/sites"' in text


def test_an_admin_creates_a_user_through_the_service_with_its_audit(console_admin):
    console_admin.get("/console/admin/users")
    response = console_admin.post("/console/admin/users", NEW_USER)
    assert response.status_code == 302
    user = user_named("nurse-li")
    assert (user.role, user.site.code, user.phone, user.on_call) == ("nurse", "BJ", "+8613800000001", True)
    assert audit("create", "user", user.id)[0].actor == "root-web"
    console_admin.get(response.headers["Location"])
    assert "User nurse-li created." in console_admin.text


def test_a_weak_password_is_told_beside_the_field_and_the_rest_is_kept(console_admin):
    console_admin.get("/console/admin/users")
    response = console_admin.post("/console/admin/users", {**NEW_USER, "password": "short"})
    text = console_admin.text
    assert response.status_code == 422 and 'id="password-error"' in text and "At least 12 characters" in text
    assert 'value="nurse-li"' in text and 'value="+8613800000001"' in text and 'value="BJ" selected' in text
    assert "short" not in re.findall(r'name="password"[^>]*', text)[0]  # a password is never echoed back
    assert "Traceback" not in text


def test_a_password_containing_the_username_is_refused(console_admin):
    console_admin.get("/console/admin/users")
    response = console_admin.post("/console/admin/users", {**NEW_USER, "password": "nurse-li is my password"})
    assert response.status_code == 422 and "must not contain the username" in console_admin.text


def test_a_new_user_posted_after_the_session_expired_is_kept_but_not_its_password(console_admin, clock):
    from datetime import timedelta

    console_admin.get("/console/admin/users")
    clock.set(clock.now() + timedelta(hours=9))  # the token (8 h) expired while the form was open
    response = console_admin.post("/console/admin/users", NEW_USER, referrer="http://localhost/console/admin/users")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    with console_admin.client.session_transaction() as session:  # a signed, readable cookie: no password in it
        kept = session["console_pending_form"]["fields"]
        assert kept["username"] == "nurse-li" and "password" not in kept
    console_admin.get(response.headers["Location"])
    console_admin.post(response.headers["Location"], {"username": "root-web", "password": PASSWORD})
    console_admin.get("/console/admin/users")
    assert 'value="nurse-li"' in console_admin.text and 'value="+8613800000001"' in console_admin.text
    with console_admin.client.session_transaction() as session:
        assert "console_pending_form" not in session


def test_a_taken_username_is_told_beside_the_username(console_admin, make_user):
    make_user("nurse-li", "nurse")
    console_admin.get("/console/admin/users")
    response = console_admin.post("/console/admin/users", NEW_USER)
    assert response.status_code == 409 and 'id="username-error"' in console_admin.text
    assert "is taken" in console_admin.text


def test_a_bad_username_and_a_missing_site_are_told_beside_their_fields(console_admin):
    console_admin.get("/console/admin/users")
    response = console_admin.post("/console/admin/users", {**NEW_USER, "username": "a b"})
    assert response.status_code == 422 and 'id="username-error"' in console_admin.text
    assert 'value="a b"' in console_admin.text
    response = console_admin.post("/console/admin/users", {**NEW_USER, "site": ""})
    assert response.status_code == 422 and 'id="site-error"' in console_admin.text


def test_editing_a_user_goes_through_the_service_and_deactivating_revokes_their_tokens(console_admin, login):
    from app.extensions import db
    from app.models import ApiToken

    nurse_api = login("nurse", "nurse-zhao", phone="+8613800000003")
    user = user_named("nurse-zhao")
    console_admin.get(f"/console/admin/users/{user.id}")
    assert 'value="+8613800000003"' in console_admin.text
    response = console_admin.post(f"/console/admin/users/{user.id}",
                                  {"version": user.version, "role": "coordinator", "site": "BJ",
                                   "phone": "+8613800000004", "reason": "left the ward"})
    assert response.status_code == 302, console_admin.text
    db.session.expire_all()
    user = user_named("nurse-zhao")
    assert (user.role, user.phone, user.active, user.on_call) == ("coordinator", "+8613800000004", False, False)
    assert audit("update", "user", user.id)[0].reason == "left the ward"
    assert all(t.revoked_at is not None for t in db.session.query(ApiToken).filter_by(user_id=user.id))
    assert nurse_api.get("/api/v1/auth/me").status_code == 401


def test_a_bad_phone_is_told_beside_the_field_and_the_typed_values_kept(console_admin, make_user):
    user = make_user("nurse-zhao", "nurse")
    console_admin.get(f"/console/admin/users/{user.id}")
    response = console_admin.post(f"/console/admin/users/{user.id}",
                                  {"version": user.version, "role": "investigator", "site": "BJ",
                                   "phone": "138 0000", "active": "true"})
    text = console_admin.text
    assert response.status_code == 422 and 'id="phone-error"' in text and "E.164" in text
    assert 'value="138 0000"' in text and 'value="investigator" selected' in text
    assert user_named("nurse-zhao").role == "nurse"


def test_a_stale_user_edit_is_refused_with_a_clear_message(console_admin, make_user, admin):
    user = make_user("nurse-zhao", "nurse")
    console_admin.get(f"/console/admin/users/{user.id}")
    version = user.version
    assert admin.patch(f"/api/v1/users/{user.id}", json={"on_call": True}).status_code == 200
    response = console_admin.post(f"/console/admin/users/{user.id}",
                                  {"version": version, "role": "nurse", "site": "BJ", "active": "true"})
    assert response.status_code == 412 and "Someone else changed this user" in console_admin.text


def test_an_admin_cannot_deactivate_themselves(console_admin):
    me = user_named("root-web")
    console_admin.get(f"/console/admin/users/{me.id}")
    response = console_admin.post(f"/console/admin/users/{me.id}", {"version": me.version, "role": "admin"})
    assert response.status_code == 409 and "You cannot deactivate yourself" in console_admin.text


def test_a_password_reset_shows_the_one_time_password_once(console_admin, make_user):
    from app.auth.passwords import verify_password

    user = make_user("nurse-zhao", "nurse")
    console_admin.get(f"/console/admin/users/{user.id}")
    response = console_admin.post(f"/console/admin/users/{user.id}/password-reset")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="one-time-password">([^<]+)<', console_admin.text).group(1)
    user = user_named("nurse-zhao")
    assert user.must_change_password and verify_password(user.password_hash, password)
    assert audit("password_reset", "user", user.id)[0].actor == "root-web"
    console_admin.get(f"/console/admin/users/{user.id}")
    assert password not in console_admin.text and "must change password" in console_admin.text


def test_unlock_forgets_the_failed_logins(console_admin, make_user, app):
    user = make_user("nurse-zhao", "nurse")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        app.test_client().post("/api/v1/auth/token", json={"username": "nurse-zhao", "password": "guess guess guess"})
    locked = app.test_client().post("/api/v1/auth/token", json={"username": "nurse-zhao", "password": PASSWORD})
    assert locked.status_code == 429
    console_admin.get(f"/console/admin/users/{user.id}")
    assert "login locked" in console_admin.text
    response = console_admin.post(f"/console/admin/users/{user.id}/unlock")
    assert response.status_code == 302 and audit("unlock", "user", user.id)
    console_admin.get(f"/console/admin/users/{user.id}")
    assert "User nurse-zhao unlocked." in console_admin.text and "login locked" not in console_admin.text
    assert app.test_client().post("/api/v1/auth/token", json={"username": "nurse-zhao",
                                                             "password": PASSWORD}).status_code == 200


def test_an_unknown_user_is_not_found(console_admin):
    assert console_admin.get("/console/admin/users/9999").status_code == 404
    assert "Traceback" not in console_admin.text


# -- sites ---------------------------------------------------------------------------------------
NEW_SITE = {"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai", "phone": "+862100000000",
            "haic_daily_capacity": "3", "quiet_start": "21:00", "quiet_end": "08:00", "checkin_channel": "sms"}


def test_an_admin_lists_and_creates_sites(console_admin):
    from app.extensions import db
    from app.models import Site

    console_admin.get("/console/admin/sites")
    assert "BJ" in console_admin.text and "Beijing Cancer Hospital" in console_admin.text
    response = console_admin.post("/console/admin/sites", NEW_SITE)
    assert response.status_code == 302
    site = db.session.query(Site).filter_by(code="SH").one()
    assert (site.name, site.haic_daily_capacity) == ("Shanghai", 3) and audit("create", "site", site.id)


def test_a_site_form_keeps_what_was_typed_beside_each_error(console_admin):
    console_admin.get("/console/admin/sites")
    response = console_admin.post("/console/admin/sites", {**NEW_SITE, "code": "sh1", "timezone": "Mars/Olympus",
                                                           "sms_name": "肝癌中心"})
    text = console_admin.text
    assert response.status_code == 422
    assert 'id="code-error"' in text and 'id="timezone-error"' in text and 'id="sms_name-error"' in text
    assert 'value="sh1"' in text and 'value="Mars/Olympus"' in text


def test_a_taken_site_code_is_told_beside_the_code(console_admin):
    console_admin.get("/console/admin/sites")
    response = console_admin.post("/console/admin/sites", {**NEW_SITE, "code": "BJ"})
    assert response.status_code == 409 and 'id="code-error"' in console_admin.text


def test_editing_a_site_goes_through_the_service(console_admin, site):
    from app.extensions import db
    from app.models import Site

    console_admin.get("/console/admin/sites/BJ")
    loaded = site.version
    form = {"version": loaded, "name": "Beijing", "timezone": "Asia/Shanghai", "phone": "+861088196115",
            "sms_name": "研究门诊", "haic_capacity": "6", "quiet_start": "22:00", "quiet_end": "07:30",
            "reason": "new ward"}
    response = console_admin.post("/console/admin/sites/BJ", form)
    assert response.status_code == 302, console_admin.text
    db.session.expire_all()
    stored = db.session.query(Site).filter_by(code="BJ").one()
    assert (stored.name, stored.haic_daily_capacity, stored.quiet_end) == ("Beijing", 6, "07:30")
    assert audit("update", "site", stored.id)[0].reason == "new ward"
    # a bad value and a stale page
    console_admin.get("/console/admin/sites/BJ")
    response = console_admin.post("/console/admin/sites/BJ", {**form, "version": stored.version, "haic_capacity": "lots"})
    assert response.status_code == 422 and 'id="haic_capacity-error"' in console_admin.text
    assert 'value="lots"' in console_admin.text
    response = console_admin.post("/console/admin/sites/BJ", {**form, "version": loaded})
    assert response.status_code == 412 and "Someone else changed this site" in console_admin.text


def test_an_unknown_site_is_not_found(console_admin):
    assert console_admin.get("/console/admin/sites/XX").status_code == 404
    assert console_admin.get("/console/admin/sites/XX/on-call").status_code == 404


# -- on-call rota --------------------------------------------------------------------------------
def test_the_rota_is_replaced_through_the_service_in_the_sites_time_zone(console_admin, make_user):
    from app.extensions import db
    from app.models import OnCallShift

    nurse = make_user("nurse-zhao", "nurse", phone="+8613800000003")
    console_admin.get("/console/admin/sites/BJ/on-call")
    assert "nurse-zhao" in console_admin.text and "Asia/Shanghai" in console_admin.text
    response = console_admin.post("/console/admin/sites/BJ/on-call",
                                  {"user_id-0": str(nurse.id), "starts_at-0": "2026-03-02T08:00",
                                   "ends_at-0": "2026-03-02T20:00", "user_id-1": "", "starts_at-1": "",
                                   "ends_at-1": ""})
    assert response.status_code == 302, console_admin.text
    [shift] = db.session.query(OnCallShift).all()
    assert (shift.starts_at, shift.ends_at) == (FROZEN_NOW.replace(hour=0), FROZEN_NOW.replace(hour=12))  # +08:00
    assert audit("on_call:replace", "site", shift.site_id)
    console_admin.get("/console/admin/sites/BJ/on-call")
    assert 'value="2026-03-02T08:00"' in console_admin.text and 'value="2026-03-02T20:00"' in console_admin.text


def test_rota_errors_are_shown_on_their_line_with_the_typed_times_kept(console_admin, make_user):
    without_phone = make_user("nurse-zhao", "nurse")
    console_admin.get("/console/admin/sites/BJ/on-call")
    response = console_admin.post("/console/admin/sites/BJ/on-call",
                                  {"user_id-0": "", "starts_at-0": "", "ends_at-0": "",
                                   "user_id-1": str(without_phone.id), "starts_at-1": "2026-03-02T08:00",
                                   "ends_at-1": "2026-03-02T20:00"})
    text = console_admin.text
    assert response.status_code == 422 and 'id="1.user_id-error"' in text and "has no phone" in text
    response = console_admin.post("/console/admin/sites/BJ/on-call",
                                  {"user_id-0": str(without_phone.id), "starts_at-0": "2026-03-02T20:00",
                                   "ends_at-0": "2026-03-02T08:00"})
    assert response.status_code == 422 and 'id="0.ends_at-error"' in console_admin.text
    assert 'value="2026-03-02T20:00"' in console_admin.text
    response = console_admin.post("/console/admin/sites/BJ/on-call",
                                  {"user_id-0": str(without_phone.id), "starts_at-0": "tomorrow", "ends_at-0": ""})
    assert response.status_code == 422 and 'id="0.starts_at-error"' in console_admin.text
    assert 'value="tomorrow"' in console_admin.text


def test_emptying_every_line_clears_the_rota_and_forged_line_numbers_are_ignored(console_admin, make_user):
    from app.extensions import db
    from app.models import OnCallShift

    nurse = make_user("nurse-zhao", "nurse", phone="+8613800000003")
    console_admin.get("/console/admin/sites/BJ/on-call")
    console_admin.post("/console/admin/sites/BJ/on-call", {"user_id-0": str(nurse.id), "starts_at-0": "2026-03-02T08:00",
                                                           "ends_at-0": "2026-03-02T20:00"})
    assert db.session.query(OnCallShift).count() == 1
    console_admin.get("/console/admin/sites/BJ/on-call")
    response = console_admin.post("/console/admin/sites/BJ/on-call",
                                  {"user_id-0": "", "starts_at-0": "", "ends_at-0": "",
                                   f"user_id-{10**9}": str(nurse.id)})
    assert response.status_code == 302 and db.session.query(OnCallShift).count() == 0


# -- who may -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/console/admin/users", "/console/admin/sites", "/console/admin/sites/BJ",
                                  "/console/admin/sites/BJ/on-call"])
def test_non_admins_are_refused_every_admin_page(browser, make_user, path):
    make_user("coord-web", "coordinator")
    browser.login("coord-web")
    response = browser.get(path)
    assert response.status_code == 403 and "Your role cannot open this page." in browser.text


def test_non_admins_cannot_post_admin_forms(browser, make_user):
    target = make_user("nurse-zhao", "nurse")
    make_user("coord-web", "coordinator")
    browser.login("coord-web")
    browser.get("/console/")
    assert 'href="/console/admin/users"' not in browser.text
    for path, form in ((f"/console/admin/users/{target.id}/password-reset", {}), ("/console/admin/users", NEW_USER),
                       ("/console/admin/sites", NEW_SITE), (f"/console/admin/users/{target.id}/unlock", {})):
        assert browser.post(path, form).status_code == 403
    assert not user_named("nurse-zhao").must_change_password


def test_admin_forms_without_their_csrf_token_are_refused(console_admin, make_user):
    target = make_user("nurse-zhao", "nurse")
    for path, form in (("/console/admin/users", NEW_USER), (f"/console/admin/users/{target.id}/password-reset", {}),
                       ("/console/admin/sites", NEW_SITE), ("/console/admin/sites/BJ/on-call", {})):
        response = console_admin.client.post(path, data=form)
        assert response.status_code == 400, path
    assert not user_named("nurse-zhao").must_change_password


def test_a_created_user_logs_in_with_the_password_given(console_admin, browser, app):
    console_admin.get("/console/admin/users")
    console_admin.post("/console/admin/users", NEW_USER)
    response = app.test_client().post("/api/v1/auth/token", json={"username": "nurse-li",
                                                                  "password": NEW_USER["password"]})
    assert response.status_code == 200 and PASSWORD != NEW_USER["password"]
