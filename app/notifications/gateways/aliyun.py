"""Alibaba Cloud SMS (Dysmsapi SendSms) through the provider's own SDK.

Template-only: each message goes out as the approved template code with its parameters
(TemplateParam, a JSON object) behind SMS_SIGN_NAME. ALIYUN_SMS_ENDPOINT (a base URL like
"http://127.0.0.1:8123") points the SDK at a test server; the SDK still builds, signs and
parses every request, so the tests exercise the code that runs in production.
"""
from __future__ import annotations

import json
import threading
from typing import Mapping
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_util import models as util_models
from Tea.exceptions import TeaException

from app.notifications.gateways.base import SendResult, TemplateRef, check_send_arguments
from app.notifications.gateways.domestic import (classify_aliyun, load_template_codes, national_number,
                                                 resolve)

PROVIDER = "aliyun"
DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com"
DEFAULT_TIMEOUT_MS = 10_000


def endpoint_parts(base_url: str | None) -> tuple[str, str]:
    """("https", "dysmsapi.aliyuncs.com") from a base URL; host keeps its port."""
    parts = urlsplit(base_url or DEFAULT_ENDPOINT)
    return parts.scheme or "https", parts.netloc or parts.path


class AliyunGateway:
    """Sends through Aliyun SMS. Safe from many threads: one SDK client per thread."""

    provider = PROVIDER

    def __init__(self, access_key_id: str, access_key_secret: str, sign_name: str, codes: Mapping[str, dict], *,
                 endpoint: str | None = None, timeout_ms: int = DEFAULT_TIMEOUT_MS):
        if not access_key_id or not access_key_secret:
            raise ValueError("ALIYUN_ACCESS_KEY_ID and ALIYUN_ACCESS_KEY_SECRET are required")
        if not sign_name:
            raise ValueError("SMS_SIGN_NAME is required (the approved signature)")
        self._credentials = (access_key_id, access_key_secret)
        self.sign_name = sign_name
        self.codes = dict(codes)
        self._protocol, self._host = endpoint_parts(endpoint)
        self._timeout_ms = timeout_ms
        self._local = threading.local()

    @classmethod
    def from_config(cls, config: Mapping) -> "AliyunGateway":
        """Build from ALIYUN_*, SMS_SIGN_NAME and SMS_TEMPLATES_FILE (API.md "Second wave")."""
        return cls(config.get("ALIYUN_ACCESS_KEY_ID"), config.get("ALIYUN_ACCESS_KEY_SECRET"),
                   config.get("SMS_SIGN_NAME"), load_template_codes(config.get("SMS_TEMPLATES_FILE")),
                   endpoint=config.get("ALIYUN_SMS_ENDPOINT"))

    def send(self, to_e164: str, body: str, *, status_callback_url: str | None = None,
             template: TemplateRef | None = None) -> SendResult:
        """Send `template` (code + parameters) to `to_e164`; `body` is only checked, not sent.

        Errors come back classified (domestic.classify_aliyun), never raised; a message
        without a usable template fails without retry (no retry could fix it).
        """
        check_send_arguments(to_e164, body)
        try:
            resolved = resolve(self.codes, PROVIDER, template)
        except ValueError as error:
            return classify_aliyun("TEMPLATE", str(error))
        request = sms_models.SendSmsRequest(
            phone_numbers=national_number(to_e164), sign_name=self.sign_name, template_code=resolved.code,
            template_param=json.dumps(resolved.as_dict(), ensure_ascii=False))
        runtime = util_models.RuntimeOptions(connect_timeout=self._timeout_ms, read_timeout=self._timeout_ms,
                                             autoretry=False)
        try:
            response = self._client().send_sms_with_options(request, runtime)
        except TeaException as error:
            status = (getattr(error, "data", None) or {}).get("statusCode")
            return classify_aliyun(error.code, error.message, status if isinstance(status, int) else None)
        except Exception as error:  # the SDK wraps network failures in several classes
            return classify_aliyun(None, f"{type(error).__name__}: {error}", None)
        answer = response.body
        if answer is None or answer.code != "OK":
            return classify_aliyun(getattr(answer, "code", None), getattr(answer, "message", None))
        return SendResult(provider_sid=answer.biz_id, status="queued")

    def _client(self) -> Client:
        client = getattr(self._local, "client", None)
        if client is None:
            config = openapi_models.Config(access_key_id=self._credentials[0], access_key_secret=self._credentials[1],
                                           endpoint=self._host, protocol=self._protocol)
            client = self._local.client = Client(config)
        return client
