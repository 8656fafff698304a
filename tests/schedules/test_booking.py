from datetime import date, timedelta

import pytest

from app.schedules.booking import book, book_together, flags_for_day

D = date


def _full(*days, kind="haic"):
    return {(day, kind): 4 for day in days}


@pytest.mark.parametrize("target, start, end, kind, booked, not_before, expected", [
    # open and free: the target itself
    (D(2025, 3, 3), D(2025, 3, 3), D(2025, 3, 6), "haic", {}, None, (D(2025, 3, 3), ())),
    # full suite on the target: the next open day in the window
    (D(2025, 3, 3), D(2025, 3, 3), D(2025, 3, 6), "haic", _full(D(2025, 3, 3)), None,
     (D(2025, 3, 4), ())),
    # nearest first, the earlier day on a tie
    (D(2025, 3, 5), D(2025, 3, 3), D(2025, 3, 7), "haic", _full(D(2025, 3, 5)), None,
     (D(2025, 3, 4), ())),
    # the whole window full: the target, flagged capacity (stays in window)
    (D(2025, 3, 3), D(2025, 3, 3), D(2025, 3, 6), "haic",
     _full(*(D(2025, 3, 3) + timedelta(days=i) for i in range(4))), None, (D(2025, 3, 3), ("capacity",))),
    # target on a Saturday: the Monday inside the window
    (D(2025, 3, 8), D(2025, 3, 8), D(2025, 3, 11), "sintilimab", {}, None, (D(2025, 3, 10), ())),
    # make-up Saturday is a clinic day
    (D(2025, 10, 11), D(2025, 10, 9), D(2025, 10, 11), "labs", {}, None, (D(2025, 10, 11), ())),
    # window entirely in the golden week: nearest open day outside, flagged
    (D(2025, 10, 2), D(2025, 10, 2), D(2025, 10, 5), "sintilimab", {}, None,
     (D(2025, 9, 30), ("out_of_window",))),
    # ...unless the minimum dose interval forbids the earlier day
    (D(2025, 10, 2), D(2025, 10, 2), D(2025, 10, 5), "sintilimab", {}, D(2025, 10, 2),
     (D(2025, 10, 9), ("out_of_window",))),
    # outside the window and full too
    (D(2025, 10, 2), D(2025, 10, 2), D(2025, 10, 5), "haic", _full(D(2025, 9, 30)), None,
     (D(2025, 9, 30), ("out_of_window", "capacity"))),
    # not_before inside the window cuts its start
    (D(2025, 3, 3), D(2025, 3, 3), D(2025, 3, 6), "sintilimab", {}, D(2025, 3, 5), (D(2025, 3, 5), ())),
])
def test_book(calendar, target, start, end, kind, booked, not_before, expected):
    assert book(target, start, end, kind, calendar, booked, not_before=not_before) == expected


def test_visits_sharing_a_day_go_where_all_kinds_fit(calendar):
    booked = _full(D(2025, 3, 3))
    day, flags = book_together(D(2025, 3, 3), D(2025, 3, 3), D(2025, 3, 6), ("haic", "sintilimab"),
                               calendar, booked)
    assert (day, flags) == (D(2025, 3, 4), ())


@pytest.mark.parametrize("day, booked, flags", [
    (D(2025, 3, 4), {}, ()),
    (D(2025, 3, 10), {}, ("out_of_window",)),
    (D(2025, 3, 8), {}, ("out_of_window", "closed_day")),
    (D(2025, 3, 4), _full(D(2025, 3, 4)), ("capacity",)),
    (D(2025, 3, 9), _full(D(2025, 3, 9)), ("out_of_window", "capacity", "closed_day")),
])
def test_flags_for_a_chosen_day(calendar, day, booked, flags):
    assert flags_for_day(day, D(2025, 3, 3), D(2025, 3, 7), ("haic",), calendar, booked) == flags
