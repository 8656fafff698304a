"""Failed-password throttling keyed on (username, client address), and on the signer for
e-signatures (issue 16, items 1 and 2).

Why this shape: a lockout keyed on the username alone lets anyone lock staff out and tells
which usernames exist. Keyed on (username, client), a stranger only locks themselves out,
and an unknown username is throttled exactly like a known one.

Each attempt is *reserved* before the password is hashed: one atomic upsert (its own short
transaction, so concurrent requests see it at once) increments the counter and returns it.
When the counter is over the limit the password is not even hashed. A right password
deletes the row. The window is fixed: `window_s` after the first counted attempt, the
counter starts again. Timestamps come from the injected clock.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import LoginThrottle

LOGIN, SIGNATURE = "login", "signature"
MAX_CLIENT_LENGTH = 64
MAX_USERNAME_LENGTH = 80


@dataclass(frozen=True)
class Reservation:
    attempts: int        # counted attempts in this window, this one included
    first_at: datetime   # when the window started
    limit: int
    window_s: int

    @property
    def over_limit(self) -> bool:
        return self.attempts > self.limit

    @property
    def just_locked(self) -> bool:
        """True for the one attempt that crossed the limit (audited once as a lockout)."""
        return self.attempts == self.limit + 1

    def retry_after(self, now) -> int:
        return max(1, int((self.first_at + timedelta(seconds=self.window_s) - now).total_seconds()) + 1)


def _insert():
    dialect = db.engine.dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(LoginThrottle)


def reserve(scope: str, username: str, client: str, now: datetime, *, limit: int, window_s: int) -> Reservation:
    """Count one attempt for (scope, username, client) atomically and commit it at once.

    Returns the Reservation; `over_limit` means refuse without checking the password.
    """
    username, client = username[:MAX_USERNAME_LENGTH], client[:MAX_CLIENT_LENGTH]
    window_start = now - timedelta(seconds=window_s)
    table = LoginThrottle.__table__
    expired = table.c.first_at < window_start
    from sqlalchemy import case

    statement = _insert().values(scope=scope, username=username, client=client, attempts=1, first_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["scope", "username", "client"],
        set_={"attempts": case((expired, 1), else_=table.c.attempts + 1),
              "first_at": case((expired, now), else_=table.c.first_at)},
    ).returning(table.c.attempts, table.c.first_at)
    if db.engine.dialect.name == "sqlite":
        # SQLite has one writer at a time: a second connection would wait on the session's own
        # write lock (a CLI or demo seed signing inside its transaction). Counted in the session;
        # a refusal keeps it (Problem.keep_changes), and SQLite serialises concurrent guesses anyway.
        attempts, first_at = db.session.execute(statement).one()
    else:
        # Its own connection and transaction: visible to concurrent guesses before we hash.
        with db.engine.begin() as connection:
            attempts, first_at = connection.execute(statement).one()
    if first_at.tzinfo is None:  # SQLite forgets the zone
        from datetime import timezone

        first_at = first_at.replace(tzinfo=timezone.utc)
    return Reservation(attempts, first_at, limit, window_s)


def clear(scope: str, username: str, client: str | None = None) -> None:
    """Forget the attempts of `username` (from `client`, or from everywhere: admin unlock)."""
    statement = delete(LoginThrottle).where(LoginThrottle.scope == scope,
                                            LoginThrottle.username == username[:MAX_USERNAME_LENGTH])
    if client is not None:
        statement = statement.where(LoginThrottle.client == client[:MAX_CLIENT_LENGTH])
    if db.engine.dialect.name == "sqlite":  # one writer at a time: in the session (see reserve)
        db.session.execute(statement)
        return
    with db.engine.begin() as connection:
        connection.execute(statement)


def client_has_failed(client: str, now: datetime, window_s: int) -> bool:
    """Whether `client` has a counted login attempt in the current window (the flood
    ceilings apply only to such clients, so a clean client is never refused)."""
    window_start = now - timedelta(seconds=window_s)
    statement = select(exists().where(LoginThrottle.scope == LOGIN, LoginThrottle.client == client[:MAX_CLIENT_LENGTH],
                                      LoginThrottle.first_at >= window_start))
    # A connection of its own, returned at once: the request holds at most one at a time.
    with db.engine.connect() as connection:
        return bool(connection.scalar(statement))


def is_locked(scope: str, username: str, now: datetime, *, limit: int, window_s: int) -> bool:
    """Whether any client is over the limit for `username` (shown to admins)."""
    window_start = now - timedelta(seconds=window_s)
    return bool(db.session.scalar(select(exists().where(
        LoginThrottle.scope == scope, LoginThrottle.username == username[:MAX_USERNAME_LENGTH],
        LoginThrottle.attempts > limit, LoginThrottle.first_at >= window_start))))
