"""The investigator's day in headless Chromium: an AE signed with the password re-entered (a
wrong one told beside the field), then a progression confirmed on its evidence; and an admin
creating a user (a weak password told beside the field). Tablet zh-CN and desktop en, axe-core
finding no serious issue, screenshots kept."""
import pytest

from tests.browser.conftest import DESKTOP, TABLET, assert_no_serious_issues, log_in, screenshot
from tests.conftest import PASSWORD
from tests.console.test_console_progression import PD_SCAN, make_pd_patient

pytestmark = pytest.mark.browser

TEXTS = {"zh-CN": {"sign": "签署", "signed": "已签署", "confirm": "确认疾病进展", "recorded": "已为",
                   "evidence": "显示 PD 的影像检查", "nothing": "没有待确认的疾病进展"},
         "en": {"sign": "Sign", "signed": "Signed", "confirm": "Confirm progression", "recorded": "Progression recorded",
                "evidence": "Scan showing PD", "nothing": "No progression to confirm."}}
AE = {"ctcae_term": "Nausea", "grade": 2, "onset_date": "2026-03-02", "serious": False, "immune_related": False,
      "attribution": {"haic": "possible", "sintilimab": "unlikely", "procedure": "unrelated"}, "aesi": False}


@pytest.fixture
def app_config(app_config):
    """Tokens outlive the weeks the PD patient's history moves the clock through."""
    app_config.TOKEN_TTL_SECONDS = 365 * 24 * 3600
    return app_config


@pytest.mark.parametrize("locale,viewport,size", [("zh-CN", TABLET, "tablet"), ("en", DESKTOP, "desktop")])
def test_an_investigator_signs_an_ae_and_confirms_a_progression(live_server, page_factory, make_user, coordinator,
                                                               clock, locale, viewport, size):
    texts = TEXTS[locale]
    patient = make_pd_patient(coordinator, clock)
    event = coordinator.post(f"/api/v1/patients/{patient['id']}/adverse-events", json=AE)
    assert event.status_code == 201, event.get_json()
    make_user("dr-web", "investigator")
    page = page_factory(viewport=viewport, locale=locale)
    log_in(page, live_server, "dr-web")

    page.goto(f"{live_server}/console/adverse-events")
    card = page.locator(f"#ae-{event.get_json()['id']}")
    card.locator("input[type=password]").fill("not my password")
    card.locator(f"button:has-text('{texts['sign']}')").click()
    card = page.locator(f"#ae-{event.get_json()['id']}")
    assert card.locator("#password-error").is_visible()
    assert card.locator("input[type=password]").get_attribute("aria-invalid") == "true"
    assert_no_serious_issues(page)
    card.locator("input[type=password]").fill(PASSWORD)
    card.locator(f"button:has-text('{texts['sign']}')").click()
    assert texts["signed"] in page.locator(".notice.success").inner_text()
    assert page.locator(f"#ae-{event.get_json()['id']}").count() == 0
    screenshot(page, f"investigator-ae-signed-{locale}-{size}")

    page.goto(f"{live_server}/console/progression")
    task = page.locator(f"#progression-{patient['id']}")
    assert texts["evidence"] in task.inner_text() and PD_SCAN.isoformat() in task.inner_text()
    assert "50 mm" in task.inner_text() and "35 mm" in task.inner_text()
    assert_no_serious_issues(page)
    screenshot(page, f"investigator-progression-{locale}-{size}")
    task.locator("textarea[name=reason]").fill("RECIST 1.1 PD: +43 % 且有肝内新病灶")
    task.locator(f"button:has-text('{texts['confirm']}')").click()
    assert texts["recorded"] in page.locator(".notice.success").inner_text()
    assert texts["nothing"] in page.locator("main").inner_text()
    assert_no_serious_issues(page)
    screenshot(page, f"investigator-progression-confirmed-{locale}-{size}")


def test_an_admin_creates_a_user(live_server, page_factory, make_user):
    make_user("root-web", "admin")
    page = page_factory(viewport=DESKTOP, locale="en")
    log_in(page, live_server, "root-web")
    page.locator("nav a:has-text('Users')").click()
    form = page.locator("#new-user")
    form.locator("#username").fill("nurse-li")
    form.locator("#password").fill("short")
    form.locator("#role").select_option("nurse")
    form.locator("#site").select_option("BJ")
    form.locator("#phone").fill("+8613800000001")
    form.locator("button[type=submit]").click()
    form = page.locator("#new-user")
    assert "At least 12 characters" in form.locator("#password-error").inner_text()
    assert form.locator("#username").input_value() == "nurse-li"
    assert form.locator("#phone").input_value() == "+8613800000001"
    assert_no_serious_issues(page)
    screenshot(page, "admin-new-user-weak-password-en-desktop")
    form.locator("#password").fill("a long passphrase 7")
    form.locator("button[type=submit]").click()
    assert "User nurse-li created." in page.locator(".notice.success").inner_text()
    assert page.locator("h1").inner_text().startswith("nurse-li")
    assert_no_serious_issues(page)
    screenshot(page, "admin-user-created-en-desktop")

    # The rota and the sites pages (forms in tables, labels for every input) pass the same check.
    for path, name in (("/console/admin/sites/BJ/on-call", "admin-on-call"), ("/console/admin/sites", "admin-sites")):
        page.goto(f"{live_server}{path}")
        assert_no_serious_issues(page)
        screenshot(page, f"{name}-en-desktop")
