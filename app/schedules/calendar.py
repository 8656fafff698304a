"""The site's clinic calendar: open weekdays, public holidays, make-up working days, capacity.

Holidays and make-up working days (调休: weekend days declared working days by the State
Council's yearly notice) come from the `holidays` package (0.109: `holidays.China`, whose
`weekend_workdays` holds the make-up days and whose references cite each year's notice).
The package holds the official notices up to 2026; for later years it computes the statutory
holidays by rule and knows no make-up days until the next notice is packaged
(`has_official_notice(year)` tells which). Each year is computed once per calendar instance.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

import holidays

from app.schedules.protocol import Protocol

MON_TO_FRI = frozenset(range(5))


@dataclass(frozen=True)
class _Year:
    closed: frozenset[date]  # public holidays, incl. days off moved from a weekend
    makeup_workdays: frozenset[date]  # weekend days declared working days


class ClinicCalendar:
    """Which days a site's clinic is open and how many visits of a kind it takes per day.

    One instance per site (capacities are per site); reuse it across plans for speed.

    Not frozen only because it caches each year's holiday sets on first use; its answers
    never change after construction.
    """

    def __init__(
        self,
        open_weekdays: Iterable[int] = MON_TO_FRI,
        daily_capacity: Mapping[str, int] | None = None,
        country: str | None = "CN",
        extra_closed: Iterable[date] = (),
    ):
        self.open_weekdays = frozenset(open_weekdays)
        self.daily_capacity = MappingProxyType(dict(daily_capacity or {}))
        self.country = country
        self.extra_closed = frozenset(extra_closed)  # site closures (e.g. a suite repair day)
        self._years: dict[int, _Year] = {}
        self._open_by_day: dict[date, bool] = {}

    @classmethod
    def for_protocol(cls, protocol: Protocol, extra_closed: Iterable[date] = ()) -> "ClinicCalendar":
        """The calendar a protocol's `clinic` section declares."""
        clinic = protocol.clinic
        return cls(clinic.open_weekdays, clinic.daily_capacity, clinic.country, extra_closed)

    def is_open(self, day: date) -> bool:
        """Whether the clinic sees patients on `day`."""
        try:
            return self._open_by_day[day]
        except KeyError:
            self._remember_year(day.year)
            return self._open_by_day[day]

    def capacity(self, kind: str) -> int | None:
        """Visits of `kind` the site takes per day; None when unlimited."""
        return self.daily_capacity.get(kind)

    def has_room(self, day: date, kinds: Iterable[str], booked: Mapping) -> bool:
        """Whether every kind in `kinds` still has a free slot on `day` given `booked`."""
        if not booked:
            return True
        for kind in kinds:
            limit = self.daily_capacity.get(kind)
            if limit is not None and booked.get((day, kind), 0) >= limit:
                return False
        return True

    def has_official_notice(self, year: int) -> bool:
        """Whether `year`'s holidays come from a published notice (make-up days known)."""
        return bool(self._remember_year(year).makeup_workdays)

    def _remember_year(self, year: int) -> _Year:
        # One holidays lookup per year; then every day of the year answers from one dict,
        # which keeps is_open at a single lookup on the planner's hot path.
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._load_year(year)
            day, one_day = date(year, 1, 1), timedelta(days=1)
            while day.year == year:
                self._open_by_day[day] = self._computed_is_open(day, cached)
                day += one_day
        return cached

    def _computed_is_open(self, day: date, year: _Year) -> bool:
        if day in year.closed or day in self.extra_closed:
            return False
        return day.weekday() in self.open_weekdays or day in year.makeup_workdays

    def _load_year(self, year: int) -> _Year:
        if self.country is None:
            return _Year(frozenset(), frozenset())
        # A make-up day may be declared by the next year's notice (a late-December weekend
        # worked for New Year), so load both years and keep this year's days.
        calendar = holidays.country_holidays(self.country, years=(year, year + 1))
        closed = frozenset(d for d in calendar if d.year == year)
        makeup = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
        return _Year(closed, makeup)
