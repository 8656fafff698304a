"""CTCAE v5.0 grades decided by a measured value (temperature, stool count, labs).

Thresholds are CTCAE v5.0's (see app/ctcae/data/terms_v5.yaml grade notes). Lab values
must come with their unit; nothing here guesses one. Vomiting is graded in v5.0 by the
intervention needed, not by episode counts, so there is no count-based vomiting grade.
"""

from __future__ import annotations

# Hemoglobin thresholds for Anemia G1/G2 lower bounds, per unit (CTCAE gives all three).
ANEMIA_THRESHOLDS = {"g/L": (100.0, 80.0), "g/dL": (10.0, 8.0), "mmol/L": (6.2, 4.9)}
# Cell counts: CTCAE writes x10e9/L and /mm3; 1 x10^9/L = 1000 /mm3.
COUNT_UNIT_FACTORS = {"10^9/L": 1.0, "/mm3": 0.001}


def grade_fever(celsius: float, hours_above_40: float | None = None) -> int:
    """Fever: 38.0-39.0 G1, >39.0-40.0 G2, >40.0 for <=24 h G3, >24 h G4; below 38.0 -> 0.

    A reading >40.0 with unknown duration grades 3 (the duration that would make it 4
    has not been observed yet).
    """
    if celsius < 38.0:
        return 0
    if celsius <= 39.0:
        return 1
    if celsius <= 40.0:
        return 2
    return 4 if hours_above_40 is not None and hours_above_40 > 24 else 3


def grade_diarrhea(stools_per_day: float, baseline_per_day: float = 0) -> int:
    """Diarrhea by increase over baseline: <4 G1, 4-6 G2, >=7 G3; no increase -> 0."""
    increase = stools_per_day - baseline_per_day
    if increase <= 0:
        return 0
    return 1 if increase < 4 else 2 if increase <= 6 else 3


def _ratio_grade(ratio: float, bounds: tuple[float, float, float, float]) -> int:
    """Grade 0-4 for a ratio: 0 up to bounds[0], then G1..G3 up to each next bound, G4 above bounds[3]."""
    floor, g2, g3, g4 = bounds
    if ratio <= floor:
        return 0
    return 1 if ratio <= g2 else 2 if ratio <= g3 else 3 if ratio <= g4 else 4


def grade_transaminase(value: float, uln: float, baseline: float | None = None) -> int:
    """ALT or AST increased. Normal baseline: >ULN-3 G1, >3-5 G2, >5-20 G3, >20 ×ULN G4.

    Abnormal baseline (baseline > ULN): 1.5-3 G1, >3-5 G2, >5-20 G3, >20 × baseline G4.
    """
    if baseline is None or baseline <= uln:
        return _ratio_grade(value / uln, (1.0, 3.0, 5.0, 20.0))
    ratio = value / baseline
    return 0 if ratio < 1.5 else _ratio_grade(ratio, (0.0, 3.0, 5.0, 20.0))


def grade_bilirubin(value: float, uln: float, baseline: float | None = None) -> int:
    """Blood bilirubin increased: >ULN-1.5 G1, >1.5-3 G2, >3-10 G3, >10 G4 (× ULN, or × baseline
    when the baseline was abnormal)."""
    reference = uln if baseline is None or baseline <= uln else baseline
    return _ratio_grade(value / reference, (1.0, 1.5, 3.0, 10.0))


def _decrease_grade(value: float, lln: float, bounds: tuple[float, float, float]) -> int:
    """Grade 0-4 for a low count: <LLN-b0 G1, <b0-b1 G2, <b1-b2 G3, <b2 G4."""
    g1_floor, g2_floor, g3_floor = bounds
    if value >= lln:
        return 0
    return 1 if value >= g1_floor else 2 if value >= g2_floor else 3 if value >= g3_floor else 4


def _in_billions(value: float, unit: str) -> float:
    if unit not in COUNT_UNIT_FACTORS:
        raise ValueError(f"unknown count unit {unit!r}; use one of {sorted(COUNT_UNIT_FACTORS)}")
    return value * COUNT_UNIT_FACTORS[unit]


def grade_platelets(value: float, lln: float, unit: str = "10^9/L") -> int:
    """Platelet count decreased: <LLN-75 G1, <75-50 G2, <50-25 G3, <25 G4 (×10⁹/L)."""
    return _decrease_grade(_in_billions(value, unit), _in_billions(lln, unit), (75.0, 50.0, 25.0))


def grade_neutrophils(value: float, lln: float, unit: str = "10^9/L") -> int:
    """Neutrophil count decreased: <LLN-1.5 G1, <1.5-1.0 G2, <1.0-0.5 G3, <0.5 G4 (×10⁹/L)."""
    return _decrease_grade(_in_billions(value, unit), _in_billions(lln, unit), (1.5, 1.0, 0.5))


def grade_anemia(hemoglobin: float, lln: float, unit: str) -> int:
    """Anemia by Hb: <LLN-100 g/L G1, <100-80 G2, <80 G3 (G4/G5 are clinical, not by value)."""
    if unit not in ANEMIA_THRESHOLDS:
        raise ValueError(f"unknown hemoglobin unit {unit!r}; use one of {sorted(ANEMIA_THRESHOLDS)}")
    g1_floor, g2_floor = ANEMIA_THRESHOLDS[unit]
    if hemoglobin >= lln:
        return 0
    return 1 if hemoglobin >= g1_floor else 2 if hemoglobin >= g2_floor else 3


def _baseline_abnormal(uln: float, baseline: float | None) -> bool:
    """CTCAE v5.0 "if baseline was abnormal": a baseline above the upper limit of normal."""
    return baseline is not None and baseline > uln


def grade_alkaline_phosphatase(value: float, uln: float, baseline: float | None = None) -> int:
    """Alkaline phosphatase increased (also GGT increased, same rule). Normal baseline:
    >ULN-2.5 G1, >2.5-5.0 G2, >5.0-20.0 G3, >20.0 × ULN G4. Abnormal baseline: 2.0-2.5 G1,
    >2.5-5.0 G2, >5.0-20.0 G3, >20.0 × baseline G4 (below 2.0 × baseline: 0)."""
    if not _baseline_abnormal(uln, baseline):
        return _ratio_grade(value / uln, (1.0, 2.5, 5.0, 20.0))
    ratio = value / baseline
    return 0 if ratio < 2.0 else _ratio_grade(ratio, (0.0, 2.5, 5.0, 20.0))


grade_ggt = grade_alkaline_phosphatase  # CTCAE v5.0 gives GGT increased the ALP thresholds


def grade_creatinine(value: float, uln: float, baseline: float | None = None) -> int:
    """Creatinine increased: >ULN-1.5 G1, >1.5-3.0 G2, >3.0-6.0 G3, >6.0 × ULN G4; with a
    baseline also >1.5-3.0 × baseline G2 and >3.0 × baseline G3 (the worse of the two applies)."""
    by_uln = _ratio_grade(value / uln, (1.0, 1.5, 3.0, 6.0))
    if baseline is None or baseline <= 0:
        return by_uln
    ratio = value / baseline
    by_baseline = 3 if ratio > 3.0 else 2 if ratio > 1.5 else 0
    return max(by_uln, by_baseline)


def grade_white_cells(value: float, lln: float, unit: str = "10^9/L") -> int:
    """White blood cell decreased: <LLN-3.0 G1, <3.0-2.0 G2, <2.0-1.0 G3, <1.0 G4 (×10⁹/L)."""
    return _decrease_grade(_in_billions(value, unit), _in_billions(lln, unit), (3.0, 2.0, 1.0))


def grade_inr(inr: float) -> int:
    """INR increased (not anticoagulated): >1.2-1.5 G1, >1.5-2.5 G2, >2.5 G3 (no G4 in v5.0)."""
    if inr <= 1.2:
        return 0
    return 1 if inr <= 1.5 else 2 if inr <= 2.5 else 3


def grade_hypoalbuminemia(albumin_g_l: float, lln: float) -> int:
    """Hypoalbuminemia: <LLN-30 g/L G1, <30-20 G2, <20 g/L G3 (G4/G5 are clinical)."""
    if albumin_g_l >= lln:
        return 0
    return 1 if albumin_g_l >= 30.0 else 2 if albumin_g_l >= 20.0 else 3
