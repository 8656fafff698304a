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
LYMPH_NODE = "lymph_node"
EXTRAHEPATIC = "extrahepatic"

NON_TARGET_STATES = ("cr", "non_cr_non_pd", "pd", "ne", "none")
# PROTOCOL.md "Tumour response": organs are a controlled vocabulary (API.md, second wave).
ORGANS = (LIVER, LYMPH_NODE, "lung", "bone", "adrenal", "peritoneum", "esophagus", "other")
NEW_LESION_SITES = (LIVER, EXTRAHEPATIC)
# Common spellings -> organ, tried in order on the lower-cased text (first hit wins). Nodes
# come first: "hepatic hilar lymph node" is a node, not the liver.
_ORGAN_SPELLINGS = (
    (LYMPH_NODE, ("lymph", "node", "nodal", "淋巴")),
    (LIVER, ("liver", "hepat", "肝")),
    ("lung", ("lung", "pulmon", "肺")),
    ("adrenal", ("adrenal", "肾上腺")),
    ("bone", ("bone", "osseous", "vertebra", "骨")),
    ("peritoneum", ("periton", "omentum", "腹膜")),
    ("esophagus", ("esophag", "oesophag", "食管")),
    # Organs outside the list are "other" (RECIST counts them as organs all the same).
    ("other", ("other", "spleen", "kidney", "renal", "pancrea", "pleura", "brain", "skin", "soft tissue",
               "muscle", "stomach", "gastric", "colon", "bowel", "intestin", "ovar", "thyroid", "breast",
               "chest wall", "abdominal wall", "subcutaneous", "pericard", "mediastin", "其他")),
)


def normalise_organ(text: str) -> str | None:
    """The controlled organ name for ``text`` ("Liver segment VII" -> "liver"); None if unknown.

    Exact vocabulary names ("lymph_node") pass unchanged; otherwise the first spelling of
    ``_ORGAN_SPELLINGS`` found in the text decides. Source: PROTOCOL.md "Tumour response".
    """
    key = " ".join(str(text).strip().lower().replace("_", " ").replace("-", " ").split())
    if key.replace(" ", "_") in ORGANS:
        return key.replace(" ", "_")
    for organ, spellings in _ORGAN_SPELLINGS:
        if any(spelling in key for spelling in spellings):
            return organ
    return None


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
    # Where the new lesions are ("liver", "extrahepatic"); empty with new_lesions = unknown,
    # read as possibly in the liver. ``non_target_liver``: the liver's own non-target state
    # (None = not recorded apart: the overall ``non_target`` stands in, the cautious reading).
    new_lesion_sites: tuple[str, ...] = ()
    non_target_liver: str | None = None

    def __post_init__(self):
        if self.non_target not in NON_TARGET_STATES:
            raise ValueError(f"non_target must be one of {NON_TARGET_STATES}, got {self.non_target!r}")
        if self.non_target_liver is not None and self.non_target_liver not in NON_TARGET_STATES:
            raise ValueError(f"non_target_liver must be one of {NON_TARGET_STATES}, got {self.non_target_liver!r}")
        # Accept any iterable but store a tuple so the dataclass stays hashable.
        object.__setattr__(self, "target_lesions", tuple(self.target_lesions))
        object.__setattr__(self, "new_lesion_sites", tuple(self.new_lesion_sites))

    @property
    def new_liver_lesions(self) -> bool:
        """True when a new lesion is in the liver (or its site was not recorded)."""
        return new_liver_lesions(self.new_lesions, self.new_lesion_sites)


def new_liver_lesions(new_lesions: bool, sites) -> bool:
    """A new lesion counts for the liver response when it is in the liver or its site is unknown."""
    return bool(new_lesions) and (not sites or LIVER in sites)


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
    per_organ = Counter(organ_key(lesion) for lesion in lesions)
    for organ, n in sorted(per_organ.items()):
        if n > MAX_TARGETS_PER_ORGAN:
            problems.append(f"max_targets_per_organ: {n} target lesions in {organ}, "
                            f"at most {MAX_TARGETS_PER_ORGAN} per organ")
    return problems


def organ_key(lesion) -> str:
    """The organ a target counts against: every lymph node is one organ (RECIST 1.1 §3.3)."""
    if lesion.nodal:
        return LYMPH_NODE
    return normalise_organ(lesion.organ) or lesion.organ.strip().lower()


def is_liver(lesion) -> bool:
    """True for a (non-nodal) liver lesion; the organ is normalised ("hepatic" is liver)."""
    return organ_key(lesion) == LIVER


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
