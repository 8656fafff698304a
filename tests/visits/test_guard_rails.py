from datetime import date

import pytest

from app.visits.guard_rails import outside_range_message, reschedule_range

D = date.fromisoformat


@pytest.mark.parametrize("window, treatment_end, margin, expected", [
    (("2027-01-10", "2027-01-20"), "2028-01-01", 90, ("2027-01-10", "2028-03-31")),
    # a follow-up visit planned after the treatment period: its own window end counts
    (("2028-06-01", "2028-06-15"), "2028-01-01", 90, ("2028-06-01", "2028-09-13")),
    (("2027-01-10", "2027-01-20"), "2028-01-01", 0, ("2027-01-10", "2028-01-01")),
])
def test_reschedule_range(window, treatment_end, margin, expected):
    assert reschedule_range(D(window[0]), D(window[1]), D(treatment_end), margin) == (D(expected[0]), D(expected[1]))


@pytest.mark.parametrize("day, inside", [
    ("2027-01-10", True), ("2028-03-31", True), ("2027-01-09", False), ("2207-04-26", False)])
def test_outside_range_message_names_the_range(day, inside):
    message = outside_range_message(D(day), D("2027-01-10"), D("2028-03-31"))
    assert (message is None) == inside
    if not inside:
        assert "2027-01-10" in message and "2028-03-31" in message
