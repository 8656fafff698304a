"""Typed reads from a parsed protocol YAML document, with errors that name the field.

Every reader takes the mapping, the key and the dotted path of the mapping, so an error
reads like `treatment.d1_window.after: expected an integer >= 0, got 'x'`.
"""

from collections.abc import Mapping
from typing import Any

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ProtocolError(ValueError):
    """A protocol file that cannot be used: missing, malformed or inconsistent."""


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def section(data: Any, key: str, path: str = "") -> Mapping:
    """The mapping stored at `key`."""
    value = required(data, key, path)
    if not isinstance(value, Mapping):
        raise ProtocolError(f"{_where(path, key)}: expected a mapping, got {value!r}")
    return value


def required(data: Any, key: str, path: str = "") -> Any:
    """The value at `key`; a clear error when the key is absent."""
    if not isinstance(data, Mapping):
        raise ProtocolError(f"{path or 'file'}: expected a mapping, got {data!r}")
    if key not in data:
        raise ProtocolError(f"{_where(path, key)}: missing")
    return data[key]


def integer(data: Any, key: str, path: str = "", minimum: int | None = None) -> int:
    """An integer (never a bool) at `key`, at least `minimum` when given."""
    value = required(data, key, path)
    if not isinstance(value, int) or isinstance(value, bool) or (
        minimum is not None and value < minimum
    ):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise ProtocolError(f"{_where(path, key)}: expected an integer{bound}, got {value!r}")
    return value


def optional_integer(data: Any, key: str, path: str = "", minimum: int | None = None) -> int | None:
    """An integer at `key`, or None when the value is null."""
    if required(data, key, path) is None:
        return None
    return integer(data, key, path, minimum)


def number(data: Any, key: str, path: str = "") -> float:
    """A positive number at `key`."""
    value = required(data, key, path)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ProtocolError(f"{_where(path, key)}: expected a positive number, got {value!r}")
    return float(value)


def text(data: Any, key: str, path: str = "") -> str:
    """A non-empty string at `key`."""
    value = required(data, key, path)
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError(f"{_where(path, key)}: expected a non-empty string, got {value!r}")
    return value


def optional_text(data: Any, key: str, path: str = "") -> str | None:
    """A string at `key`, or None when the value is null."""
    return None if required(data, key, path) is None else text(data, key, path)


def items(data: Any, key: str, path: str = "") -> list:
    """A non-empty list at `key`."""
    value = required(data, key, path)
    if not isinstance(value, list) or not value:
        raise ProtocolError(f"{_where(path, key)}: expected a non-empty list, got {value!r}")
    return value


def weekdays(data: Any, key: str, path: str = "") -> frozenset[int]:
    """Weekday names (`mon`..`sun`) as `date.weekday()` numbers."""
    names = items(data, key, path)
    unknown = [name for name in names if name not in WEEKDAY_NAMES]
    if unknown:
        raise ProtocolError(f"{_where(path, key)}: unknown weekday(s) {unknown}")
    return frozenset(WEEKDAY_NAMES.index(name) for name in names)
