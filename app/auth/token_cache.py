"""A short per-process cache of bearer token → user (and the user's site), so that a request
does not read `api_tokens`, `users` and `sites` before doing its own work (issue 19).

Revocation-safe, as API.md ("Second wave") requires: revoking a token or deactivating a user
takes effect on every node within 5 s, and a per-process cache may live at most that long.
- An entry lives at most TOKEN_CACHE_SECONDS (default 5, 0 disables), counted from *before*
  the database read it holds, on a monotonic clock (injectable for tests).
- In this process, any write to users, sites or api_tokens (an ORM flush or an ORM-enabled
  UPDATE/DELETE, such as revoking all of a user's tokens) empties the cache at once, and
  again when that transaction commits.
- Only valid tokens are cached; expiry is checked on every request against the app clock.
- Columns that change without an admin's edit are left out of the copies and read from the
  database when used: the password hash and login counters of the user, and the enrollment
  counters of the site.

Each request gets the cached user merged into its own session without SQL
(`Session.merge(load=False)`); an instance already in the session (a test or a CLI that holds
one) is used as it is.
"""
from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.models import ApiToken, Site, User

MAX_AGE_S = 5.0  # API.md: revocation and deactivation reach every node within 5 s
WATCHED_TABLES = frozenset({"users", "sites", "api_tokens"})
# Read from the database when used: they change on logins and enrollments, not by an admin.
VOLATILE = {User: frozenset({"password_hash", "failed_logins", "locked_until"}),
            Site: frozenset({"enrolled_count", "last_study_number"})}
_caches: "weakref.WeakSet[TokenCache]" = weakref.WeakSet()


@dataclass(frozen=True)
class ResolvedToken:
    """What a request knows of its bearer token: the user (in the request's session) and
    when the token expires."""
    user: User
    expires_at: datetime


@dataclass(frozen=True)
class _Entry:
    user: User          # detached copy, never attached to a session itself
    site: Site | None   # detached copy
    expires_at: datetime
    read_at: float      # cache clock, taken before the database read


class TokenCache:
    """token hash → detached copies of the user and site, each at most `seconds` old."""

    def __init__(self, seconds: float = MAX_AGE_S, clock=time.monotonic, max_entries: int = 10_000):
        self.seconds, self.clock, self.max_entries = min(float(seconds), MAX_AGE_S), clock, max_entries
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        _caches.add(self)

    def get(self, key: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self.clock() - entry.read_at >= self.seconds:
            with self._lock:
                self._entries.pop(key, None)
            return None
        return entry

    def put(self, key: str, token: ApiToken, read_at: float) -> None:
        """Remember a valid `token` (its user and site loaded) read at `read_at`."""
        if self.seconds <= 0:
            return
        user = token.user
        entry = _Entry(_copy(user), _copy(user.site) if user.site is not None else None, token.expires_at, read_at)
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def _copy(obj):
    """A detached copy of `obj`'s column values (volatile columns left unloaded)."""
    mapper = inspect(obj).mapper
    skip = VOLATILE.get(mapper.class_, frozenset())
    state = inspect(obj)
    values = {prop.key: state.dict[prop.key] for prop in mapper.column_attrs
              if prop.key not in skip and prop.key in state.dict}
    copy = mapper.class_(**values)
    make_transient_to_detached(copy)
    return copy


def attach(session, entry: _Entry) -> User:
    """The entry's user in `session`, without SQL, its `site` the site's copy; a user already in
    the session (a test or a CLI holding one) is returned as it is: its state is the newer."""
    present = session.identity_map.get(inspect(entry.user).key)
    if present is not None:
        return present
    site = _attached(session, entry.site) if entry.site is not None else None
    user = session.merge(entry.user, load=False)
    set_committed_value(user, "site", site)
    return user


def _attached(session, copy):
    present = session.identity_map.get(inspect(copy).key)
    return present if present is not None else session.merge(copy, load=False)


def clear_all() -> None:
    """Empty every cache of this process (an auth-relevant row changed here)."""
    for cache in list(_caches):
        cache.clear()


def _touches_auth(session) -> bool:
    return any(isinstance(obj, (User, Site, ApiToken))
               for obj in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances):
    if _touches_auth(session):
        session.info["auth_rows_changed"] = True
        clear_all()


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(orm_execute_state):
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    table = getattr(orm_execute_state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        orm_execute_state.session.info["auth_rows_changed"] = True
        clear_all()


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    # Another request of this process may have cached the old rows between the flush and
    # the commit: forget them too.
    if session.info.pop("auth_rows_changed", False):
        clear_all()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop("auth_rows_changed", None)
