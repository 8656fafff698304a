"""The injected clock: services never call datetime.now() themselves."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FrozenClock:
    """A clock for tests and demos: stays where it is put."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


def current_clock():
    return current_app.extensions["clock"]


def utcnow() -> datetime:
    return current_clock().now()


def site_today(site, now: datetime) -> date:
    """The calendar date at `site` (anything with an IANA `timezone`) at the instant `now`:
    clinical dates are site dates, not UTC dates."""
    return local_date(now, site.timezone)


def local_date(now: datetime, zone: str) -> date:
    """The calendar date at `now` in IANA `zone`: clinical dates are local dates, not UTC dates."""
    return now.astimezone(ZoneInfo(zone)).date()
