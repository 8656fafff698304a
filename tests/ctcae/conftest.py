"""Locate the shared reference data beside the checkout (../shared), or skip."""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT / ".." / "shared" / "data"


def _shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"shared reference data not found at {path.resolve()} (checkout without ../shared)")
    return path


@pytest.fixture(scope="session")
def shared_file():
    """Function: name -> path of a file in ../shared/data; skips the test when absent."""
    return _shared_file
