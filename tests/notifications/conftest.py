"""Fixtures for the SMS tests; other directories can copy the one-liner below."""
import pytest

from tests.notifications.fake_twilio import fake_twilio_fixture

fake_twilio = pytest.fixture(fake_twilio_fixture)
