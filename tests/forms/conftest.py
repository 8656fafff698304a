"""Fixtures for the web symptom form: a patient, a link, and posting the form like a browser."""
import re

import pytest

ON_CALL_PHONE = "+8613800000001"


@pytest.fixture
def patient(app, enroll):
    from app.extensions import db
    from app.models import Patient

    return db.session.get(Patient, enroll(language="zh")["id"])


@pytest.fixture
def on_call(make_user):
    return make_user("oncall", "nurse", phone=ON_CALL_PHONE, on_call=True)


@pytest.fixture
def new_link(app, clock):
    """new_link(patient, **kwargs) -> token: a committed link issued now."""
    from app.extensions import db
    from app.forms.links import issue_link

    def make(patient, **kwargs):
        link = issue_link("test", clock.now(), patient, **kwargs)
        db.session.commit()
        return link.token

    return make


@pytest.fixture
def submit(client):
    """submit(token, fields) -> response: GET the page, then POST it with its nonce, as a browser does."""

    def post(token, fields=None, nonce=None):
        page = client.get(f"/r/{token}")
        found = re.search(r'name="nonce" value="([0-9a-f]+)"', page.get_data(as_text=True))
        data = {"nonce": nonce or (found.group(1) if found else ""), "action": "send", **(fields or {})}
        return client.post(f"/r/{token}", data=data)

    return post
