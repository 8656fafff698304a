"""Tencent Cloud SMS (SendSms, API 2021-01-11) through the provider's own SDK.

Template-only: the approved TemplateId with TemplateParamSet (parameters in the template's
order) behind SMS_SIGN_NAME, from the SDK app TENCENT_SMS_SDK_APP_ID. TENCENT_SMS_ENDPOINT
(a base URL) points the SDK at a test server; it still signs (TC3-HMAC-SHA256) and parses.
"""
from __future__ import annotations

import json
import threading
from typing import Mapping

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as sms_models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from app.notifications.gateways.aliyun import endpoint_parts
from app.notifications.gateways.base import SendResult, TemplateRef, check_send_arguments
from app.notifications.gateways.domestic import classify_tencent, load_template_codes, resolve

PROVIDER = "tencent"
DEFAULT_ENDPOINT = "https://sms.tencentcloudapi.com"
DEFAULT_REGION = "ap-guangzhou"
DEFAULT_TIMEOUT_S = 10


class TencentGateway:
    """Sends through Tencent Cloud SMS. Safe from many threads: one SDK client per thread."""

    provider = PROVIDER

    def __init__(self, secret_id: str, secret_key: str, sdk_app_id: str, sign_name: str, codes: Mapping[str, dict],
                 *, endpoint: str | None = None, region: str = DEFAULT_REGION, timeout_s: int = DEFAULT_TIMEOUT_S):
        if not secret_id or not secret_key:
            raise ValueError("TENCENT_SECRET_ID and TENCENT_SECRET_KEY are required")
        if not sdk_app_id:
            raise ValueError("TENCENT_SMS_SDK_APP_ID is required")
        if not sign_name:
            raise ValueError("SMS_SIGN_NAME is required (the approved signature)")
        self._credentials = (secret_id, secret_key)
        self.sdk_app_id = str(sdk_app_id)
        self.sign_name = sign_name
        self.codes = dict(codes)
        self._scheme, self._host = endpoint_parts(endpoint or DEFAULT_ENDPOINT)
        self._region = region or DEFAULT_REGION
        self._timeout_s = timeout_s
        self._local = threading.local()

    @classmethod
    def from_config(cls, config: Mapping) -> "TencentGateway":
        """Build from TENCENT_*, SMS_SIGN_NAME and SMS_TEMPLATES_FILE (API.md "Second wave")."""
        return cls(config.get("TENCENT_SECRET_ID"), config.get("TENCENT_SECRET_KEY"),
                   config.get("TENCENT_SMS_SDK_APP_ID"), config.get("SMS_SIGN_NAME"),
                   load_template_codes(config.get("SMS_TEMPLATES_FILE")),
                   endpoint=config.get("TENCENT_SMS_ENDPOINT"), region=config.get("TENCENT_SMS_REGION"))

    def send(self, to_e164: str, body: str, *, status_callback_url: str | None = None,
             template: TemplateRef | None = None) -> SendResult:
        """Send `template` to `to_e164`; errors come back classified (domestic.classify_tencent)."""
        check_send_arguments(to_e164, body)
        try:
            resolved = resolve(self.codes, PROVIDER, template)
        except ValueError as error:
            return classify_tencent("TEMPLATE", str(error))
        request = sms_models.SendSmsRequest()
        request.from_json_string(json.dumps({
            "PhoneNumberSet": [to_e164], "SmsSdkAppId": self.sdk_app_id, "SignName": self.sign_name,
            "TemplateId": resolved.code, "TemplateParamSet": list(resolved.values)}))
        try:
            response = self._client().SendSms(request)
        except TencentCloudSDKException as error:
            return classify_tencent(error.get_code(), error.get_message())
        except Exception as error:  # a transport failure the SDK did not wrap
            return classify_tencent("ClientNetworkError", f"{type(error).__name__}: {error}")
        statuses = response.SendStatusSet or []
        if not statuses:
            return classify_tencent("InternalError", "no SendStatusSet in the answer")
        status = statuses[0]
        if (status.Code or "").lower() != "ok":
            return classify_tencent(status.Code, status.Message)
        return SendResult(provider_sid=status.SerialNo, status="queued")

    def _client(self) -> SmsClient:
        client = getattr(self._local, "client", None)
        if client is None:
            http_profile = HttpProfile(protocol=self._scheme, endpoint=self._host, reqTimeout=self._timeout_s)
            client = self._local.client = SmsClient(credential.Credential(*self._credentials), self._region,
                                                    ClientProfile(httpProfile=http_profile))
        return client
