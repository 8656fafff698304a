"""Checking X-Twilio-Signature on webhooks.

Twilio signs the URL it called. Behind a TLS-terminating proxy the app sees
http://internal-host/..., so the URL is rebuilt from PUBLIC_BASE_URL, never from the
request's own scheme and host.
"""
from __future__ import annotations

from typing import Mapping

from twilio.request_validator import RequestValidator


class _FormValues:
    """Adapts a plain mapping (str or list of str per key) to the getall() RequestValidator uses."""

    def __init__(self, params: Mapping):
        self._params = params

    def __iter__(self):
        return iter(self._params)

    def getall(self, name: str) -> list[str]:
        if hasattr(self._params, "getlist"):  # werkzeug MultiDict: every repeated value counts
            return list(self._params.getlist(name))
        value = self._params[name]
        return [value] if isinstance(value, str) else list(value)


def public_url(public_base_url: str, path_with_query: str) -> str:
    """The URL Twilio called: the public base (scheme, host, any prefix) plus path and query."""
    return public_base_url.rstrip("/") + "/" + path_with_query.lstrip("/")


def compute_twilio_signature(auth_token: str, url: str, form_params: Mapping) -> str:
    """The X-Twilio-Signature Twilio would send for `form_params` posted to `url`."""
    return RequestValidator(auth_token).compute_signature(url, _FormValues(form_params))


def verify_twilio_signature(auth_token: str, public_base_url: str, path_with_query: str,
                            form_params: Mapping, signature: str | None) -> bool:
    """True when `signature` is Twilio's for this request as seen at PUBLIC_BASE_URL."""
    if not auth_token or not signature:
        return False
    url = public_url(public_base_url, path_with_query)
    return RequestValidator(auth_token).validate(url, _FormValues(form_params), signature)
