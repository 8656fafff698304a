"""PRO-CTCAE composite: every cell of the PROTOCOL.md tables."""

import pytest

from app.symptoms.grading.composite import composite_grade, composite_method

SEVERITY_ALONE = [0, 1, 2, 3, 3]
FREQUENCY_ALONE = [0, 1, 1, 2, 3]
INTERFERENCE_ALONE = [0, 1, 1, 2, 2]
F_X_S = {0: [0, 0, 0, 0, 0], 1: [1, 1, 1, 2, 2], 2: [1, 1, 2, 2, 2], 3: [1, 1, 2, 3, 3], 4: [1, 1, 2, 3, 3]}
S_X_I = {0: [0, 0, 0, 0, 0], 1: [1, 1, 1, 2, 2], 2: [1, 1, 2, 2, 3], 3: [1, 2, 2, 3, 3], 4: [2, 2, 2, 3, 3]}


@pytest.mark.parametrize("value", range(5))
def test_single_attributes(value):
    assert composite_grade(severity=value) == SEVERITY_ALONE[value]
    assert composite_grade(frequency=value) == FREQUENCY_ALONE[value]
    assert composite_grade(interference=value) == INTERFERENCE_ALONE[value]


@pytest.mark.parametrize("frequency, severity", [(f, s) for f in range(5) for s in range(5)])
def test_frequency_by_severity(frequency, severity):
    assert composite_grade(frequency=frequency, severity=severity) == F_X_S[frequency][severity]


@pytest.mark.parametrize("severity, interference", [(s, i) for s in range(5) for i in range(5)])
def test_severity_by_interference(severity, interference):
    assert composite_grade(severity=severity, interference=interference) == S_X_I[severity][interference]


@pytest.mark.parametrize("kwargs, expected, method", [
    ({}, None, "none"),
    ({"frequency": 4, "interference": 1}, 3, "max_of_single_tables_unverified"),
    ({"frequency": 1, "severity": 2, "interference": 4}, 3, "max_of_pair_tables_unverified"),
    ({"frequency": 3, "severity": 3, "interference": 0}, 3, "max_of_pair_tables_unverified"),
])
def test_combinations_outside_protocol_tables(kwargs, expected, method):
    assert composite_grade(**kwargs) == expected
    assert composite_method(kwargs.get("frequency"), kwargs.get("severity"), kwargs.get("interference")) == method


@pytest.mark.parametrize("kwargs", [{"severity": 5}, {"frequency": -1}, {"interference": 2.5}])
def test_out_of_range_rejected(kwargs):
    with pytest.raises(ValueError):
        composite_grade(**kwargs)
