"""The real twilio client against the loopback fake: request shape, errors, keep-alive, threads."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.notifications.gateways.registry import make_gateway
from app.notifications.gateways.twilio import TwilioGateway, rebase_url
from tests.notifications.fake_twilio import FakeTwilio

TO = "+8613800000000"


@pytest.fixture
def gateway(fake_twilio):
    gateway = make_gateway({"SMS_BACKEND": "twilio", **fake_twilio.config()})
    yield gateway
    gateway.close()


@pytest.mark.parametrize("url, base, expected", [
    ("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", "http://127.0.0.1:8080",
     "http://127.0.0.1:8080/2010-04-01/Accounts/AC1/Messages.json"),
    ("https://api.twilio.com/2010-04-01/A.json?x=1", "http://fake:81/prefix/",
     "http://fake:81/prefix/2010-04-01/A.json?x=1"),
    ("https://api.sydney.au1.twilio.com/2010-04-01/A.json", "http://fake", "http://fake/2010-04-01/A.json"),
    ("https://example.org/other", "http://fake", "https://example.org/other"),
    ("https://api.twilio.com/2010-04-01/A.json", None, "https://api.twilio.com/2010-04-01/A.json"),
])
def test_rebase_url(url, base, expected):
    assert rebase_url(url, base) == expected


def test_send_goes_through_the_real_client(gateway, fake_twilio):
    result = gateway.send(TO, "你好 hello", status_callback_url="https://haic.example.org/sms/status")
    assert result.status == "queued" and result.ok and not result.retryable
    assert result.provider_sid.startswith("SM") and len(result.provider_sid) == 34
    [request] = fake_twilio.requests
    assert request.authorized and request.method == "POST"
    assert request.form == {"To": TO, "From": "+15005550006", "Body": "你好 hello",
                            "StatusCallback": "https://haic.example.org/sms/status"}
    assert fake_twilio.messages[0]["sid"] == result.provider_sid


def test_messaging_service_sid_replaces_from(fake_twilio):
    config = {**fake_twilio.config(), "TWILIO_FROM_NUMBER": None, "TWILIO_MESSAGING_SERVICE_SID": "MG" + "3" * 32}
    TwilioGateway.from_config(config).send(TO, "hi")
    assert fake_twilio.requests[0].form == {"To": TO, "Body": "hi", "MessagingServiceSid": "MG" + "3" * 32}


@pytest.mark.parametrize("status, code, retryable, opted_out, unreachable", [
    (429, 20429, True, False, False),
    (500, None, True, False, False),
    (503, None, True, False, False),
    (400, 21610, False, True, False),
    (400, 21211, False, False, False),
    (400, 30003, False, False, True),
    (400, 21617, False, False, False),
])
def test_provider_errors_are_classified_not_raised(gateway, fake_twilio, status, code, retryable,
                                                   opted_out, unreachable):
    fake_twilio.fail_next(1, status=status, code=code)
    result = gateway.send(TO, "hi")
    assert (result.status, result.retryable, result.opted_out, result.unreachable) == (
        "failed", retryable, opted_out, unreachable)
    assert result.error_code == (code if code is not None else status)
    assert gateway.send(TO, "hi").ok  # the failure was for the next request only


@pytest.mark.parametrize("status, code, retryable", [(400, 21211, False), (503, 50300, True)])
def test_rfc9457_problem_errors_are_classified(gateway, fake_twilio, status, code, retryable):
    fake_twilio.fail_next(1, status=status, code=code, message="Problem", problem_details=True)
    result = gateway.send(TO, "hi")
    assert (result.error_code, result.error_message, result.retryable) == (code, "Problem", retryable)


def test_failure_for_one_number(gateway, fake_twilio):
    fake_twilio.fail_number("+15005550001", status=400, code=21211)
    assert gateway.send("+15005550001", "hi").error_code == 21211
    assert gateway.send(TO, "hi").ok


def test_wrong_credentials_are_retryable(fake_twilio):
    config = {**fake_twilio.config(), "TWILIO_AUTH_TOKEN": "wrong"}
    result = TwilioGateway.from_config(config).send(TO, "hi")
    assert (result.error_code, result.retryable) == (20003, True)
    assert not fake_twilio.requests[0].authorized


def test_network_error_is_retryable():
    fake = FakeTwilio().start()
    config = fake.config()
    fake.stop()  # nobody listens on that port any more
    result = TwilioGateway.from_config(config).send(TO, "hi")
    assert (result.status, result.retryable, result.error_code) == ("failed", True, None)


def test_timeout_is_retryable():
    with FakeTwilio(latency_seconds=0.5) as fake:
        gateway = TwilioGateway(fake.account_sid, fake.auth_token, from_number="+15005550006",
                                api_base_url=fake.url, timeout=0.1)
        result = gateway.send(TO, "hi")
    assert (result.status, result.retryable) == ("failed", True)
    assert "Timeout" in result.error_message


def test_connection_is_kept_alive_across_sends(gateway, fake_twilio):
    for _ in range(5):
        gateway.send(TO, "hi")
    assert len({r.client_port for r in fake_twilio.requests}) == 1


def test_many_threads_share_one_gateway(gateway, fake_twilio):
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: gateway.send(TO, f"message {i}"), range(200)))
    assert all(r.ok for r in results)
    assert len({r.provider_sid for r in results}) == 200
    assert sorted(r.form["Body"] for r in fake_twilio.requests) == sorted(f"message {i}" for i in range(200))
    assert len({r.client_port for r in fake_twilio.requests}) <= 8  # one connection per thread


def test_programming_errors_still_raise(gateway, fake_twilio):
    with pytest.raises(ValueError):
        gateway.send("not a number", "hi")
    assert fake_twilio.requests == []
