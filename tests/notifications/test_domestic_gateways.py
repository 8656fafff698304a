"""The Aliyun and Tencent gateways through their real SDKs against loopback fakes."""
import pytest

from app.notifications.gateways.aliyun import AliyunGateway
from app.notifications.gateways.base import TemplateRef
from app.notifications.gateways.registry import make_gateway
from app.notifications.gateways.domestic import classify_receipt_error, e164_from_provider, national_number
from app.notifications.gateways.tencent import TencentGateway
from tests.notifications.domestic_support import write_codes_file
from tests.notifications.fake_domestic import SIGN_NAME, FakeAliyun, FakeTencent

TO = "+8613912345678"
REMINDER = TemplateRef("reminder_advance", "zh",
                       (("site", "研究门诊"), ("visit", "抽血检查"), ("date", "3月5日（周四）"), ("phone", "+861088196114")))


@pytest.fixture
def codes(tmp_path):
    path = tmp_path / "codes.yaml"
    return path, write_codes_file(path)


@pytest.fixture(params=["aliyun", "tencent"])
def provider(request, codes):
    fake = (FakeAliyun if request.param == "aliyun" else FakeTencent)().start()
    gateway = make_gateway({"SMS_BACKEND": request.param, **fake.config(codes[0])})
    yield request.param, fake, gateway, codes[1]
    fake.stop()


def test_sends_the_template_code_with_its_parameters_in_order(provider):
    name, fake, gateway, codes = provider
    result = gateway.send(TO, "rendered text, not sent", template=REMINDER)
    assert result.ok and result.status == "queued" and result.provider_sid
    [sent] = fake.sent
    entry = codes["reminder_advance"]
    assert sent["template_code"] == entry[name] and sent["sign_name"] == SIGN_NAME
    if name == "aliyun":
        assert sent["to"] == "13912345678"  # mainland numbers without +86
        assert sent["params"] == {"date": "3月5日（周四）", "visit": "抽血检查", "phone": "+861088196114"}
        assert result.provider_sid == sent["biz_id"]
    else:
        assert sent["to"] == TO and sent["sdk_app_id"] == FakeTencent.sdk_app_id
        assert sent["params"] == ["3月5日（周四）", "抽血检查", "+861088196114"]  # the file's params order
        assert result.provider_sid == sent["serial"]
    assert all(r["authorized"] for r in fake.requests)


def test_english_patient_gets_the_english_code(provider):
    name, fake, gateway, codes = provider
    template = TemplateRef("form_link", "en", (("site", "Study Clinic"), ("token", "abc123DEF456ghi7")))
    assert gateway.send(TO, "x", template=template).ok
    assert fake.sent[0]["template_code"] == codes["form_link.en"][name]


@pytest.mark.parametrize("case", ["throttled", "invalid_number", "blocked", "server_error", "bad_template_param"])
def test_provider_errors_are_classified(provider, case):
    name, fake, gateway, _ = provider
    scripted = {
        "aliyun": {"throttled": ("isv.BUSINESS_LIMIT_CONTROL", 200), "invalid_number": ("isv.MOBILE_NUMBER_ILLEGAL", 200),
                   "blocked": None, "server_error": ("ServiceUnavailable", 503),
                   "bad_template_param": ("isv.TEMPLATE_PARAMS_ILLEGAL", 200)},
        "tencent": {"throttled": ("LimitExceeded.PhoneNumberThirtySecondLimit", 200),
                    "invalid_number": ("InvalidParameterValue.IncorrectPhoneNumber", 200),
                    "blocked": ("FailedOperation.PhoneNumberInBlacklist", 200),
                    "server_error": ("InternalError.Timeout", 200),
                    "bad_template_param": ("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", 200)},
    }[name][case]
    if scripted is None:
        pytest.skip("Aliyun reports unsubscribed numbers in receipts, not at send time")
    fake.fail_next(1, code=scripted[0], status=scripted[1])
    result = gateway.send(TO, "x", template=REMINDER)
    assert not result.ok and result.error_code == scripted[0]
    expected = {"throttled": (True, False, False), "server_error": (True, False, False),
                "invalid_number": (False, False, True), "blocked": (False, True, False),
                "bad_template_param": (False, False, False)}[case]
    assert (result.retryable, result.opted_out, result.unreachable) == expected
    assert gateway.send(TO, "x", template=REMINDER).ok  # only the next request failed


def test_http_throttling_from_aliyun_is_retryable(codes):
    with FakeAliyun() as fake:
        gateway = AliyunGateway.from_config(fake.config(codes[0]))
        fake.fail_next(1, code="Throttling.User", status=400)
        result = gateway.send(TO, "x", template=REMINDER)
    assert (result.ok, result.retryable, result.error_code) == (False, True, "Throttling.User")


def test_request_level_throttling_from_tencent_is_retryable(codes):
    with FakeTencent() as fake:
        gateway = TencentGateway.from_config(fake.config(codes[0]))
        fake.fail_next(1, code="RequestLimitExceeded")
        result = gateway.send(TO, "x", template=REMINDER)
    assert (result.ok, result.retryable, result.error_code) == (False, True, "RequestLimitExceeded")


@pytest.mark.parametrize("gateway_class", [AliyunGateway, TencentGateway])
def test_no_server_is_a_retryable_network_failure(codes, gateway_class):
    fake = (FakeAliyun if gateway_class is AliyunGateway else FakeTencent)().start()
    config = fake.config(codes[0])
    fake.stop()  # nothing listens on that port any more
    result = gateway_class.from_config(config).send(TO, "x", template=REMINDER)
    assert not result.ok and result.retryable


def test_template_only_a_message_without_template_fails_without_retry(provider):
    _, fake, gateway, _ = provider
    result = gateway.send(TO, "plain text")
    assert not result.ok and not result.retryable and "template-only" in result.error_message
    assert fake.sent == []


def test_a_url_in_a_variable_is_refused_before_sending(provider):
    _, fake, gateway, _ = provider
    template = TemplateRef("form_link", "zh", (("site", "研究门诊"), ("token", "https://evil.example/x")))
    result = gateway.send(TO, "x", template=template)
    assert not result.ok and "URL" in result.error_message and fake.sent == []


def test_a_missing_template_code_is_a_start_time_error(tmp_path, codes):
    path, data = codes
    data["reminder_day_of"]["tencent"] = ""
    import yaml

    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with FakeTencent() as fake, pytest.raises(ValueError, match="reminder_day_of"):
        make_gateway({"SMS_BACKEND": "tencent", **fake.config(path)})


def test_missing_credentials_are_a_start_time_error(codes):
    with pytest.raises(ValueError, match="ALIYUN_ACCESS_KEY_ID"):
        make_gateway({"SMS_BACKEND": "aliyun", "SMS_SIGN_NAME": "x", "SMS_TEMPLATES_FILE": str(codes[0])})


@pytest.mark.parametrize("raw, country, expected", [
    ("13800000000", "86", "+8613800000000"), ("8613800000000", None, "+8613800000000"),
    ("+86 138 0000 0000", None, "+8613800000000"), ("13800000000", "", "+8613800000000"),
    ("91234567", "852", "+85291234567"),
])
def test_provider_numbers_become_e164(raw, country, expected):
    assert e164_from_provider(raw, country) == expected


def test_aliyun_gets_national_numbers_for_the_mainland_only():
    assert national_number("+8613800000000") == "13800000000"
    assert national_number("+85291234567") == "85291234567"


@pytest.mark.parametrize("code, flags", [
    ("MBBLACK", (True, False)), ("ma:0001", (True, False)), ("UNSUBSCRIBE", (True, False)),
    ("MK:0001", (False, True)), ("UNDELIV", (False, False)), (None, (False, False)),
])
def test_receipt_codes(code, flags):
    result = classify_receipt_error(code)
    assert (result["opted_out"], result["unreachable"]) == flags
