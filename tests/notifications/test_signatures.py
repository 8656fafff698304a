import pytest
from werkzeug.datastructures import MultiDict

from app.notifications.signatures import compute_twilio_signature, public_url, verify_twilio_signature

TOKEN = "12345"
PARAMS = {"MessageSid": "SM" + "a" * 32, "From": "+8613800000000", "Body": "STOP"}
# Twilio's documented example (twilio.com/docs/usage/security): URL, params and signature.
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234",
              "From": "+12349013030", "To": "+18005551212"}


def test_matches_twilios_published_example():
    assert compute_twilio_signature(TOKEN, DOC_URL, DOC_PARAMS) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert verify_twilio_signature(TOKEN, "https://mycompany.com", "/myapp.php?foo=1&bar=2", DOC_PARAMS,
                                   "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


@pytest.mark.parametrize("base, path, expected", [
    ("https://haic.example.org", "/sms/inbound", "https://haic.example.org/sms/inbound"),
    ("https://haic.example.org/", "sms/inbound", "https://haic.example.org/sms/inbound"),
    ("https://example.org/haic/", "/sms/status?x=1", "https://example.org/haic/sms/status?x=1"),
])
def test_public_url(base, path, expected):
    assert public_url(base, path) == expected


def _signed(url=f"https://haic.example.org/sms/inbound", params=PARAMS, token=TOKEN):
    return compute_twilio_signature(token, url, params)


@pytest.mark.parametrize("token, base, path, params, signature, valid", [
    (TOKEN, "https://haic.example.org", "/sms/inbound", PARAMS, _signed(), True),
    # behind the proxy the app sees http://10.0.0.5:8000, but checks the public URL
    (TOKEN, "https://haic.example.org/", "/sms/inbound", MultiDict(PARAMS), _signed(), True),
    (TOKEN, "https://haic.example.org:443", "/sms/inbound", PARAMS, _signed(), True),
    (TOKEN, "http://10.0.0.5:8000", "/sms/inbound", PARAMS, _signed(), False),       # wrong URL
    (TOKEN, "https://haic.example.org", "/sms/status", PARAMS, _signed(), False),     # wrong path
    (TOKEN, "https://haic.example.org", "/sms/inbound", {**PARAMS, "Body": "START"}, _signed(), False),
    (TOKEN, "https://haic.example.org", "/sms/inbound", PARAMS, _signed(token="other"), False),  # forged
    (TOKEN, "https://haic.example.org", "/sms/inbound", PARAMS, "", False),
    (TOKEN, "https://haic.example.org", "/sms/inbound", PARAMS, None, False),
    ("", "https://haic.example.org", "/sms/inbound", PARAMS, _signed(token=""), False),   # unset token
])
def test_verify_twilio_signature(token, base, path, params, signature, valid):
    assert verify_twilio_signature(token, base, path, params, signature) is valid


def test_repeated_form_values_all_count():
    multi = MultiDict([("MediaUrl", "b"), ("MediaUrl", "a"), ("Body", "x")])
    url = "https://haic.example.org/sms/inbound"
    signature = compute_twilio_signature(TOKEN, url, {"MediaUrl": ["a", "b"], "Body": "x"})
    assert verify_twilio_signature(TOKEN, "https://haic.example.org", "/sms/inbound", multi, signature)
    assert not verify_twilio_signature(TOKEN, "https://haic.example.org", "/sms/inbound",
                                       {"MediaUrl": "a", "Body": "x"}, signature)
