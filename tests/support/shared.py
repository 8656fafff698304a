"""Reference data in ../shared beside the checkout (never copied into the repo).

A local checkout without it skips the tests that need it; in CI (env CI set) a missing file
is a failure, so the suite cannot go green by skipping them.
"""
import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def require_shared(path: Path, what: str = "reference data") -> Path:
    """`path` when it exists; otherwise skip the test, or fail it when CI is set."""
    if path.exists():
        return path
    message = f"{what} not found at {path.resolve()} (../shared beside the checkout)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must provide it")
    pytest.skip(message)
