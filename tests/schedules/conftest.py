"""Fixtures of the schedule tests: the shipped protocol and its clinic calendar."""

from pathlib import Path

import pytest

from app.schedules.calendar import ClinicCalendar
from app.schedules.protocol import default_protocol
from tests.support.shared import require_shared


@pytest.fixture(scope="session")
def protocol():
    return default_protocol()


@pytest.fixture(scope="session")
def calendar(protocol):
    return ClinicCalendar.for_protocol(protocol)


@pytest.fixture(scope="session")
def shared_dir():
    """/work/shared beside the checkout (reference data is never copied into the repo)."""
    repo_root = Path(__file__).resolve().parents[2]
    shared = repo_root / ".." / "shared"
    require_shared(shared, "reference data directory")
    return shared
