"""``local_date(timestamp, zone)`` in SQL: the calendar date of a UTC timestamp in an IANA zone.

PostgreSQL has it built in (``AT TIME ZONE``); SQLite has no time zones, so ``install``
gives each of its connections a Python function doing what ``app.common.clock`` does
(``datetime.astimezone(ZoneInfo(zone)).date()``). With it a report can aggregate
site-local dates (the day an SMS arrived at the patient's site) in the database instead
of reading every row.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Date, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FUNCTION = "haic_local_date"


class local_date(FunctionElement):  # noqa: N801 (an SQL function, named like one)
    """``local_date(utc_timestamp, zone_name)`` -> DATE; NULL when the timestamp is NULL."""

    type = Date()
    name = "local_date"
    inherit_cache = True


@compiles(local_date, "postgresql")
def _postgresql(element, compiler, **kw):
    stamp, zone = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(({stamp}) AT TIME ZONE ({zone}) AS DATE)"


@compiles(local_date, "sqlite")
def _sqlite(element, compiler, **kw):
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


def install(engine) -> None:
    """Give every new SQLite connection of ``engine`` the function (nothing to do elsewhere)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _register(dbapi_connection, connection_record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.create_function(SQLITE_FUNCTION, 2, sqlite_local_date, deterministic=True)


def sqlite_local_date(stored: str | None, zone: str | None) -> str | None:
    """A timestamp as SQLite stores ``UTCDateTime`` (naive UTC, ISO text) -> 'YYYY-MM-DD' in ``zone``."""
    if stored is None or zone is None:
        return None
    return datetime.fromisoformat(stored).replace(tzinfo=timezone.utc).astimezone(_zone(zone)).date().isoformat()


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
