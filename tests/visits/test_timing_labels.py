from datetime import date

import pytest

from app.visits.timing_labels import timing_label

TARGET, START, END = date(2027, 1, 15), date(2027, 1, 12), date(2027, 1, 18)


@pytest.mark.parametrize("day, label", [
    (None, None),
    (date(2027, 1, 15), "on target"),
    (date(2027, 1, 12), "in window, 3 days early"),
    (date(2027, 1, 16), "in window, 1 day late"),
    (date(2027, 1, 18), "in window, 3 days late"),
    (date(2027, 1, 19), "out of window, 4 days late"),
    (date(2027, 1, 11), "out of window, 4 days early"),
])
def test_timing_label(day, label):
    assert timing_label(day, TARGET, START, END) == label
