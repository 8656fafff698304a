"""A per-process cache of read-model responses that is never stale: each use reads the read
model's generation from the database (`app.models.ReadGeneration`, bumped by triggers at every
committed write to the tables behind it) and serves a stored body only if it was built at
that same generation.

Why it cannot serve stale data: the generation is read *before* the body is built, so a body
stored under generation g reflects at least every write committed by g; a later write commits
its data and its bump together (one transaction), so once anything behind the body changes, the
generation read next differs and the body is built again. This holds for writes from other
workers, jobs and psql sessions, because the database, not the application, counts them.

Used by the nurse's day view (issue 19): between two writes, every tablet asking for the same
day at the same site gets the same bytes for one primary-key read instead of two queries,
HAIC readiness and the JSON encoding.
"""
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import bindparam, select, text

from app.extensions import db
from app.models.read_generation import ReadGeneration

log = logging.getLogger(__name__)

_TABLE = ReadGeneration.__table__
_GENERATION = select(_TABLE.c.generation).where(_TABLE.c.name == bindparam("name"))  # Core: no ORM overhead


class ReadCache:
    """Response bodies of read model `name`, at most `entries` of them and `max_bytes` in all
    (least recently used dropped first; 0 entries turns the cache off). Shared by the threads
    of one process.

    Use only in a request that has written nothing before it (a GET): a body built inside a
    transaction that then rolls back must not be kept.
    """

    def __init__(self, name: str, tables: tuple[str, ...], entries: int, max_bytes: int = 32 * 2**20):
        self.name, self.tables, self.entries, self.max_bytes = name, tables, entries, max_bytes
        self.hits = self.misses = self.size_bytes = 0
        self._bodies: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._triggers_checked = self._usable = False  # checked at first use (needs a request's database)

    def body(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The body for `key`: the stored one if built at the current generation, else
        `build()` (stored for the next caller). Raises what `build` raises."""
        generation = self.generation()
        if generation is None:
            return build()
        with self._lock:
            stored = self._bodies.get(key)
            if stored is not None and stored[0] == generation:
                self._bodies.move_to_end(key)
                self.hits += 1
                return stored[1]
        body = build()
        with self._lock:
            self.misses += 1
            if len(body) > self.max_bytes:
                return body  # a page larger than the whole cache is not kept
            replaced = self._bodies.pop(key, None)
            self.size_bytes += len(body) - (len(replaced[1]) if replaced else 0)
            self._bodies[key] = (generation, body)
            while len(self._bodies) > self.entries or self.size_bytes > self.max_bytes:
                self.size_bytes -= len(self._bodies.popitem(last=False)[1][1])
        return body

    def generation(self) -> int | None:
        """The read model's generation now (one primary-key read), or None when the database
        cannot tell (no row, or its triggers are missing): then nothing is cached."""
        if not self._triggers_checked:
            self._usable = self.entries > 0 and self._triggers_present()
            self._triggers_checked = True
        if not self._usable:
            return None
        return _read_connection().execute(_GENERATION, {"name": self.name}).scalar()

    def clear(self) -> None:
        """Forget every body (the next request for each key builds it)."""
        with self._lock:
            self._bodies.clear()
            self.hits = self.misses = self.size_bytes = 0

    def _triggers_present(self) -> bool:
        found = trigger_names(db.session.connection())
        missing = set(expected_triggers(self.name, self.tables, db.engine.dialect.name)) - found
        if missing:
            log.warning("read cache %s is off: triggers missing in the database: %s",
                        self.name, ", ".join(sorted(missing)))
        return not missing


def _read_connection():
    """The request's connection; if the request has not used one yet, in autocommit: a read
    needs no transaction (under READ COMMITTED each statement sees what is committed when it
    starts either way), and BEGIN and COMMIT would be two more round trips to PostgreSQL.
    Any later statement of the request runs in autocommit too (a GET writes nothing)."""
    session = db.session()
    transaction = session.get_transaction()
    # SessionTransaction._connections: the connections it holds (SQLAlchemy 2.0 has no public
    # accessor); asking for options on a held connection would only warn and ignore them.
    if transaction is None or not getattr(transaction, "_connections", True):
        return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session.connection()


def expected_triggers(name: str, tables: tuple[str, ...], dialect: str) -> list[str]:
    """The trigger names migration 0017 creates for read model `name` on `dialect`."""
    if dialect == "postgresql":
        return [f"{table}_{name}_generation{suffix}" for table in tables for suffix in ("", "_truncate")]
    return [f"{table}_{name}_generation_{operation}" for table in tables
            for operation in ("insert", "update", "delete")]


def trigger_names(connection) -> set[str]:
    """The names of every trigger in the database behind `connection` (PostgreSQL or SQLite)."""
    return set(connection.execute(_TRIGGER_NAMES[connection.dialect.name]).scalars())


_TRIGGER_NAMES = {
    "postgresql": text("SELECT tgname FROM pg_trigger"),
    "sqlite": text("SELECT name FROM sqlite_master WHERE type = 'trigger'"),
}
