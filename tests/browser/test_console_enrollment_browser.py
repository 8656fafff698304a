"""The console in headless Chromium: a coordinator's enrollment from screening (unit-aware labs,
criteria judged live as the form is filled) to the booked schedule, and the CONSORT log; at
tablet size in Chinese and desktop size in English, with axe-core finding no serious issue."""
import pytest

from tests.browser.conftest import DESKTOP, TABLET, assert_no_serious_issues, log_in, screenshot
from tests.support.factories import ELIGIBLE_FACTS

pytestmark = pytest.mark.browser

TEXTS = {"zh-CN": {"met": "满足", "missing": "缺少数据", "eligible": "符合入组条件", "enrolled": "已入组，编号 BJ-001"},
         "en": {"met": "Met", "missing": "Missing data", "eligible": "Eligible", "enrolled": "Enrolled as BJ-001"}}
SELECTS = {"sex": "male", "ecog": "1", "histology": "squamous_cell_carcinoma", "metastatic_confirmed": "yes",
           "liver_metastasis_pattern": "metachronous_after_esophagectomy", "child_pugh_score": "5",
           "hbv_infected": "no", "tumor_adjacent_to_hollow_organ": "no", "sintilimab_allergy": "no",
           "prior_immunotherapy": "no", "immunosuppressant_within_4_weeks": "no", "contraception_agreed": "yes"}
INPUTS = {"initials": "ZW", "birth_date": "1962-05-01", "screened_on": "2026-02-25", "predicted_survival_months": "6",
          "residual_liver_volume_ml": "1200", "systemic_steroid_mg_prednisone_per_day": "0",
          "consent_signed_on": "2026-02-20", "consent_version": "2.1"}
UNITS = {"total_bilirubin": "µmol/L", "anc": "/µL", "creatinine": "µmol/L"}  # as printed on a Chinese lab report
ENTERED = {"anc": "3100", "creatinine": "80"}


def _fill_labs(page):
    for lab in ELIGIBLE_FACTS["labs"]:
        test = lab["test"]
        if test in UNITS:
            page.select_option(f"#lab-{test}-unit", UNITS[test])
        page.fill(f"#lab-{test}-value", ENTERED.get(test, str(lab["value"])))
        if lab.get("uln") is not None:
            page.fill(f"#lab-{test}-uln", str(lab["uln"]))


@pytest.mark.parametrize("locale,viewport,size", [("zh-CN", TABLET, "tablet"), ("en", DESKTOP, "desktop")])
def test_a_coordinators_enrollment_from_screening_to_booked_schedule(live_server, page_factory, make_user, locale,
                                                                      viewport, size):
    from playwright.sync_api import expect

    texts = TEXTS[locale]
    make_user("coord-web", "coordinator")
    page = page_factory(viewport=viewport, locale=locale)
    log_in(page, live_server, "coord-web")
    page.locator("nav a[href='/console/screenings']").click()
    page.locator("a[href='/console/screenings/new']").click()
    expect(page.locator("#criterion-I2 .badge")).to_have_text(texts["missing"])
    assert_no_serious_issues(page)

    for name, value in INPUTS.items():
        page.fill(f"#{name}", value)
    for name, value in SELECTS.items():
        page.select_option(f"#{name}", value)
    expect(page.locator("#criterion-I2 .badge")).to_have_text(texts["met"])  # judged live, nothing saved yet
    page.check("input[name=history_none]")
    page.check("input[name=extrahepatic_none]")
    _fill_labs(page)
    expect(page.locator("#criterion-I6 .badge")).to_have_text(texts["met"])
    expect(page.locator("#criteria")).to_contain_text("3.1 ×10⁹/L")  # 3100 /µL, converted by the lab code
    expect(page.locator("#criteria .verdict .badge")).to_have_text(texts["eligible"])
    assert_no_serious_issues(page)
    page.evaluate("window.scrollTo(0, 0)")  # the criteria panel sticks to the top of the view
    screenshot(page, f"coordinator-screening-{locale}-{size}")

    page.locator("button[name=action][value=save]").click()
    expect(page.locator("#enroll-form")).to_be_visible()
    page.fill("#phone", "+86 139 1234 5678")
    page.select_option("#language", "zh")
    page.fill("#treatment_start", "2026-03-09")
    assert_no_serious_issues(page)
    page.locator("#enroll-form button[type=submit]").click()

    expect(page.locator(".notice.success")).to_contain_text(texts["enrolled"])
    rows = page.locator("#booked-visits tbody tr")
    assert rows.count() > 10 and "2026-03-09" in rows.filter(has_text="C01-HAIC").first.inner_text()
    assert_no_serious_issues(page)
    screenshot(page, f"coordinator-booked-{locale}-{size}")

    page.goto(f"{live_server}/console/screening-log")
    expect(page.locator("#n-assessed")).to_have_text("1")
    expect(page.locator("#n-enrolled")).to_have_text("1")
    assert_no_serious_issues(page)
    screenshot(page, f"coordinator-consort-{locale}-{size}")


def test_a_bad_lab_value_stays_beside_its_field_without_javascript(live_server, chromium, make_user):
    """The page works without its script: the server judges on check and keeps what was typed."""
    make_user("coord-web", "coordinator")
    context = chromium.new_context(viewport=TABLET, locale="en", java_script_enabled=False,
                                   extra_http_headers={"Accept-Language": "en"})
    try:
        page = context.new_page()
        log_in(page, live_server, "coord-web")
        page.goto(f"{live_server}/console/screenings/new")
        page.select_option("#ecog", "2")
        page.fill("#lab-anc-value", "1,2x")
        page.locator("button[name=action][value=save]").click()
        assert page.locator("#lab-anc-value").input_value() == "1,2x"
        assert page.locator("#lab-anc-value-error").inner_text() == "Not a valid number."
        assert page.locator("#criterion-E2 .badge").inner_text() == "Met: excludes"
        screenshot(page, "coordinator-screening-error-en-tablet")
    finally:
        context.close()
