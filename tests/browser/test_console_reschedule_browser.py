"""The nurse's care pages in headless Chromium: a reschedule previewed then confirmed, and a bedside
symptom report found with the keyboard in the CTCAE picker, at tablet (zh-CN) and desktop (en)
sizes, with axe-core finding no serious issue on any page."""
import pytest

from tests.browser.conftest import DESKTOP, TABLET, assert_no_serious_issues, log_in, screenshot

pytestmark = pytest.mark.browser

TEXTS = {"zh-CN": {"moved": "C02-SINT 已改到 2026-03-30", "recorded": "症状报告已记录", "reason": "患者发热，推迟一周"},
         "en": {"moved": "C02-SINT is now on 2026-03-30", "recorded": "Symptom report recorded", "reason": "fever, one week later"}}


@pytest.mark.parametrize("locale,viewport,size", [("zh-CN", TABLET, "tablet"), ("en", DESKTOP, "desktop")])
def test_a_nurse_reschedules_with_a_preview_and_records_a_bedside_report(live_server, page_factory, make_user, enroll,
                                                                         nurse, locale, viewport, size):
    texts = TEXTS[locale]
    make_user("nurse-web", "nurse")
    patient = enroll()
    visits = {v["code"]: v for v in nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]}
    c2 = visits["C02-SINT"]
    page = page_factory(viewport=viewport, locale=locale)
    log_in(page, live_server, "nurse-web")
    page.goto(f"{live_server}/console/patients/{patient['id']}")
    page.locator(f"#visit-{c2['id']} a.button").click()
    page.fill("#new-date", "2026-03-30")
    page.fill("#move-reason", texts["reason"])
    page.locator("button[name=action][value=preview]").click()
    preview = page.locator("#preview")
    preview.locator("td", has_text="C03-SINT").first.wait_for()  # the page after the POST has loaded
    assert preview.locator("td", has_text="C03-SINT").count() == 1
    assert preview.locator("td", has_text="IMG-W06").count() == 0  # imaging stays
    assert_no_serious_issues(page)
    screenshot(page, f"nurse-reschedule-preview-{locale}-{size}")
    assert nurse.get(f"/api/v1/visits/{c2['id']}").get_json()["scheduled_date"] == "2026-03-23"  # nothing saved yet

    page.locator("button[name=action][value=apply]").click()
    assert texts["moved"] in page.locator(".notice.success").inner_text()
    assert nurse.get(f"/api/v1/visits/{c2['id']}").get_json()["scheduled_date"] == "2026-03-30"
    assert_no_serious_issues(page)

    page.goto(f"{live_server}/console/patients/{patient['id']}/symptom-reports/new")
    page.fill("#term-query", "恶心")
    page.press("#term-query", "Enter")  # the keyboard's default button searches, never saves
    page.locator("button[name=add_term][value=Nausea]").click()
    assert page.input_value("#items-0-term") == "Nausea"
    page.select_option("#items-0-grade", "2")
    page.fill("#report-text", "今天有点恶心 / a bit nauseous today")
    assert_no_serious_issues(page)
    screenshot(page, f"nurse-symptom-form-{locale}-{size}")
    page.locator("button[name=action][value=save]").click()
    assert texts["recorded"] in page.locator(".notice.success").inner_text()
    assert page.locator("td", has_text="Nausea").count() == 1
    reports = nurse.get(f"/api/v1/patients/{patient['id']}/symptom-reports").get_json()["items"]
    assert [(i["ctcae_term"], i["patient_grade"]) for i in reports[0]["items"]] == [("Nausea", 2)]
    assert_no_serious_issues(page)
    screenshot(page, f"nurse-symptom-result-{locale}-{size}")

    page.goto(f"{live_server}/console/patients/{patient['id']}")
    assert page.locator("#candidates-h").is_visible()
    assert_no_serious_issues(page)
    screenshot(page, f"nurse-patient-care-{locale}-{size}")
