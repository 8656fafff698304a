"""Issue 16, items 6 and 9, on PostgreSQL through a loopback proxy that can be cut: a
partition answers 503 with Retry-After within the statement timeout instead of hanging; an
outage is 503, not 500; the logs of the whole episode hold no phone number, no message
body and no SQL parameters."""
import io
import logging
import os
import time

import pytest
from sqlalchemy.engine import make_url

from tests.hardening.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")]

STATEMENT_TIMEOUT_MS = 4000
PHONE = "+8613912345678"


@pytest.fixture
def proxied_app(app, test_database):
    """A second app on the same database, through the proxy, with short timeouts."""
    from app.factory import build_app
    from config import TestingConfig

    url = make_url(test_database.url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    config.SQLALCHEMY_ENGINE_OPTIONS = {}
    config.DB_CONNECT_TIMEOUT_S = 1
    config.DB_STATEMENT_TIMEOUT_MS = STATEMENT_TIMEOUT_MS
    config.DB_POOL_TIMEOUT_S = 1
    proxied = build_app(config, clock=app.extensions["clock"])
    yield proxied, proxy
    proxy.set_mode("up")
    with proxied.app_context():
        from app.extensions import db

        db.engine.dispose()
    proxy.close()


@pytest.fixture
def log_lines():
    """Everything the app logs, through the production handler's filter and format."""
    from app.common.logs import TEXT_FORMAT, RequestContextFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    yield lambda: stream.getvalue().splitlines()
    root.removeHandler(handler)
    root.setLevel(level)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_partition_and_outage_answer_503_in_time_and_leak_nothing(proxied_app, nurse, enroll, log_lines):
    enroll(phone=PHONE)
    proxied, proxy = proxied_app
    client = proxied.test_client()
    headers = {"Authorization": f"Bearer {nurse.token}"}
    assert client.get("/api/v1/patients", headers=headers).status_code == 200
    assert client.get("/health").status_code == 200

    proxy.set_mode("blackhole")  # a partition: nothing answers, nothing is refused
    figures = {}
    for name, call in (("patients", lambda: client.get("/api/v1/patients", headers=headers)),
                       ("health", lambda: client.get("/health")),
                       ("write", lambda: client.post("/api/v1/auth/token",
                                                     json={"username": "nurse-bj", "password": "x" * 12}))):
        response, seconds = timed(call)
        figures[name] = round(seconds, 2)
        assert response.status_code == 503, (name, response.get_data(as_text=True)[:300])
        assert seconds < STATEMENT_TIMEOUT_MS / 1000, (name, seconds)
        if name != "health":
            assert response.mimetype == "application/problem+json" and response.headers["Retry-After"]

    proxy.set_mode("down")  # an outage: connections refused
    response, seconds = timed(lambda: client.get("/api/v1/patients", headers=headers))
    assert response.status_code == 503 and seconds < 2
    proxy.set_mode("up")
    assert client.get("/api/v1/patients", headers=headers).status_code == 200
    print(f"\n503 after (s): {figures}, outage {seconds:.2f}")

    lines = log_lines()
    assert lines, "the outage was logged"
    phi = [line for line in lines if "13912345678" in line or "parameters:" in line.lower()
           or "ZW" in line.split(":", 3)[-1]]
    print(f"{len(lines)} log lines, {len(phi)} with PHI")
    assert phi == [], phi[:5]
