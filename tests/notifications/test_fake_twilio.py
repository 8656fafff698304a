"""The fake itself: auth, routing, scripted failures, and webhooks the app can verify."""
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qsl

import pytest
import requests

from app.notifications.signatures import verify_twilio_signature
from tests.notifications.fake_twilio import FakeTwilio


def _post(fake, path=None, auth=None, data=None):
    path = path or f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    return requests.post(fake.url + path, auth=auth or (fake.account_sid, fake.auth_token),
                         data=data if data is not None else {"To": "+8613800000000", "From": "+1500", "Body": "x"})


@pytest.mark.parametrize("path, auth, data, status, code", [
    (None, None, None, 201, None),
    (None, ("AC" + "9" * 32, "nope"), None, 401, 20003),
    ("/2010-04-01/Accounts/ACother/Messages.json", None, None, 404, 20404),
    (None, None, {"To": "+8613800000000", "Body": "x"}, 400, 21604),   # neither From nor service
])
def test_fake_answers_like_twilio(fake_twilio, path, auth, data, status, code):
    response = _post(fake_twilio, path, auth, data)
    assert response.status_code == status
    assert response.json().get("code") == code
    assert fake_twilio.requests[-1].answered_status == status


def test_scripted_failures_run_out_then_clear(fake_twilio):
    fake_twilio.fail_next(2, status=500)
    fake_twilio.fail_number("+8613800000000", status=400, code=21610)
    assert [_post(fake_twilio).status_code for _ in range(3)] == [500, 500, 400]
    fake_twilio.clear_failures()
    assert _post(fake_twilio).status_code == 201
    assert len(fake_twilio.messages) == 1


def test_status_callback_is_signed_for_the_app(fake_twilio):
    webhook = fake_twilio.status_callback("https://haic.example.org/sms/status", "SM" + "b" * 32,
                                          "undelivered", error_code=30003)
    assert webhook.params["MessageStatus"] == "undelivered" and webhook.params["ErrorCode"] == "30003"
    assert webhook.path_with_query == "/sms/status"
    assert verify_twilio_signature(fake_twilio.auth_token, "https://haic.example.org", webhook.path_with_query,
                                   webhook.params, webhook.headers["X-Twilio-Signature"])


def test_inbound_message_is_signed_for_the_app(fake_twilio):
    webhook = fake_twilio.inbound_message("https://haic.example.org/sms/inbound?site=bj", "+8613800000000", "退订")
    assert webhook.path_with_query == "/sms/inbound?site=bj"
    assert (webhook.params["From"], webhook.params["Body"]) == ("+8613800000000", "退订")
    assert verify_twilio_signature(fake_twilio.auth_token, "https://haic.example.org", webhook.path_with_query,
                                   webhook.params, webhook.headers["X-Twilio-Signature"])
    assert not verify_twilio_signature("other-token", "https://haic.example.org", webhook.path_with_query,
                                       webhook.params, webhook.headers["X-Twilio-Signature"])


class _Receiver:
    """A tiny HTTP endpoint standing in for a live app's /sms/status."""

    def __init__(self):
        self.posts = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.posts.append((self.path, dict(parse_qsl(body)), self.headers["X-Twilio-Signature"]))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def test_post_status_callbacks_for_every_message_that_asked():
    receiver = _Receiver()
    try:
        with FakeTwilio() as fake:
            _post(fake, data={"To": "+8613800000000", "From": "+1500", "Body": "x",
                              "StatusCallback": receiver.url + "/sms/status"})
            _post(fake)  # no StatusCallback: no callback
            assert fake.post_status_callbacks("delivered") == [204]
            [(path, params, signature)] = receiver.posts
            assert (path, params["MessageStatus"], params["MessageSid"]) == (
                "/sms/status", "delivered", fake.messages[0]["sid"])
            assert verify_twilio_signature(fake.auth_token, receiver.url, path, params, signature)
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


def test_latency_is_added():
    with FakeTwilio(latency_seconds=0.2) as fake:
        assert _post(fake).elapsed.total_seconds() >= 0.2
