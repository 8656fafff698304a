"""A client-side deadline for PostgreSQL statements and pool pings (issue 16, item 6).

`statement_timeout` is enforced by the server, so it cannot help when the server cannot be
heard (a network partition, a frozen host): the client would wait on its socket forever.
TCP_USER_TIMEOUT (set too) covers data the peer never acknowledges, but a middlebox that
acknowledges and then drops everything defeats it. So one watchdog thread keeps a deadline
per running statement and, when one passes, shuts the connection's socket down: the
blocked call fails at once with an OperationalError (a disconnect, so SQLAlchemy discards
the connection) and the request answers 503.

Deadlines: statements DB_STATEMENT_TIMEOUT_MS + 1 s (the server's own timeout fires first
when it can); the ping on pool checkout 1 s (it replaces `pool_pre_ping`, whose ping runs
outside SQLAlchemy's events and so could not be watched).
"""
import heapq
import itertools
import os
import socket
import threading
import time

from sqlalchemy import event, exc

PING_DEADLINE_S = 1.0
STATEMENT_GRACE_S = 1.0


class Watchdog:
    """Deadlines by token; `shutdown_socket(fd)` runs for those that pass."""

    def __init__(self):
        self._heap, self._live = [], {}
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._thread = None

    def watch(self, fd: int, seconds: float) -> int:
        token = next(self._counter)
        deadline = time.monotonic() + seconds
        with self._cond:
            self._live[token] = fd
            # The thread sleeps until the earliest deadline on the heap (released or not) and
            # then looks again: wake it only for a sooner one. Waking it on every statement
            # cost a thread switch per query (issue 19).
            sooner = not self._heap or deadline < self._heap[0][0]
            heapq.heappush(self._heap, (deadline, token))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()
            elif sooner:
                self._cond.notify()
        return token

    def release(self, token: int) -> None:
        with self._cond:
            self._live.pop(token, None)

    def _run(self):
        with self._cond:
            while True:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)  # released in time
                if not self._heap:
                    self._cond.wait(timeout=30)
                    continue
                deadline, token = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(timeout=wait)
                    continue
                heapq.heappop(self._heap)
                fd = self._live.pop(token, None)
                if fd is not None:
                    shutdown_socket(fd)


def shutdown_socket(fd: int) -> None:
    """Make any blocked read or write on `fd` fail now (the fd itself stays open)."""
    try:
        duplicate = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()


_watchdog = Watchdog()


def _fd(dbapi_connection) -> int | None:
    pgconn = getattr(dbapi_connection, "pgconn", None)
    try:
        return pgconn.socket if pgconn is not None else None
    except Exception:  # a closed connection has no socket
        return None


def install(engine, statement_timeout_ms: int) -> None:
    """Watch every statement of `engine` and ping connections on checkout (PostgreSQL)."""
    statement_s = statement_timeout_ms / 1000 + STATEMENT_GRACE_S

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        fd = _fd(conn.connection.dbapi_connection)
        if fd is not None:
            conn.info.setdefault("_watch_tokens", []).append(_watchdog.watch(fd, statement_s))

    def _release(conn):
        tokens = conn.info.get("_watch_tokens")
        if tokens:
            _watchdog.release(tokens.pop())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        _release(conn)

    @event.listens_for(engine, "handle_error")
    def _error(context):
        if context.connection is not None:
            _release(context.connection)

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_connection, connection_record, connection_proxy):
        fd = _fd(dbapi_connection)
        token = _watchdog.watch(fd, PING_DEADLINE_S) if fd is not None else None
        try:
            # In autocommit, so that the ping opens no transaction: a read that needs none
            # (app.common.generations) can then run without BEGIN and COMMIT round trips.
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            try:
                cursor = dbapi_connection.cursor()
                cursor.execute("SELECT 1")
                cursor.close()
            finally:
                dbapi_connection.autocommit = autocommit
        except Exception as error:
            # The pool discards this connection and tries a fresh one (connect_timeout).
            raise exc.DisconnectionError(f"ping failed: {type(error).__name__}") from None
        finally:
            if token is not None:
                _watchdog.release(token)
