"""Locate the shared reference data beside the checkout (../shared), or skip."""

from pathlib import Path

import pytest
from tests.support.shared import require_shared

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT / ".." / "shared" / "data"


def _shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    require_shared(path)
    return path


@pytest.fixture(scope="session")
def shared_file():
    """Function: name -> path of a file in ../shared/data; skips the test when absent."""
    return _shared_file
