"""PRO-CTCAE composite grade 0-3 from patient answers on 0-4 scales.

Tables from Basch et al., Clin Trials 2021 (as transcribed in PROTOCOL.md):
severity alone 0,1,2,3,3 · frequency alone 0,1,1,2,3 · interference alone 0,1,1,2,2;
frequency × severity and severity × interference below.
"""

from __future__ import annotations

SEVERITY_ALONE = (0, 1, 2, 3, 3)
FREQUENCY_ALONE = (0, 1, 1, 2, 3)
INTERFERENCE_ALONE = (0, 1, 1, 2, 2)
# rows: frequency 1..4, columns: severity 0..4 (frequency 0 -> 0)
FREQUENCY_X_SEVERITY = {
    1: (1, 1, 1, 2, 2),
    2: (1, 1, 2, 2, 2),
    3: (1, 1, 2, 3, 3),
    4: (1, 1, 2, 3, 3),
}
# rows: severity 1..4, columns: interference 0..4 (severity 0 -> 0)
SEVERITY_X_INTERFERENCE = {
    1: (1, 1, 1, 2, 2),
    2: (1, 1, 2, 2, 3),
    3: (1, 2, 2, 3, 3),
    4: (2, 2, 2, 3, 3),
}


def _check_scale(name: str, value: int | None) -> None:
    if value is not None and value not in (0, 1, 2, 3, 4):
        raise ValueError(f"{name} must be 0-4 or None, got {value!r}")


def frequency_by_severity(frequency: int, severity: int) -> int:
    """Composite from the frequency × severity table."""
    return 0 if frequency == 0 else FREQUENCY_X_SEVERITY[frequency][severity]


def severity_by_interference(severity: int, interference: int) -> int:
    """Composite from the severity × interference table."""
    return 0 if severity == 0 else SEVERITY_X_INTERFERENCE[severity][interference]


def composite_method(frequency: int | None, severity: int | None, interference: int | None) -> str:
    """Which rule `composite_grade` applies for the attributes present."""
    present = "".join(code for code, value in (("F", frequency), ("S", severity), ("I", interference))
                      if value is not None)
    return {"": "none", "F": "frequency_alone", "S": "severity_alone", "I": "interference_alone",
            "FS": "frequency_x_severity", "SI": "severity_x_interference",
            # Not in PROTOCOL.md: conservative choice pending the published 3-item/F×I tables.
            "FI": "max_of_single_tables_unverified", "FSI": "max_of_pair_tables_unverified"}[present]


def composite_grade(frequency: int | None = None, severity: int | None = None,
                    interference: int | None = None) -> int | None:
    """PRO-CTCAE composite grade 0-3 from whichever attributes were answered (None if none).

    F+I and F+S+I are not given in PROTOCOL.md; we take the highest grade of the tables
    that do apply (see composite_method), which never under-grades.
    """
    for name, value in (("frequency", frequency), ("severity", severity), ("interference", interference)):
        _check_scale(name, value)
    method = composite_method(frequency, severity, interference)
    if method == "none":
        return None
    rules = {
        "frequency_alone": lambda: FREQUENCY_ALONE[frequency],
        "severity_alone": lambda: SEVERITY_ALONE[severity],
        "interference_alone": lambda: INTERFERENCE_ALONE[interference],
        "frequency_x_severity": lambda: frequency_by_severity(frequency, severity),
        "severity_x_interference": lambda: severity_by_interference(severity, interference),
        "max_of_single_tables_unverified": lambda: max(FREQUENCY_ALONE[frequency],
                                                       INTERFERENCE_ALONE[interference]),
        "max_of_pair_tables_unverified": lambda: max(frequency_by_severity(frequency, severity),
                                                     severity_by_interference(severity, interference)),
    }
    return rules[method]()
