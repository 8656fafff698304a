"""The pre-cycle rule of a protocol version, read once from its YAML (`labs.pre_cycle`)."""
from functools import lru_cache

import yaml

from app.visits.readiness import PreCycleRule, parse_rule
from app.schedules.protocol import PROTOCOLS_DIR, ProtocolError


@lru_cache(maxsize=16)
def pre_cycle_rule(version: str) -> PreCycleRule:
    """The HAIC go/no-go limits of protocol `version` (e.g. "NCT06184841-v1"); ProtocolError
    when the file or its `labs.pre_cycle` section is missing or malformed."""
    path = PROTOCOLS_DIR / f"{version.lower().replace('-', '_')}.yaml"
    if not path.is_file():
        raise ProtocolError(f"unknown protocol version {version!r}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = (data.get("labs") or {}).get("pre_cycle")
    if not isinstance(section, dict):
        raise ProtocolError(f"{path.name}: labs.pre_cycle: missing")
    return parse_rule(section)
