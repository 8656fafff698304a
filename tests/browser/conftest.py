"""Real-browser tests: the app served on loopback, driven by Playwright in Debian's Chromium.

Chromium comes from Debian's `chromium` package (.ci/run installs it); Playwright never
downloads a browser here (`executable_path`). Without the browser these tests skip with the
reason, except under CI, where a missing browser is a failure. Screenshots go to
tests/artifacts/ (ignored by git) for a person to look at.
"""
import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.console.conftest import open_alert  # noqa: F401  (shared fixture)

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
TABLET = {"width": 1280, "height": 800}  # a 10-inch tablet in landscape
DESKTOP = {"width": 1600, "height": 1000}
PHONE = {"width": 390, "height": 844}


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")  # not session: other modules drive their own Playwright (one per thread at a time)
def chromium():
    if os.environ.get("CI") and not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("CI runs the console's browser tests once, on PostgreSQL (the CI budget)")
    reason = _browser_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test's app on 127.0.0.1 (a free port) in a thread, stopped after the test."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def page_factory(chromium):
    """New pages with a viewport and a language; every context is closed after the test."""
    contexts = []

    def new_page(viewport=TABLET, locale="zh-CN"):
        # bypass_csp: the accessibility check injects axe-core, which the CSP (rightly) refuses.
        context = chromium.new_context(viewport=viewport, locale=locale, bypass_csp=True,
                                       extra_http_headers={"Accept-Language": locale})
        context.route("**/*", _loopback_only)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def _loopback_only(route):
    """Hospital intranet conditions: any request off this machine fails, so a CDN asset would show."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_accessibility_violations(page) -> list:
    """axe-core (vendored, MPL-2.0) run in the page; the serious and critical violations."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def log_in(page, base, username):
    """Sign `username` in on the console's login page (the suite's password) and land on today."""
    from tests.conftest import PASSWORD

    page.goto(f"{base}/console/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{base}/console/")


def assert_no_serious_issues(page):
    """axe-core finds no serious or critical violation on the page as it stands."""
    violations = serious_accessibility_violations(page)
    assert not violations, violations
