"""Console fixtures: a browser-like client that keeps cookies and posts forms with their CSRF token."""
import re
from datetime import timedelta

import pytest

from tests.conftest import FROZEN_NOW, PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """The Flask test client as a person's browser: cookies kept, forms posted with their token."""

    def __init__(self, client):
        self.client = client
        self.page = None

    def get(self, path, **kwargs):
        self.page = self.client.get(path, headers={"Accept-Language": "en"}, **kwargs)
        return self.page

    def post(self, path, data=None, follow=False, referrer=None):
        token = CSRF.search(self.page.get_data(as_text=True)).group(1) if self.page is not None else ""
        headers = {"Accept-Language": "en"}
        if referrer:
            headers["Referer"] = referrer
        self.page = self.client.post(path, data={"csrf_token": token, **(data or {})}, follow_redirects=follow,
                                     headers=headers)
        return self.page

    def login(self, username, password=PASSWORD):
        self.get("/console/login")
        return self.post("/console/login", {"username": username, "password": password})

    @property
    def text(self):
        return self.page.get_data(as_text=True)


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def console_nurse(make_user, browser):
    make_user("nurse-web", "nurse")
    response = browser.login("nurse-web")
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


@pytest.fixture
def open_alert(app, enroll):
    from app.extensions import db
    from app.models import Alert, Patient

    patient = db.session.get(Patient, enroll()["id"])
    alert = Alert(patient_id=patient.id, site_id=patient.site_id, kind="symptom", status="open", ctcae_term="Fever",
                  grade=2, reasons=["fever_measured"], detail="39.6 °C after sintilimab", opened_at=FROZEN_NOW,
                  last_event_at=FROZEN_NOW + timedelta(minutes=1), occurrences=1)
    db.session.add(alert)
    db.session.commit()
    return alert


@pytest.fixture
def other_site(login):
    """A second site (SH) and an API client of a coordinator there."""
    admin = login("admin", "root")
    admin.post("/api/v1/sites", json={"code": "SH", "name": "Shanghai", "timezone": "Asia/Shanghai",
                                      "phone": "+862100000000"})
    return login("coordinator", "coord-sh", site_code="SH")
