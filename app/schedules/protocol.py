"""A trial protocol's schedule as versioned data: YAML files in `protocols/` -> frozen dataclasses.

An amendment is a new file with a new `version`; the engine never hard-codes a visit.
"""

import functools
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from app.schedules import protocol_fields as f
from app.schedules.protocol_fields import ProtocolError

PROTOCOLS_DIR = Path(__file__).resolve().parent / "protocols"
DEFAULT_VERSION = "NCT06184841-v1"
DOSE_RULE_TYPES = ("flat", "weight_tiered")
DRUG_KINDS = ("haic", "sintilimab")


@dataclass(frozen=True)
class Window:
    """How many days before and after its target a visit may take place."""

    before: int
    after: int


@dataclass(frozen=True)
class DoseRule:
    """A dose as data: flat, or mg/kg below a weight threshold and flat above it."""

    rule_id: str
    type: str
    dose_mg: float | None = None
    threshold_kg: float | None = None
    below_mg_per_kg: float | None = None


@dataclass(frozen=True)
class Drug:
    """A treatment given on D1 of cycles first_cycle..last_cycle (None: every cycle)."""

    kind: str
    first_cycle: int
    last_cycle: int | None
    dose_rule: str | None

    def given_in(self, cycle: int) -> bool:
        """Whether this drug is due on D1 of `cycle`."""
        return cycle >= self.first_cycle and (self.last_cycle is None or cycle <= self.last_cycle)


@dataclass(frozen=True)
class Treatment:
    cycle_length_days: int
    max_months: int
    d1_window: Window
    min_dose_interval_days: int
    drugs: tuple[Drug, ...]


@dataclass(frozen=True)
class PeriodicPanel:
    panel: str
    every_n_cycles: int
    first_cycle: int

    def due_in(self, cycle: int) -> bool:
        """Whether this panel is drawn with the labs of `cycle`."""
        return cycle >= self.first_cycle and (cycle - self.first_cycle) % self.every_n_cycles == 0


@dataclass(frozen=True)
class Labs:
    offset_days: int  # relative to the cycle's booked D1
    window: Window
    panels: tuple[str, ...]
    periodic_panels: tuple[PeriodicPanel, ...]

    def panels_for(self, cycle: int) -> tuple[str, ...]:
        """The panels drawn before D1 of `cycle`."""
        extra = tuple(p.panel for p in self.periodic_panels if p.due_in(cycle))
        return self.panels + extra


@dataclass(frozen=True)
class ImagingPhase:
    every_weeks: int
    window: Window
    until_week: int | None  # None: until the horizon


@dataclass(frozen=True)
class Imaging:
    baseline_offset_days: int
    baseline_window: Window
    phases: tuple[ImagingPhase, ...]


@dataclass(frozen=True)
class ResponseRules:
    """RECIST 1.1 parameters of this single-arm trial (PROTOCOL.md "Tumour response")."""

    confirm_days: int = 28  # CR/PR confirmed by a scan at least this many days later
    sd_min_day: int = 36  # SD counts from this study day (day 1 = C1D1): 6 weeks - 7-day window


@dataclass(frozen=True)
class SafetyVisit:
    code: str
    days_after_last_dose: int
    window: Window


@dataclass(frozen=True)
class Survival:
    every_weeks: int
    window: Window


@dataclass(frozen=True)
class Clinic:
    country: str
    open_weekdays: frozenset[int]
    daily_capacity: Mapping[str, int]


@dataclass(frozen=True)
class Protocol:
    """One version of the trial's schedule."""

    version: str
    registry_id: str
    title: str
    horizon_months: int
    clinic: Clinic
    treatment: Treatment
    dose_rules: Mapping[str, DoseRule]
    labs: Labs
    imaging: Imaging
    safety_follow_up: tuple[SafetyVisit, ...]
    survival: Survival
    response: ResponseRules = ResponseRules()


def available_versions() -> list[str]:
    """The versions shipped in `protocols/`, sorted (files without a version are skipped)."""
    documents = (_read_yaml(path) for path in PROTOCOLS_DIR.glob("*.yaml"))
    return sorted(str(doc["version"]) for doc in documents
                  if isinstance(doc, dict) and "version" in doc)


@functools.lru_cache(maxsize=16)
def protocol_named(version: str) -> "Protocol":
    """The protocol `version`, parsed once per process (files are immutable per version)."""
    return load_protocol(version)


def load_protocol(version: str) -> Protocol:
    """Load and validate the protocol `version` (e.g. "NCT06184841-v1")."""
    path = PROTOCOLS_DIR / f"{version.lower().replace('-', '_')}.yaml"
    if not path.is_file():
        raise ProtocolError(f"unknown protocol version {version!r} (known: {available_versions()})")
    protocol = load_protocol_file(path)
    if protocol.version != version:
        raise ProtocolError(f"{path.name}: declares version {protocol.version!r}, not {version!r}")
    return protocol


def default_protocol() -> Protocol:
    """The protocol version new patients are enrolled on."""
    return load_protocol(DEFAULT_VERSION)


def load_protocol_file(path: Path) -> Protocol:
    """Load and validate one protocol file; ProtocolError names the file and the field."""
    try:
        return parse_protocol(_read_yaml(path))
    except ProtocolError as error:
        raise ProtocolError(f"{Path(path).name}: {error}") from None


def parse_protocol(data: Any) -> Protocol:
    """Validate a parsed YAML document and build the Protocol."""
    dose_rules = _dose_rules(f.section(data, "dose_rules"))
    treatment = _treatment(f.section(data, "treatment"), "treatment", dose_rules)
    return Protocol(
        version=f.text(data, "version"),
        registry_id=f.text(data, "registry_id"),
        title=f.text(data, "title"),
        horizon_months=f.integer(data, "horizon_months", minimum=1),
        clinic=_clinic(f.section(data, "clinic"), "clinic"),
        treatment=treatment,
        dose_rules=dose_rules,
        labs=_labs(f.section(data, "labs"), "labs"),
        imaging=_imaging(f.section(data, "imaging"), "imaging"),
        safety_follow_up=_safety(f.items(data, "safety_follow_up")),
        survival=_survival(f.section(data, "survival_follow_up"), "survival_follow_up"),
        response=_response(data.get("response") or {}, "response"),
    )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ProtocolError(f"{Path(path).name}: not valid YAML ({error})") from None


def _window(data: Any, key: str, path: str) -> Window:
    where = f"{path}.{key}"
    raw = f.section(data, key, path)
    return Window(f.integer(raw, "before", where, 0), f.integer(raw, "after", where, 0))


def _clinic(data: Mapping, path: str) -> Clinic:
    capacity = f.section(data, "daily_capacity", path)
    where = f"{path}.daily_capacity"
    return Clinic(
        country=f.text(data, "country", path),
        open_weekdays=f.weekdays(data, "open_weekdays", path),
        daily_capacity=MappingProxyType({k: f.integer(capacity, k, where, 1) for k in capacity}),
    )


def _treatment(data: Mapping, path: str, dose_rules: Mapping[str, DoseRule]) -> Treatment:
    drugs = tuple(_drug(raw, f"{path}.drugs[{i}]", dose_rules)
                  for i, raw in enumerate(f.items(data, "drugs", path)))
    return Treatment(
        cycle_length_days=f.integer(data, "cycle_length_days", path, 1),
        max_months=f.integer(data, "max_months", path, 1),
        d1_window=_window(data, "d1_window", path),
        min_dose_interval_days=f.integer(data, "min_dose_interval_days", path, 1),
        drugs=drugs,
    )


def _drug(data: Any, path: str, dose_rules: Mapping[str, DoseRule]) -> Drug:
    kind = f.text(data, "kind", path)
    if kind not in DRUG_KINDS:
        raise ProtocolError(f"{path}.kind: expected one of {DRUG_KINDS}, got {kind!r}")
    drug = Drug(kind, f.integer(data, "first_cycle", path, 1),
                f.optional_integer(data, "last_cycle", path, 1),
                f.optional_text(data, "dose_rule", path))
    if drug.last_cycle is not None and drug.last_cycle < drug.first_cycle:
        raise ProtocolError(f"{path}.last_cycle: before first_cycle {drug.first_cycle}")
    if drug.dose_rule is not None and drug.dose_rule not in dose_rules:
        raise ProtocolError(f"{path}.dose_rule: {drug.dose_rule!r} is not in dose_rules")
    return drug


def _dose_rules(data: Mapping) -> Mapping[str, DoseRule]:
    return MappingProxyType({rule_id: _dose_rule(rule_id, raw) for rule_id, raw in data.items()})


def _dose_rule(rule_id: str, data: Any) -> DoseRule:
    path = f"dose_rules.{rule_id}"
    rule_type = f.text(data, "type", path)
    if rule_type == "flat":
        return DoseRule(rule_id, rule_type, dose_mg=f.number(data, "dose_mg", path))
    if rule_type == "weight_tiered":
        return DoseRule(rule_id, rule_type, dose_mg=f.number(data, "at_or_above_mg", path),
                        threshold_kg=f.number(data, "threshold_kg", path),
                        below_mg_per_kg=f.number(data, "below_mg_per_kg", path))
    raise ProtocolError(f"{path}.type: expected one of {DOSE_RULE_TYPES}, got {rule_type!r}")


def _labs(data: Mapping, path: str) -> Labs:
    periodic = tuple(
        PeriodicPanel(f.text(raw, "panel", f"{path}.periodic_panels[{i}]"),
                      f.integer(raw, "every_n_cycles", f"{path}.periodic_panels[{i}]", 1),
                      f.integer(raw, "first_cycle", f"{path}.periodic_panels[{i}]", 1))
        for i, raw in enumerate(_optional_list(data, "periodic_panels", path))
    )
    panels = tuple(str(panel) for panel in f.items(data, "panels", path))
    return Labs(f.integer(data, "offset_days", path), _window(data, "window", path), panels,
                periodic)


def _optional_list(data: Mapping, key: str, path: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ProtocolError(f"{path}.{key}: expected a list, got {value!r}")
    return value


def _imaging(data: Mapping, path: str) -> Imaging:
    baseline = f.section(data, "baseline", path)
    phases = tuple(_imaging_phase(raw, f"{path}.phases[{i}]")
                   for i, raw in enumerate(f.items(data, "phases", path)))
    if any(phase.until_week is None for phase in phases[:-1]):
        raise ProtocolError(f"{path}.phases: only the last phase may run until the horizon")
    return Imaging(f.integer(baseline, "offset_days", f"{path}.baseline"),
                   _window(baseline, "window", f"{path}.baseline"), phases)


def _imaging_phase(data: Any, path: str) -> ImagingPhase:
    return ImagingPhase(f.integer(data, "every_weeks", path, 1), _window(data, "window", path),
                        f.optional_integer(data, "until_week", path, 1))


def _safety(raw_visits: list) -> tuple[SafetyVisit, ...]:
    visits = tuple(
        SafetyVisit(f.text(raw, "code", f"safety_follow_up[{i}]"),
                    f.integer(raw, "days_after_last_dose", f"safety_follow_up[{i}]", 1),
                    _window(raw, "window", f"safety_follow_up[{i}]"))
        for i, raw in enumerate(raw_visits)
    )
    codes = [visit.code for visit in visits]
    if len(set(codes)) != len(codes):
        raise ProtocolError(f"safety_follow_up: visit codes must be unique, got {codes}")
    return visits


def _response(data: Mapping, path: str) -> ResponseRules:
    """The optional ``response`` section; missing keys take the PROTOCOL.md defaults."""
    defaults = ResponseRules()
    confirm = f.optional_integer(data, "confirm_days", path, 1) if "confirm_days" in data else None
    sd_min_day = f.optional_integer(data, "sd_min_day", path, 1) if "sd_min_day" in data else None
    return ResponseRules(defaults.confirm_days if confirm is None else confirm,
                         defaults.sd_min_day if sd_min_day is None else sd_min_day)


def _survival(data: Mapping, path: str) -> Survival:
    return Survival(f.integer(data, "every_weeks", path, 1), _window(data, "window", path))
