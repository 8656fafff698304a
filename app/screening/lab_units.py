"""The unit tables behind `labs.py`: per test, each accepted spelling and its factor to the
canonical unit. Data, not logic; every factor says where it comes from."""
import math

TIMES_ULN = "× ULN"
COUNT = "×10⁹/L"

CANONICAL_UNIT = {
    "alt": TIMES_ULN, "ast": TIMES_ULN, "alp": TIMES_ULN, "total_bilirubin": TIMES_ULN,
    "pt": TIMES_ULN, "inr": TIMES_ULN,
    "wbc": COUNT, "anc": COUNT, "platelets": COUNT,
    "hemoglobin": "g/L", "bun": "mg/dL", "creatinine": "mg/dL", "hbv_dna": "IU/mL",
    # Pre-cycle and thyroid tests (issue 13); screening does not limit them.
    "ggt": TIMES_ULN, "albumin": "g/L", "tsh": "mIU/L", "free_t4": "pmol/L",
}

# INR is already a ratio normalised to a mean normal of 1.0, and sites seldom print a ULN for
# it. Without one we take ULN = 1.0, so the limit "< 1.5 × ULN" reads "INR < 1.5": the
# conservative choice (a site ULN of 1.1-1.2 would allow up to 1.65-1.8), which can only
# hold a candidate back, never let one through. The reason text says it was assumed.
INR_ASSUMED_ULN = 1.0

# For × ULN tests the factor is irrelevant (value and uln share the entry's unit, so their
# ratio is unit-free); the table only says which units may be paired with a uln.
_ENZYME = {"U/L": 1.0, "IU/L": 1.0, "µkat/L": 1.0, "xULN": 1.0}
_CELL_COUNT = {
    "10^9/L": 1.0, "×10⁹/L": 1.0, "x10^9/L": 1.0, "10E9/L": 1.0, "G/L": 1.0,
    "10^3/µL": 1.0, "10^3/mm3": 1.0, "K/µL": 1.0,
    # 1 /mm³ = 1 /µL = 10⁶ /L, i.e. one thousandth of 10⁹/L.
    "/mm3": 1e-3, "/µL": 1e-3, "cells/mm3": 1e-3, "cells/µL": 1e-3,
}
# BUN: urea and urea nitrogen are reported in mmol/L; either way one mmol carries two N atoms,
# 2 × 14.007 = 28.014 mg of nitrogen, so 1 mmol/L = 2.8014 mg/dL of BUN.
BUN_MG_DL_PER_MMOL_L = 2.8014
# Creatinine molar mass 113.12 g/mol: 1 mg/dL = 88.42 µmol/L.
CREATININE_UMOL_L_PER_MG_DL = 88.42
# Free thyroxine, molar mass 776.87 g/mol: 1 ng/dL = 10 ng/L / 776.87 = 12.87 pmol/L.
FREE_T4_PMOL_L_PER_NG_DL = 12.87
# Hemoglobin (monomer, 16.1 kDa per haem): 1 mmol/L = 1.611 g/dL = 16.11 g/L.
HEMOGLOBIN_G_L_PER_MMOL_L = 16.11

UNIT_FACTORS = {
    "alt": _ENZYME, "ast": _ENZYME, "alp": _ENZYME,
    "total_bilirubin": {"µmol/L": 1.0, "mg/dL": 1.0, "xULN": 1.0},
    "pt": {"s": 1.0, "sec": 1.0, "seconds": 1.0, "xULN": 1.0},
    "inr": {"INR": 1.0, "ratio": 1.0, "xULN": 1.0},
    "wbc": _CELL_COUNT, "anc": _CELL_COUNT, "platelets": _CELL_COUNT,
    "hemoglobin": {"g/L": 1.0, "g/dL": 10.0, "mmol/L": HEMOGLOBIN_G_L_PER_MMOL_L},
    "bun": {"mg/dL": 1.0, "mmol/L": BUN_MG_DL_PER_MMOL_L},
    "creatinine": {"mg/dL": 1.0, "µmol/L": 1 / CREATININE_UMOL_L_PER_MG_DL},
    "hbv_dna": {"IU/mL": 1.0, "log10 IU/mL": lambda log: math.pow(10.0, log),
                "log IU/mL": lambda log: math.pow(10.0, log)},
    "ggt": _ENZYME,
    "albumin": {"g/L": 1.0, "g/dL": 10.0},
    # 1 mIU/L = 1 µIU/mL (milli per litre = micro per millilitre).
    "tsh": {"mIU/L": 1.0, "µIU/mL": 1.0, "mU/L": 1.0},
    "free_t4": {"pmol/L": 1.0, "ng/dL": FREE_T4_PMOL_L_PER_NG_DL},
}

# copies/mL -> IU/mL depends on the assay: 5.82 copies per IU for Roche COBAS TaqMan
# (legacyhealth.org test table; JSH hepatitis B guideline table 10), 3.41 for Abbott RealTime,
# 5.6 for Sansure kits. We cannot know the assay, so we refuse rather than guess.
_COPIES_HINT = ("copies/mL cannot be converted without knowing the assay (5.82 copies/IU on Roche "
                "TaqMan, 3.41 on Abbott RealTime): ask the lab for IU/mL.")
_PLAIN_INR = "INR is a ratio without a unit; send the unit 'INR' or 'ratio'."
REJECTED_UNITS = {
    ("hbv_dna", "copies/ml"): _COPIES_HINT,
    ("hbv_dna", "copy/ml"): _COPIES_HINT,
    ("hbv_dna", "cp/ml"): _COPIES_HINT,
    ("creatinine", "mg/ml"): "The registry's 'mg/ml' is a typo for mg/dL: send mg/dL or µmol/L.",
    ("pt", "%"): "Prothrombin activity (%) is not PT in seconds: send seconds with the ULN.",
    ("inr", "s"): _PLAIN_INR,
}

# Folded spellings (see fold_unit) under which an INR is a plain ratio.
RATIO_UNITS = frozenset({"inr", "ratio"})

_SPELLING = str.maketrans({"µ": "u", "μ": "u", "×": "x", "*": "x", "⁹": "9", "³": "3", "⁶": "6", "^": None,
                           " ": None, "\t": None})


def fold_unit(unit: str) -> str:
    """Fold spelling variants: "×10⁹/L", "x10^9 /l" and "10^9/L" all become "109/l"."""
    folded = unit.strip().lower().translate(_SPELLING)
    if folded.startswith("x10") or folded in ("uln", "timesuln"):
        folded = folded.removeprefix("x").removeprefix("times")
        return "xuln" if folded == "uln" else folded
    return folded


# The tables above keyed by folded spelling, built once: what `labs.py` looks units up in.
FOLDED_FACTORS = {test: {fold_unit(spelling): factor for spelling, factor in table.items()}
                  for test, table in UNIT_FACTORS.items()}
