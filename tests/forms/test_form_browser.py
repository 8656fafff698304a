"""The web symptom form in a real browser: headless Chromium (Debian's `chromium`) driven by
Playwright, a phone-sized viewport, JavaScript switched off. Screenshots per language are
kept in tests/artifacts/ (gitignored; CI keeps them as artifacts).

Skipped, with the reason printed, when Playwright or the browser is missing; `.ci/run`
installs both, so they run in CI.
"""
import os
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Patient, SymptomReport

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
MIN_TAP_PX = 44  # the usual minimum for a finger


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium; .ci/run does it)"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=f"browser tests skipped: {_missing()}")


@pytest.fixture
def live_url(app):
    """The test app served over HTTP on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, live_url):
    """A phone-sized page with JavaScript off; every request it makes is recorded."""
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    yield page
    context.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_phone_layout(page, live_url):
    # JavaScript is off in the page, so measure the boxes Playwright reports: big enough, inside the screen.
    for label in page.locator("label.opt").all()[:10] + [page.locator("#nothing"), page.locator("#send")]:
        box = label.bounding_box()
        assert box["height"] >= MIN_TAP_PX and box["x"] + box["width"] <= PHONE["viewport"]["width"] + 1
    assert all(url.startswith(live_url) for url in page.requested), page.requested  # no external assets


@pytest.mark.parametrize("language", ["zh", "en"])
def test_fill_in_the_form_on_a_phone(phone, live_url, enroll, new_link, language):
    patient = db.session.get(Patient, enroll(language=language)["id"])
    token = new_link(patient)
    phone.goto(f"{live_url}/r/{token}?from=timeline")
    check_phone_layout(phone, live_url)
    words = {"zh": ("比较明显", "1次", "今天大便几次", "已收到"), "en": ("Clearly", "Once", "Bowel movements", "Received")}
    severity, times, stools_label, thanks = words[language]
    phone.locator("#q-nausea label.opt", has_text=severity).click()
    phone.locator("#q-vomiting label.opt", has_text=times).click()
    phone.fill("#temperature", "37.6")
    phone.get_by_label(stools_label).fill("2")
    phone.fill("#text", "晚上睡不好" if language == "zh" else "Slept badly")
    shot(phone, f"form-{language}")
    phone.click("#send")
    phone.wait_for_selector("#thanks")
    assert thanks in phone.inner_text("#thanks")
    shot(phone, f"form-{language}-sent")
    db.session.expire_all()
    [report] = db.session.scalars(select(SymptomReport).where(SymptomReport.patient_id == patient.id)).all()
    terms = {item.ctcae_term: item for item in report.items}
    assert terms["Nausea"].severity == 2 and terms["Vomiting"].frequency == 1
    assert terms["Fever"].value == 37.6 and terms["Diarrhea"].value == 2 and report.channel == "form"


def test_an_urgent_answer_shows_the_phone_number(phone, live_url, enroll, new_link):
    patient = db.session.get(Patient, enroll(language="zh")["id"])
    phone.goto(f"{live_url}/r/{new_link(patient)}")
    phone.locator("label.check", has_text="胸口疼").click()
    phone.click("#send")
    urgent = phone.locator("#urgent")
    assert urgent.is_visible() and "+861088196114" in urgent.inner_text()
    assert urgent.bounding_box()["y"] < phone.locator("#thanks").bounding_box()["y"]
    shot(phone, "form-zh-urgent")


def test_nothing_today_is_one_tap(phone, live_url, enroll, new_link):
    patient = db.session.get(Patient, enroll(language="en")["id"])
    phone.goto(f"{live_url}/r/{new_link(patient)}")
    phone.click("#nothing")
    assert "nothing bothers you today" in phone.inner_text("main")


def test_an_expired_link(phone, live_url, enroll, new_link, clock):
    patient = db.session.get(Patient, enroll(language="zh")["id"])
    token = new_link(patient)
    clock.set(clock.now() + timedelta(hours=73))
    response = phone.goto(f"{live_url}/r/{token}")
    assert response.status == 410 and "这个链接不能用了" in phone.inner_text("main")
    assert patient.study_id not in phone.content()
    shot(phone, "form-expired")
