"""What the two mainland-China gateways share: template codes, numbers, error classes.

Domestic SMS is template-only: the provider sends a text it approved in advance, named by
a template code, with the message's variables as parameters, behind the approved signature
(签名). The codes come from SMS_TEMPLATES_FILE (YAML, API.md "Second wave"):

    reminder_advance_default: {aliyun: SMS_123456789, tencent: "1234567", params: [date, visit, arrival, phone]}
    reminder_advance_default.en: {...}      # optional; Chinese is used when absent

Error codes are the providers' own (strings), classified into the SendResult flags the
outbox acts on: invalid number (unreachable: the nurse checks the number), blocked or
unsubscribed (opted out), throttled and transient (retry), anything else (fail now).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from app.notifications.gateways.base import SendResult, TemplateRef
from app.notifications.sms_catalogue import provider_key

PROVIDERS = ("aliyun", "tencent")
# Both providers refuse longer variables in notification templates, and URLs in variables.
MAX_VARIABLE_CHARS = 35
_URL_MARKERS = ("http://", "https://", "www.")


class TemplateCodeError(ValueError):
    """SMS_TEMPLATES_FILE is missing, malformed or lacks a code (a start-time error)."""


@dataclass(frozen=True)
class Resolved:
    """A template ready for the provider: its code and its parameters in approved order."""

    code: str
    names: tuple[str, ...]
    values: tuple[str, ...]

    def as_dict(self) -> dict[str, str]:
        return dict(zip(self.names, self.values))


def load_template_codes(path: str | Path | None) -> dict[str, dict]:
    """Read SMS_TEMPLATES_FILE: key → {"aliyun", "tencent", "params"}; TemplateCodeError when unusable."""
    if not path:
        raise TemplateCodeError("SMS_TEMPLATES_FILE is not set: domestic SMS needs approved template codes")
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise TemplateCodeError(f"SMS_TEMPLATES_FILE {path}: cannot be read ({error})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise TemplateCodeError(f"SMS_TEMPLATES_FILE {path}: expected {{template_name: {{aliyun, tencent, params}}}}")
    return data


def missing_codes(codes: Mapping[str, dict], provider: str, required: Iterable[str]) -> list[str]:
    """The template keys in `required` with no code for `provider` (empty when complete)."""
    return [key for key in required if not str((codes.get(key) or {}).get(provider) or "").strip()]


def resolve(codes: Mapping[str, dict], provider: str, template: TemplateRef | None) -> Resolved:
    """The provider code and ordered parameters for `template`; ValueError when it cannot be sent.

    The language-specific key ("name.en") wins; the Chinese one ("name") is the fallback.
    Parameters follow the file's `params` order; each must be declared on the message,
    at most MAX_VARIABLE_CHARS long and not a URL.
    """
    if template is None:
        raise ValueError("domestic SMS is template-only: this message has no template")
    entry = codes.get(provider_key(template.name, template.language)) or codes.get(template.name) or {}
    code = str(entry.get(provider) or "").strip()
    if not code:
        raise ValueError(f"no {provider} template code for {template.name!r} in SMS_TEMPLATES_FILE")
    given = template.as_dict()
    names = tuple(entry.get("params") or ())
    missing = [name for name in names if name not in given]
    if missing:
        raise ValueError(f"template {template.name!r} needs {', '.join(missing)}")
    values = tuple(str(given[name]) for name in names)
    for name, value in zip(names, values):
        if len(value) > MAX_VARIABLE_CHARS:
            raise ValueError(f"variable {name!r} of {template.name!r} is longer than {MAX_VARIABLE_CHARS} characters")
        if any(marker in value.casefold() for marker in _URL_MARKERS):
            raise ValueError(f"variable {name!r} of {template.name!r} is a URL; the base URL belongs in the template")
    return Resolved(code, names, values)


def national_number(to_e164: str) -> str:
    """Aliyun's PhoneNumbers: 11 digits for mainland numbers, country code + number otherwise."""
    return to_e164[3:] if to_e164.startswith("+86") else to_e164.lstrip("+")


def e164_from_provider(number: str, country_code: str | None = "86") -> str:
    """A provider's number ("13800000000", "8613800000000", "+86 138…") as E.164."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    if str(number or "").strip().startswith("+"):
        return "+" + digits
    country = "".join(ch for ch in str(country_code or "86") if ch.isdigit()) or "86"
    if digits.startswith(country) and len(digits) > 11:
        return "+" + digits
    return f"+{country}{digits}"


def failed(code: str | None, message: str | None, *, retryable=False, opted_out=False,
           unreachable=False) -> SendResult:
    """A failed SendResult carrying the provider's own (string) error code."""
    return SendResult(None, "failed", code, message, retryable, opted_out, unreachable)


# -- Aliyun (Dysmsapi SendSms `Code`; HTTP errors raise with the same kind of code) -----------
ALIYUN_INVALID_NUMBER = frozenset({"isv.MOBILE_NUMBER_ILLEGAL", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED"})
# Aliyun reports a number that unsubscribed (replied TD) in the delivery receipt, not at
# SendSms time: see RECEIPT_OPTED_OUT. Kept as a set so an operator can add codes.
ALIYUN_OPTED_OUT: frozenset = frozenset()
ALIYUN_THROTTLED = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "Throttling.User",
                              "Throttling", "Throttling.Api", "BUSINESS_LIMIT_CONTROL_MINUTE",
                              "isv.BUSINESS_LIMIT_HOUR", "isv.BUSINESS_LIMIT_DAY"})
# Transient, or our configuration (balance, keys): the message waits for the operator.
ALIYUN_RETRYABLE = frozenset({"isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "isp.UNKNOWN", "ServiceUnavailable",
                              "InternalError", "isv.AMOUNT_NOT_ENOUGH", "isv.OUT_OF_SERVICE",
                              "SignatureDoesNotMatch", "InvalidAccessKeyId.NotFound", "isp.RAM_PERMISSION_DENY"})


def classify_aliyun(code: str | None, message: str | None, http_status: int | None = 200) -> SendResult:
    """A failed SendResult for an Aliyun error `code` (HTTP `http_status`, None = no answer)."""
    if http_status is None or http_status >= 500 or code in ALIYUN_THROTTLED or code in ALIYUN_RETRYABLE:
        return failed(code, message, retryable=True)
    if code in ALIYUN_OPTED_OUT:
        return failed(code, message, opted_out=True)
    if code in ALIYUN_INVALID_NUMBER:
        return failed(code, message, unreachable=True)
    return failed(code, message)


# -- Tencent (SendStatusSet[].Code, or Response.Error.Code raised by the SDK) ---------------------
TENCENT_INVALID_NUMBER = frozenset({"InvalidParameterValue.IncorrectPhoneNumber",
                                    "UnsupportedOperation.UnsupportedRegion"})
TENCENT_OPTED_OUT = frozenset({"FailedOperation.PhoneNumberInBlacklist", "FailedOperation.PhoneNumberOnBlacklist"})
TENCENT_RETRYABLE_PREFIXES = ("LimitExceeded", "RequestLimitExceeded", "InternalError", "ClientNetworkError",
                              "ServerNetworkError", "AuthFailure", "FailedOperation.InsufficientBalanceInSmsPackage",
                              "ResourceUnavailable", "ServiceUnavailable")


def classify_tencent(code: str | None, message: str | None) -> SendResult:
    """A failed SendResult for a Tencent error `code` (throttling is LimitExceeded.*)."""
    code_text = code or ""
    if not code_text or code_text.startswith(TENCENT_RETRYABLE_PREFIXES):
        return failed(code, message, retryable=True)
    if code_text in TENCENT_OPTED_OUT:
        return failed(code, message, opted_out=True)
    if code_text in TENCENT_INVALID_NUMBER:
        return failed(code, message, unreachable=True)
    return failed(code, message)


# -- Delivery receipts: carrier status codes, the same vocabulary for both providers ---------------
# Carriers report an unsubscribed or blacklisted number with codes such as these (gateway
# blacklists BLACK/BLOCKED/PUBLOKD, MA:0001 global blacklist, MA:0023 customer blacklist,
# HD:0001 China Mobile blacklist, DB:0141 blacklist); extend when the provider reports others.
RECEIPT_OPTED_OUT = frozenset({"UNSUBSCRIBE", "UNSUBSCRIBED", "BLACK", "BLOCKED", "PUBLOKD", "MBBLACK", "MA:0001",
                               "MA:0023", "HD:0001", "DB:0141", "TD"})
# Empty, suspended or unknown numbers.
RECEIPT_UNREACHABLE = frozenset({"MK:0001", "MK:0012", "MN:0001", "MN:0017", "EMPTY", "PHONEERR", "MA:0005",
                                 "MA:0021"})


def classify_receipt_error(error_code: str | None) -> dict[str, bool]:
    """Flags implied by a domestic receipt's carrier code (failed deliveries only)."""
    code = (error_code or "").strip().upper()
    return {"opted_out": code in RECEIPT_OPTED_OUT, "unreachable": code in RECEIPT_UNREACHABLE}
