"""RECIST 1.1 lesion data, baseline measurability rules and target sums.

Plain frozen dataclasses and pure functions: no database, no clock.

Measurement conventions (RECIST 1.1 section 3 and appendix):
- non-nodal target lesions are measured by their longest diameter, lymph nodes by
  their short axis, both in millimetres;
- ``diameter_mm=None`` means the lesion was not evaluated at that assessment;
- ``diameter_mm=0`` means the lesion has disappeared;
- ``too_small_to_measure=True`` means the radiologist sees the lesion but it is too
  small to measure: it counts 5 mm whatever ``diameter_mm`` holds (a caller that has
  no flag may equally record ``diameter_mm=5``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

MIN_NON_NODAL_MM = 10.0
MIN_NODE_SHORT_AXIS_MM = 15.0
NORMAL_NODE_SHORT_AXIS_MM = 10.0  # a node below this is normal again (CR allowed)
TOO_SMALL_TO_MEASURE_MM = 5.0
MAX_TARGET_LESIONS = 5
MAX_TARGETS_PER_ORGAN = 2
LIVER = "liver"

NON_TARGET_STATES = ("cr", "non_cr_non_pd", "pd", "ne", "none")


@dataclass(frozen=True)
class Lesion:
    """One target lesion as measured at one assessment."""

    lesion_id: str
    organ: str
    nodal: bool
    diameter_mm: float | None
    too_small_to_measure: bool = False

    @property
    def evaluated(self) -> bool:
        """True when the lesion was measured (or recorded as too small to measure)."""
        return self.too_small_to_measure or self.diameter_mm is not None

    @property
    def measured_mm(self) -> float | None:
        """The value that enters the sum; None when not evaluated."""
        if self.too_small_to_measure:
            return TOO_SMALL_TO_MEASURE_MM
        return None if self.diameter_mm is None else float(self.diameter_mm)


@dataclass(frozen=True)
class Assessment:
    """One imaging time point: target lesions, non-target status and new lesions.

    ``non_target`` is one of "cr", "non_cr_non_pd", "pd", "ne" or "none" (no
    non-target lesions were recorded at baseline).
    """

    date: date
    target_lesions: tuple[Lesion, ...] = ()
    non_target: str = "none"
    new_lesions: bool = False

    def __post_init__(self):
        if self.non_target not in NON_TARGET_STATES:
            raise ValueError(f"non_target must be one of {NON_TARGET_STATES}, got {self.non_target!r}")
        # Accept any iterable but store a tuple so the dataclass stays hashable.
        object.__setattr__(self, "target_lesions", tuple(self.target_lesions))


def validate_baseline(lesions) -> list[str]:
    """Return readable RECIST 1.1 rule violations for baseline target lesions ([] = valid).

    Each message starts with the rule it breaks so the API can name it in a 422.
    """
    lesions = tuple(lesions)
    problems = [msg for lesion in lesions for msg in _lesion_problems(lesion)]
    problems += _duplicate_id_problems(lesions)
    problems += _count_problems(lesions)
    return problems


def _lesion_problems(lesion: Lesion) -> list[str]:
    label = f"lesion {lesion.lesion_id!r}"
    if lesion.too_small_to_measure:
        return [f"measurable_disease: {label} is too small to measure and cannot be a baseline target"]
    if lesion.diameter_mm is None:
        return [f"baseline_measured: {label} must be measured at baseline"]
    if lesion.nodal and lesion.diameter_mm < MIN_NODE_SHORT_AXIS_MM:
        return [f"measurable_node: {label} short axis {lesion.diameter_mm:g} mm is below "
                f"{MIN_NODE_SHORT_AXIS_MM:g} mm"]
    if not lesion.nodal and lesion.diameter_mm < MIN_NON_NODAL_MM:
        return [f"measurable_lesion: {label} longest diameter {lesion.diameter_mm:g} mm is below "
                f"{MIN_NON_NODAL_MM:g} mm"]
    return []


def _duplicate_id_problems(lesions: tuple[Lesion, ...]) -> list[str]:
    counts = Counter(lesion.lesion_id for lesion in lesions)
    return [f"unique_lesion_id: lesion {lid!r} appears {n} times" for lid, n in counts.items() if n > 1]


def _count_problems(lesions: tuple[Lesion, ...]) -> list[str]:
    problems = []
    if len(lesions) > MAX_TARGET_LESIONS:
        problems.append(f"max_target_lesions: {len(lesions)} target lesions, at most {MAX_TARGET_LESIONS}")
    per_organ = Counter(_organ_key(lesion.organ) for lesion in lesions)
    for organ, n in sorted(per_organ.items()):
        if n > MAX_TARGETS_PER_ORGAN:
            problems.append(f"max_targets_per_organ: {n} target lesions in {organ}, "
                            f"at most {MAX_TARGETS_PER_ORGAN} per organ")
    return problems


def _organ_key(organ: str) -> str:
    return organ.strip().lower()


def is_liver(lesion: Lesion) -> bool:
    """True for a liver lesion (organ compared case-insensitively)."""
    return _organ_key(lesion.organ) == LIVER


def liver_lesions(lesions) -> tuple[Lesion, ...]:
    """The liver target lesions alone (for the liver-metastasis response)."""
    return tuple(lesion for lesion in lesions if is_liver(lesion))


def sum_of_diameters(lesions) -> float:
    """Sum of longest diameters and node short axes over the evaluated lesions."""
    return sum(lesion.measured_mm for lesion in lesions if lesion.evaluated)


def percent_change(value: float, reference: float) -> float | None:
    """Change from ``reference`` in percent; None when the reference is 0."""
    if reference == 0:
        return None
    return (value - reference) / reference * 100.0
