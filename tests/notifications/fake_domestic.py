"""Loopback fakes of Aliyun SMS (Dysmsapi SendSms) and Tencent Cloud SMS (SendSms 2021-01-11),
good enough for the providers' own Python SDKs, plus the callbacks each provider posts.

    with FakeAliyun() as fake:
        config = {"SMS_BACKEND": "aliyun", **fake.config(codes_file)}   # endpoint included
        fake.fail_next(1, code="isv.BUSINESS_LIMIT_CONTROL")            # scripted business error
        fake.fail_next(1, code="Throttling.User", status=400)           # HTTP error
        fake.sent[0]                                                   # {"to", "template_code", "params", ...}
        fake.reply("13800000000", "发烧39度")                            # a SmsUp item (JSON array body)

They check what the SDKs send (action header, credentials in the Authorization header,
sign name, template code, parameters) and answer in the providers' JSON shapes.
"""
from __future__ import annotations

import json
import secrets
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SIGN_NAME = "研究门诊"


@dataclass(frozen=True)
class Failure:
    code: str
    status: int = 200
    message: str = "scripted failure"


class _FakeServer:
    """Threaded HTTP server on 127.0.0.1 (random port); subclasses answer `_answer`."""

    def __init__(self):
        self._lock = threading.Lock()
        self.sent: list[dict] = []
        self.requests: list[dict] = []
        self._failures: deque[Failure] = deque()
        self._number_failures: dict[str, Failure] = {}
        self._server = None
        self._thread = None

    def start(self):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, count: int, code: str, status: int = 200, message: str = "scripted failure") -> None:
        """Answer the next `count` sends with this error (HTTP `status`, provider `code`)."""
        with self._lock:
            self._failures.extend([Failure(code, status, message)] * count)

    def fail_number(self, number: str, code: str, status: int = 200) -> None:
        """Answer every send to `number` (as the provider sees it) with this error."""
        with self._lock:
            self._number_failures[number] = Failure(code, status)

    def _failure(self, number: str) -> Failure | None:
        with self._lock:
            if self._failures:
                return self._failures.popleft()
            return self._number_failures.get(number)

    def _record(self, entry: dict, sent: dict | None) -> None:
        with self._lock:
            self.requests.append(entry)
            if sent is not None:
                self.sent.append(sent)


class FakeAliyun(_FakeServer):
    """Dysmsapi: POST /?Action-free RPC query (x-acs-action: SendSms), JSON answers."""

    access_key_id = "LTAI-fake-key-id"
    access_key_secret = "fake-key-secret-0123456789"

    def config(self, templates_file) -> dict:
        return {"ALIYUN_ACCESS_KEY_ID": self.access_key_id, "ALIYUN_ACCESS_KEY_SECRET": self.access_key_secret,
                "ALIYUN_SMS_ENDPOINT": self.url, "SMS_SIGN_NAME": SIGN_NAME, "SMS_TEMPLATES_FILE": str(templates_file)}

    def _answer(self, headers, query: dict, body: bytes) -> tuple[int, dict]:
        authorized = f"Credential={self.access_key_id}," in (headers.get("Authorization") or "")
        action = headers.get("x-acs-action")
        entry = {"action": action, "authorized": authorized, "query": query}
        if action != "SendSms":
            self._record(entry, None)
            return 404, {"Code": "InvalidAction.NotFound", "Message": "unknown action", "RequestId": "r"}
        if not authorized:
            self._record(entry, None)
            return 404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found.",
                         "RequestId": "r"}
        failure = self._failure(query.get("PhoneNumbers", ""))
        if failure is not None:
            self._record(entry, None)
            return failure.status, {"Code": failure.code, "Message": failure.message, "RequestId": "r"}
        biz_id = f"{secrets.randbelow(10**15):015d}^0"
        sent = {"to": query.get("PhoneNumbers"), "sign_name": query.get("SignName"),
                "template_code": query.get("TemplateCode"), "params": json.loads(query.get("TemplateParam") or "{}"),
                "biz_id": biz_id}
        self._record(entry, sent)
        return 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "r"}

    # -- what Aliyun posts to us ---------------------------------------------------------
    @staticmethod
    def reply(phone_number: str, content: str, sequence_id: int | None = None,
              send_time: str = "2026-03-02 09:05:00") -> dict:
        """One SmsUp item (Aliyun posts a JSON array of these)."""
        return {"phone_number": phone_number, "send_time": send_time, "content": content, "sign_name": SIGN_NAME,
                "dest_code": "1234", "sequence_id": sequence_id if sequence_id is not None else secrets.randbelow(10**9)}

    @staticmethod
    def receipt(biz_id: str, phone_number: str, success: bool = True, err_code: str = "DELIVERED") -> dict:
        """One SmsReport item (a JSON array of these)."""
        return {"phone_number": phone_number, "send_time": "2026-03-02 09:00:00", "report_time": "2026-03-02 09:00:05",
                "success": success, "err_code": err_code, "err_msg": "用户接收成功" if success else "失败",
                "sms_size": "1", "biz_id": biz_id, "out_id": ""}


class FakeTencent(_FakeServer):
    """SendSms 2021-01-11: POST / with X-TC-Action and a JSON body; answers {"Response": ...}."""

    secret_id = "AKID-fake-secret-id"
    secret_key = "fake-secret-key-0123456789"
    sdk_app_id = "1400000001"

    def config(self, templates_file) -> dict:
        return {"TENCENT_SECRET_ID": self.secret_id, "TENCENT_SECRET_KEY": self.secret_key,
                "TENCENT_SMS_SDK_APP_ID": self.sdk_app_id, "TENCENT_SMS_ENDPOINT": self.url,
                "SMS_SIGN_NAME": SIGN_NAME, "SMS_TEMPLATES_FILE": str(templates_file)}

    def _answer(self, headers, query: dict, body: bytes) -> tuple[int, dict]:
        authorized = f"Credential={self.secret_id}/" in (headers.get("Authorization") or "")
        action = headers.get("X-TC-Action")
        data = json.loads(body or b"{}")
        entry = {"action": action, "authorized": authorized, "body": data}
        if action != "SendSms" or not authorized:
            self._record(entry, None)
            code = "InvalidAction" if action != "SendSms" else "AuthFailure.SecretIdNotFound"
            return 200, {"Response": {"Error": {"Code": code, "Message": "refused"}, "RequestId": "r"}}
        number = (data.get("PhoneNumberSet") or [""])[0]
        failure = self._failure(number)
        if failure is not None and failure.code.startswith(("RequestLimitExceeded", "InternalError", "AuthFailure")):
            self._record(entry, None)  # request-level errors: the SDK raises
            return failure.status, {"Response": {"Error": {"Code": failure.code, "Message": failure.message},
                                                 "RequestId": "r"}}
        serial = f"2433:{secrets.randbelow(10**12)}"
        status = {"SerialNo": serial if failure is None else "", "PhoneNumber": number, "Fee": 1, "SessionContext": "",
                  "Code": "Ok" if failure is None else failure.code,
                  "Message": "send success" if failure is None else failure.message, "IsoCode": "CN"}
        sent = None
        if failure is None:
            sent = {"to": number, "sign_name": data.get("SignName"), "template_code": data.get("TemplateId"),
                    "params": data.get("TemplateParamSet"), "sdk_app_id": data.get("SmsSdkAppId"), "serial": serial}
        self._record(entry, sent)
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": "r"}}

    # -- what Tencent posts to us ---------------------------------------------------------
    @staticmethod
    def reply(mobile: str, text: str, time: int = 1772413500) -> dict:
        """One reply (Tencent posts a single JSON object)."""
        return {"extend": "", "mobile": mobile, "nationcode": "86", "sign": SIGN_NAME, "text": text, "time": time}

    @staticmethod
    def receipt(sid: str, mobile: str, success: bool = True, errmsg: str = "DELIVRD") -> dict:
        """One status report (a JSON array of these)."""
        return {"user_receive_time": "2026-03-02 09:00:05", "nationcode": "86", "mobile": mobile,
                "report_status": "SUCCESS" if success else "FAIL", "errmsg": errmsg,
                "description": "用户短信送达成功" if success else "失败", "sid": sid}


def _handler_for(fake: _FakeServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = dict(parse_qsl(urlsplit(self.path).query))
            status, payload = fake._answer(self.headers, query, body)
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")  # Tencent's SDK compares it exactly
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler
