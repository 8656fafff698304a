from datetime import date

import pytest

from app.schedules.calendar import ClinicCalendar


@pytest.mark.parametrize("day, is_open, why", [
    (date(2025, 9, 26), True, "ordinary Friday"),
    (date(2025, 9, 27), False, "ordinary Saturday"),
    (date(2025, 9, 28), True, "Sunday worked for National Day 2025 (调休)"),
    (date(2025, 10, 1), False, "National Day"),
    (date(2025, 10, 6), False, "Mid-Autumn Festival inside the golden week"),
    (date(2025, 10, 8), False, "Wednesday off, moved from Saturday Oct 11"),
    (date(2025, 10, 9), True, "first working day after the golden week"),
    (date(2025, 10, 11), True, "make-up Saturday"),
    (date(2026, 9, 20), True, "Sunday worked for National Day 2026"),
    (date(2026, 9, 25), False, "Mid-Autumn Festival 2026"),
    (date(2026, 10, 5), False, "National Day 2026 (Monday)"),
    (date(2026, 10, 7), False, "Wednesday off, moved from Saturday Oct 10"),
    (date(2026, 10, 8), True, "first working day after the golden week"),
    (date(2026, 10, 10), True, "make-up Saturday"),
    (date(2026, 2, 14), True, "Saturday worked for Spring Festival 2026"),
    (date(2026, 2, 17), False, "Spring Festival 2026"),
    (date(2027, 10, 1), False, "National Day 2027 (estimated by rule)"),
    (date(2018, 12, 29), True, "Saturday worked for New Year 2019, declared in the 2019 notice"),
    (date(2018, 12, 31), False, "Monday off for New Year 2019"),
])
def test_open_days_around_chinese_holidays(calendar, day, is_open, why):
    assert calendar.is_open(day) is is_open, why


@pytest.mark.parametrize("year, official", [(2024, True), (2025, True), (2026, True), (2027, False)])
def test_which_years_have_an_official_notice(calendar, year, official):
    assert calendar.has_official_notice(year) is official


@pytest.mark.parametrize("counts, kinds, has_room", [
    ({}, ("haic",), True),
    ({"haic": 3}, ("haic",), True),
    ({"haic": 4}, ("haic",), False),
    ({"haic": 4}, ("sintilimab",), True),  # sintilimab chairs are not capacity-limited
    ({"haic": 4}, ("haic", "sintilimab"), False),
    ({"sintilimab": 99}, ("sintilimab",), True),
])
def test_capacity(calendar, counts, kinds, has_room):
    day = date(2025, 3, 3)
    booked = {(day, kind): count for kind, count in counts.items()}
    assert calendar.has_room(day, kinds, booked) is has_room


@pytest.mark.parametrize("day, is_open", [
    (date(2025, 10, 1), True),  # no country: holidays are not closures
    (date(2025, 10, 4), True),  # Saturday is open at this site
    (date(2025, 10, 5), False),
    (date(2025, 10, 7), False),  # a site closure
])
def test_site_options(day, is_open):
    calendar = ClinicCalendar(open_weekdays=range(6), country=None, extra_closed=[date(2025, 10, 7)])
    assert calendar.is_open(day) is is_open
