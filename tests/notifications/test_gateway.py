import logging

import pytest

from app.notifications.gateways.console import ConsoleGateway
from app.notifications.gateways.base import (SendResult, check_send_arguments, classify_delivery_error,
                                       classify_error)
from app.notifications.gateways.registry import make_gateway
from app.notifications.gateways.twilio import TwilioGateway

TWILIO_CONFIG = {"SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
                 "TWILIO_AUTH_TOKEN": "token", "TWILIO_FROM_NUMBER": "+15005550006"}


@pytest.mark.parametrize("http_status, code, retryable, opted_out, unreachable", [
    (None, None, True, False, False),     # network error / timeout
    (429, 20429, True, False, False),     # throttled
    (500, None, True, False, False),
    (503, 503, True, False, False),
    (401, 20003, True, False, False),     # our credentials: wait for the operator
    (400, 21610, False, True, False),     # recipient unsubscribed
    (400, 21211, False, False, False),    # invalid number
    (400, 30003, False, False, True),     # unreachable handset
    (400, 30005, False, False, True),
    (400, 30006, False, False, True),
    (400, 21602, False, False, False),    # other 4xx: body required
    (404, 20404, False, False, False),
])
def test_classify_error(http_status, code, retryable, opted_out, unreachable):
    result = classify_error(http_status, code, "message")
    assert (result.status, result.retryable, result.opted_out, result.unreachable) == (
        "failed", retryable, opted_out, unreachable)
    assert (result.error_code, result.error_message, result.provider_sid) == (code, "message", None)


@pytest.mark.parametrize("code, expected", [
    (30003, {"opted_out": False, "unreachable": True}),
    (21610, {"opted_out": True, "unreachable": False}),
    (30007, {"opted_out": False, "unreachable": False}),
    (None, {"opted_out": False, "unreachable": False}),
])
def test_classify_delivery_error(code, expected):
    assert classify_delivery_error(code) == expected


@pytest.mark.parametrize("status, ok", [("queued", True), ("sent", True), ("failed", False)])
def test_send_result_ok(status, ok):
    assert SendResult("SM1", status).ok is ok


def test_send_result_rejects_unknown_status():
    with pytest.raises(ValueError):
        SendResult("SM1", "delivered")


@pytest.mark.parametrize("to, body", [
    ("8613800000000", "hi"), ("+86 138", "hi"), ("+", "hi"), (None, "hi"), ("+8613800000000", "  "),
    ("+8613800000000", None),
])
def test_check_send_arguments_rejects_programming_errors(to, body):
    with pytest.raises(ValueError):
        check_send_arguments(to, body)


@pytest.mark.parametrize("config, gateway_type", [
    ({}, ConsoleGateway),
    ({"SMS_BACKEND": "console"}, ConsoleGateway),
    ({"SMS_BACKEND": None}, ConsoleGateway),
    (TWILIO_CONFIG, TwilioGateway),
    ({**TWILIO_CONFIG, "SMS_BACKEND": "Twilio"}, TwilioGateway),
])
def test_make_gateway_picks_backend(config, gateway_type):
    assert isinstance(make_gateway(config), gateway_type)


@pytest.mark.parametrize("config", [
    {"SMS_BACKEND": "carrier-pigeon"},
    {**TWILIO_CONFIG, "TWILIO_AUTH_TOKEN": None},
    {**TWILIO_CONFIG, "TWILIO_FROM_NUMBER": None},
])
def test_make_gateway_rejects_bad_config(config):
    with pytest.raises(ValueError):
        make_gateway(config)


def test_messaging_service_alone_is_enough():
    config = {**TWILIO_CONFIG, "TWILIO_FROM_NUMBER": None, "TWILIO_MESSAGING_SERVICE_SID": "MG" + "2" * 32}
    assert isinstance(make_gateway(config), TwilioGateway)


def test_console_gateway_keeps_last_n_and_logs(caplog):
    gateway = ConsoleGateway(keep_last=2)
    with caplog.at_level(logging.INFO, logger="app.notifications.gateways.console"):
        results = [gateway.send("+861380000000" + str(i), f"body {i}") for i in range(3)]
    assert [m.body for m in gateway.messages] == ["body 1", "body 2"]
    assert all(r.status == "sent" and r.provider_sid.startswith("CONSOLE") for r in results)
    assert len({r.provider_sid for r in results}) == 3
    assert "…0002" in caplog.text and "+8613800000002" not in caplog.text  # number masked
    assert "body 2" not in caplog.text  # message bodies (PHI) never at INFO


def test_console_gateway_keeps_callback_and_clears():
    gateway = ConsoleGateway()
    gateway.send("+8613800000000", "hi", status_callback_url="https://example.org/sms/status")
    assert gateway.messages[0].status_callback_url == "https://example.org/sms/status"
    gateway.clear()
    assert gateway.messages == []
