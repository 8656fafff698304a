"""Fixtures of the schedule tests: the shipped protocol and its clinic calendar."""

import pytest

from app.schedules.calendar import ClinicCalendar
from app.schedules.protocol import default_protocol


@pytest.fixture(scope="session")
def protocol():
    return default_protocol()


@pytest.fixture(scope="session")
def calendar(protocol):
    return ClinicCalendar.for_protocol(protocol)
