"""A loopback fake of Twilio's Messages API, good enough for the real `twilio` client.

    with FakeTwilio() as fake:
        config = {"SMS_BACKEND": "twilio", **fake.config()}   # TWILIO_* keys, base URL included
        ...
        fake.fail_next(2, status=500)                           # scripted failures
        fake.fail_number("+15005550001", status=400, code=21211)
        webhook = fake.status_callback(message.sid, "delivered")  # signed, for /sms/status

Other test directories can import it (`from tests.notifications.fake_twilio import FakeTwilio`)
and wrap it in a fixture; `fake_twilio_fixture` below is one ready to register.
"""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import requests
from twilio.request_validator import RequestValidator

DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "fake-auth-token-0123456789abcdef"
DEFAULT_FROM_NUMBER = "+15005550006"
_MESSAGES_PATH = "/2010-04-01/Accounts/{sid}/Messages.json"


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received, whatever it answered."""

    method: str
    path: str
    form: dict
    authorized: bool
    answered_status: int
    client_port: int  # one port per TCP connection: equal ports mean keep-alive worked


@dataclass(frozen=True)
class Failure:
    """A scripted error answer: HTTP status plus, optionally, a Twilio error code."""

    status: int
    code: int | None = None
    message: str = "Scripted failure"
    problem_details: bool = False  # answer in RFC 9457 form, as Twilio's newer APIs do


@dataclass(frozen=True)
class SignedWebhook:
    """A webhook as Twilio would send it: URL, form params and the X-Twilio-Signature header."""

    url: str
    params: dict
    headers: dict = field(default_factory=dict)

    @property
    def path_with_query(self) -> str:
        """The URL minus scheme and host, for a Flask test client."""
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_webhook(auth_token: str, url: str, params: dict) -> SignedWebhook:
    """Sign `params` posted to `url` exactly as Twilio does."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    return SignedWebhook(url, dict(params), {"X-Twilio-Signature": signature})


class FakeTwilio:
    """Threaded HTTP server on 127.0.0.1 (random port) speaking enough of the Messages API."""

    def __init__(self, account_sid: str = DEFAULT_ACCOUNT_SID, auth_token: str = DEFAULT_AUTH_TOKEN,
                 latency_seconds: float = 0.0):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.latency_seconds = latency_seconds
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._messages: list[dict] = []
        self._next_failures: deque[Failure] = deque()
        self._number_failures: dict[str, Failure] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> "FakeTwilio":
        """Bind a free port and serve in a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # serve_forever polls for shutdown every 0.5 s by default: each stop() waited that long.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL to use as TWILIO_API_BASE_URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def config(self, from_number: str = DEFAULT_FROM_NUMBER) -> dict:
        """TWILIO_* config keys pointing the real client at this server."""
        return {"TWILIO_ACCOUNT_SID": self.account_sid, "TWILIO_AUTH_TOKEN": self.auth_token,
                "TWILIO_FROM_NUMBER": from_number, "TWILIO_API_BASE_URL": self.url}

    # -- scripting ---------------------------------------------------------------------
    def fail_next(self, count: int, status: int, code: int | None = None,
                  message: str = "Scripted failure", problem_details: bool = False) -> None:
        """Answer the next `count` message requests with this error."""
        with self._lock:
            self._next_failures.extend([Failure(status, code, message, problem_details)] * count)

    def fail_number(self, to_e164: str, status: int = 400, code: int | None = 21211,
                    message: str = "Invalid 'To' Phone Number") -> None:
        """Answer every message to `to_e164` with this error."""
        with self._lock:
            self._number_failures[to_e164] = Failure(status, code, message)

    def clear_failures(self) -> None:
        """Forget every scripted failure."""
        with self._lock:
            self._next_failures.clear()
            self._number_failures.clear()

    # -- inspection --------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def messages(self) -> list[dict]:
        """The message resources created (accepted sends only)."""
        with self._lock:
            return list(self._messages)

    # -- webhooks the real Twilio would send ------------------------------------------
    def status_callback(self, callback_url: str, message_sid: str, status: str,
                        error_code: int | None = None) -> SignedWebhook:
        """A signed status callback (MessageSid, MessageStatus, ErrorCode) for `callback_url`."""
        params = {"MessageSid": message_sid, "SmsSid": message_sid, "MessageStatus": status,
                  "SmsStatus": status, "AccountSid": self.account_sid, "ApiVersion": "2010-04-01"}
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return sign_webhook(self.auth_token, callback_url, params)

    def inbound_message(self, url: str, from_e164: str, body: str,
                        to_e164: str = DEFAULT_FROM_NUMBER) -> SignedWebhook:
        """A signed inbound-SMS webhook, as Twilio posts it to /sms/inbound."""
        sid = "SM" + secrets.token_hex(16)
        params = {"MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": self.account_sid,
                  "From": from_e164, "To": to_e164, "Body": body, "NumMedia": "0", "NumSegments": "1",
                  "ApiVersion": "2010-04-01"}
        return sign_webhook(self.auth_token, url, params)

    def post_status_callback(self, callback_url: str, message_sid: str, status: str,
                             error_code: int | None = None, timeout: float = 5.0) -> int:
        """POST a signed status callback over HTTP (to a live app server); returns its status."""
        webhook = self.status_callback(callback_url, message_sid, status, error_code)
        return requests.post(webhook.url, data=webhook.params, headers=webhook.headers,
                             timeout=timeout).status_code

    def post_status_callbacks(self, status: str, error_code: int | None = None) -> list[int]:
        """POST `status` for every created message that asked for a StatusCallback."""
        return [self.post_status_callback(m["status_callback"], m["sid"], status, error_code)
                for m in self.messages if m.get("status_callback")]

    # -- request handling (called from server threads) --------------------------------
    def _handle(self, method: str, path: str, headers, form: dict, client_port: int) -> tuple[int, dict]:
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        authorized = _basic_auth(headers) == (self.account_sid, self.auth_token)
        status, payload = self._answer(method, path, authorized, form)
        with self._lock:
            self._requests.append(RecordedRequest(method, path, form, authorized, status, client_port))
            if status == 201:
                self._messages.append(payload)
        return status, payload

    def _answer(self, method: str, path: str, authorized: bool, form: dict) -> tuple[int, dict]:
        if method != "POST" or path != _MESSAGES_PATH.format(sid=self.account_sid):
            return _error(Failure(404, 20404, "The requested resource was not found"))
        if not authorized:
            return _error(Failure(401, 20003, "Authenticate"))
        failure = self._scripted_failure(form.get("To"))
        if failure is not None:
            return _error(failure)
        if not form.get("To") or not form.get("Body") or not (form.get("From") or form.get("MessagingServiceSid")):
            return _error(Failure(400, 21604, "A 'To', 'Body' and 'From' or 'MessagingServiceSid' are required"))
        return 201, _message_resource(self.account_sid, form)

    def _scripted_failure(self, to_e164: str | None) -> Failure | None:
        with self._lock:
            if self._next_failures:
                return self._next_failures.popleft()
            return self._number_failures.get(to_e164)


def _basic_auth(headers) -> tuple[str, str] | None:
    scheme, _, encoded = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    return user, password


def _error(failure: Failure) -> tuple[int, dict]:
    code = failure.code if failure.code is not None else failure.status
    if failure.problem_details:
        return failure.status, {"type": f"https://www.twilio.com/docs/errors/{code}", "title": failure.message,
                                "status": failure.status, "code": code}
    return failure.status, {"code": code, "message": failure.message, "status": failure.status,
                            "more_info": f"https://www.twilio.com/docs/errors/{code}"}


def _message_resource(account_sid: str, form: dict) -> dict:
    sid = "SM" + secrets.token_hex(16)
    now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
    return {
        "sid": sid, "account_sid": account_sid, "api_version": "2010-04-01",
        "to": form["To"], "from": form.get("From"), "messaging_service_sid": form.get("MessagingServiceSid"),
        "body": form["Body"], "status": "queued", "direction": "outbound-api", "num_segments": "1",
        "num_media": "0", "price": None, "price_unit": "USD", "error_code": None, "error_message": None,
        "date_created": now, "date_updated": now, "date_sent": None,
        "status_callback": form.get("StatusCallback"),
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json", "subresource_uris": {},
    }


def _handler_for(fake: FakeTwilio):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as api.twilio.com offers
        # Without TCP_NODELAY a small reply waits for the client's delayed ACK (~40 ms on
        # Linux): latency the real service does not add, so the fake must not either.
        disable_nagle_algorithm = True

        def do_POST(self):
            self._dispatch()

        def do_GET(self):
            self._dispatch()

        def _dispatch(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            path = urlsplit(self.path).path
            status, payload = fake._handle(self.command, path, self.headers, dict(parse_qsl(raw)),
                                          self.client_address[1])
            body = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep test output quiet
            pass

    return Handler


def fake_twilio_fixture():
    """Generator body for a pytest fixture: `fake_twilio = pytest.fixture(fake_twilio_fixture)`."""
    with FakeTwilio() as fake:
        yield fake
