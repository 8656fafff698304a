"""Scheduler leader election with a PostgreSQL advisory lock (issue 17 item 6).

One `python scheduler.py` may run on every API node: each tries to take the session-level
advisory lock `LOCK_KEY` on a connection of its own and only the holder runs jobs. The lock
lives as long as that connection, so when the leader's process dies (or its connection
does) PostgreSQL releases it at once and the next election tick of another node — every
`ELECTION_SECONDS` — takes over: well within a minute.

On SQLite (one node by definition) every scheduler is the leader.
"""
from __future__ import annotations

import functools
import logging

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
# A fixed 64-bit key: "HAICSCHD" as bytes, so other applications sharing the server don't collide.
LOCK_KEY = int.from_bytes(b"HAICSCHD", "big") & 0x7FFFFFFFFFFFFFFF
ELECTION_SECONDS = 15


class Leader:
    """Holds (or waits for) the scheduler's advisory lock on a dedicated connection.

    `ensure()` is the election tick: it checks that a held lock's connection is alive and
    otherwise tries to take the lock; `is_leader` says whether jobs may run now.
    """

    def __init__(self, engine: Engine, key: int = LOCK_KEY, name: str = "scheduler"):
        self.engine = engine
        self.key = key
        self.name = name
        self.always = engine.dialect.name != "postgresql"
        self._connection = None
        self.is_leader = self.always

    def ensure(self) -> bool:
        """Keep or take the lock; returns whether this scheduler leads now."""
        if self.always:
            return True
        if self._connection is not None and self._alive():
            return True
        self._drop_connection()
        was_leader, self.is_leader = self.is_leader, self._try_lock()
        if self.is_leader and not was_leader:
            log.info("%s: became the scheduler leader (advisory lock %s)", self.name, self.key)
        elif was_leader and not self.is_leader:
            log.warning("%s: lost the scheduler leadership", self.name)
        return self.is_leader

    def _alive(self) -> bool:
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except DBAPIError:
            log.warning("%s: the leader's database connection was lost", self.name)
            return False

    def _try_lock(self) -> bool:
        try:
            connection = self.engine.connect()
        except DBAPIError:
            log.warning("%s: database unreachable; not leading", self.name)
            return False
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
            connection.commit()  # the lock is session-level: it outlives this transaction
        except DBAPIError:
            connection.close()
            return False
        if got:
            self._connection = connection
            return True
        connection.close()
        return False

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.invalidate()  # never return a lock-holding session to the pool
            finally:
                self._connection = None
                self.is_leader = False

    def release(self) -> None:
        """Give up the lock (on shutdown) so another node takes over at its next tick."""
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._connection.commit()
            except DBAPIError:
                pass
            self._drop_connection()
        self.is_leader = self.always


def only_when_leader(job, leader: Leader):
    """`job` wrapped to do nothing (returning None) unless `leader` leads."""

    @functools.wraps(job)
    def run(*args, **kwargs):
        if not leader.is_leader:
            return None
        return job(*args, **kwargs)

    return run
