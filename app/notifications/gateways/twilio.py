"""The Twilio gateway: the official client builds each request and parses each answer.

To reach a test server we only swap the transport: `RebasingHttpClient` is the client's own
`TwilioHttpClient` with every `https://*.twilio.com` URL rewritten to TWILIO_API_BASE_URL
just before it goes on the wire. URL building, auth, form encoding and error parsing all
stay the real client's, so the fake server exercises the code that runs in production.
"""
from __future__ import annotations

import json
import threading
from typing import Mapping
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from app.notifications.gateways.base import SendResult, check_send_arguments, classify_error

DEFAULT_TIMEOUT_SECONDS = 10.0
_POOL_SIZE = 32
# Twilio's own message statuses, mapped to the three a send can end in.
_ACCEPTED_STATUSES = {"sent": "sent", "delivered": "sent", "failed": "failed", "undelivered": "failed"}


def rebase_url(url: str, base_url: str | None) -> str:
    """Point a Twilio API URL at `base_url` (scheme, host, port and path prefix); other URLs pass."""
    if not base_url:
        return url
    parts = urlsplit(url)
    if not (parts.hostname or "").endswith("twilio.com"):
        return url
    base = urlsplit(base_url)
    path = base.path.rstrip("/") + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


class RebasingHttpClient(TwilioHttpClient):
    """TwilioHttpClient that sends to `base_url` instead of api.twilio.com; keeps one Session."""

    def __init__(self, base_url: str | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS):
        super().__init__(pool_connections=True, timeout=timeout)
        self.base_url = base_url
        # The parent mounts a sized pool for https only; a local test server speaks http.
        self.session.mount("http://", HTTPAdapter(pool_maxsize=_POOL_SIZE))

    def request(self, method, url, *args, **kwargs):
        """Send the request the Twilio client built, to the rebased URL."""
        return super().request(method, rebase_url(url, self.base_url), *args, **kwargs)


class TwilioGateway:
    """Sends through Twilio's Messages API. Safe from many threads: one client per thread."""

    def __init__(self, account_sid: str, auth_token: str, *, from_number: str | None = None,
                 messaging_service_sid: str | None = None, api_base_url: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT_SECONDS):
        if not account_sid or not auth_token:
            raise ValueError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required")
        if not from_number and not messaging_service_sid:
            raise ValueError("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID is required")
        self._credentials = (account_sid, auth_token)
        self._sender = _sender_arguments(from_number, messaging_service_sid)
        self._api_base_url = api_base_url
        self._timeout = timeout
        self._local = threading.local()
        self._http_clients: list[RebasingHttpClient] = []
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Mapping) -> "TwilioGateway":
        """Build from the TWILIO_* config keys (see API.md)."""
        return cls(config.get("TWILIO_ACCOUNT_SID"), config.get("TWILIO_AUTH_TOKEN"),
                   from_number=config.get("TWILIO_FROM_NUMBER"),
                   messaging_service_sid=config.get("TWILIO_MESSAGING_SERVICE_SID"),
                   api_base_url=config.get("TWILIO_API_BASE_URL"),
                   timeout=float(config.get("SMS_SEND_TIMEOUT_S") or DEFAULT_TIMEOUT_SECONDS))

    def send(self, to_e164: str, body: str, *, status_callback_url: str | None = None,
             template=None) -> SendResult:
        """Create one Message; provider and network errors come back classified, never raised."""
        check_send_arguments(to_e164, body)
        extra = {"status_callback": status_callback_url} if status_callback_url else {}
        try:
            message = self._client().messages.create(to=to_e164, body=body, **self._sender, **extra)
        except TwilioRestException as error:
            return classify_error(error.status, _int_or_none(error.code), error.msg)
        except TwilioServiceException as error:
            return classify_error(error.status, _int_or_none(error.code), error.title)
        except requests.RequestException as error:
            return classify_error(None, None, f"{type(error).__name__}: {error}")
        except json.JSONDecodeError:
            return classify_error(None, None, "provider answered with a body that is not JSON")
        return SendResult(provider_sid=message.sid, status=_ACCEPTED_STATUSES.get(message.status, "queued"))

    def close(self) -> None:
        """Close every thread's HTTP session (their keep-alive connections)."""
        with self._lock:
            clients, self._http_clients = self._http_clients, []
        for http_client in clients:
            http_client.session.close()

    def _client(self) -> Client:
        # requests.Session is not documented as thread-safe, so each thread gets its own
        # client and session; within a thread the session keeps connections alive.
        client = getattr(self._local, "client", None)
        if client is None:
            http_client = RebasingHttpClient(self._api_base_url, self._timeout)
            client = Client(*self._credentials, http_client=http_client)
            self._local.client = client
            with self._lock:
                self._http_clients.append(http_client)
        return client


def _sender_arguments(from_number: str | None, messaging_service_sid: str | None) -> dict:
    # A Messaging Service picks the sender itself; prefer it when both are configured.
    if messaging_service_sid:
        return {"messaging_service_sid": messaging_service_sid}
    return {"from_": from_number}


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
