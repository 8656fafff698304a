"""The console in headless Chromium: a nurse's morning and a stale edit from a second tablet,
at tablet and desktop sizes, in Chinese and English, with axe-core finding no serious issue."""
import pytest

from tests.browser.conftest import DESKTOP, TABLET, assert_no_serious_issues, log_in, screenshot

pytestmark = pytest.mark.browser

TEXTS = {"zh-CN": {"login": "登录", "done": "标记完成", "ack": "确认", "recorded": "已记录为完成",
                   "acked": "警报已确认", "stale": "其他人修改了这次访视"},
         "en": {"login": "Log in", "done": "Mark done", "ack": "Acknowledge", "recorded": "recorded as done",
                "acked": "Alert acknowledged", "stale": "Someone else changed this visit"}}


@pytest.mark.parametrize("locale,viewport,size", [("zh-CN", TABLET, "tablet"), ("en", DESKTOP, "desktop")])
def test_a_nurses_morning(live_server, page_factory, make_user, enroll, nurse, open_alert, locale, viewport, size):
    texts = TEXTS[locale]
    make_user("nurse-web", "nurse")
    patient = open_alert.patient
    haic = next(v for v in nurse.get(f"/api/v1/patients/{patient.id}/visits").get_json()["items"]
                if v["kind"] == "haic")
    page = page_factory(viewport=viewport, locale=locale)
    log_in(page, live_server, "nurse-web")
    assert page.locator(f"text={patient.study_id}").first.is_visible()
    assert_no_serious_issues(page)
    screenshot(page, f"nurse-today-{locale}-{size}")

    page.locator(f"a:has-text('{patient.study_id}')").first.click()
    row = page.locator(f"#visit-{haic['id']}")
    row.locator("input[name=actual_date]").fill(haic["scheduled_date"])
    row.locator("input[name=dose_mg]").fill("85")
    row.locator(f"button:has-text('{texts['done']}')").click()
    assert page.locator(".notice.success").inner_text().find(texts["recorded"]) >= 0
    assert_no_serious_issues(page)
    screenshot(page, f"nurse-patient-{locale}-{size}")

    page.goto(f"{live_server}/console/alerts")
    page.fill(f"#note-{open_alert.id}", "已电话联系患者，今天来院 / called, coming in today")
    page.locator(f"#alert-{open_alert.id} button:has-text('{texts['ack']}')").click()
    assert texts["acked"] in page.locator(".notice.success").inner_text()
    assert page.locator(f"#alert-{open_alert.id}").count() == 0
    assert_no_serious_issues(page)
    screenshot(page, f"nurse-alerts-{locale}-{size}")


def test_a_stale_edit_from_a_second_tablet_is_refused_with_a_clear_message(live_server, page_factory, make_user,
                                                                            enroll, nurse):
    make_user("nurse-a", "nurse")
    make_user("nurse-b", "nurse")
    patient = enroll()
    visit = next(v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]
                 if v["kind"] == "sintilimab" and v["scheduled_date"] == "2026-03-02")
    first, second = page_factory(), page_factory()
    for page, user in ((first, "nurse-a"), (second, "nurse-b")):
        log_in(page, live_server, user)
        page.goto(f"{live_server}/console/patients/{patient['id']}")
    first.locator(f"#visit-{visit['id']} button").click()
    assert first.locator(".notice.success").is_visible()
    second.locator(f"#visit-{visit['id']} input[name=dose_mg]").fill("200")
    second.locator(f"#visit-{visit['id']} button").click()
    assert TEXTS["zh-CN"]["stale"] in second.locator(".notice.error").inner_text()
    assert "Traceback" not in second.content()
    screenshot(second, "stale-edit-zh-tablet")
