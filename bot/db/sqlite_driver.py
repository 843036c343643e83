"""SQLite statements in one trip to the driver's thread instead of four, or none for a turn.

aiosqlite runs every sqlite3 call in its own thread, one hand-over per call. SQLAlchemy's
aiosqlite adapter makes four per statement (open a cursor, execute, fetch, close), and each is
a future, a queue put, a thread wake-up and a loop wake-up: about 170 µs of CPU per statement
where the statement itself costs ~30 µs (measured on this project's 2-core machine). A turn runs
5-7 statements on SQLite's one connection, so those hand-overs were both CPU and the time the
next turn waits for the connection.

:class:`OneTripConnection` is an :class:`aiosqlite.Connection` whose cursor does cursor,
execute, fetch and close in a single call on the driver's thread, keeping the results for the
adapter to read. SQLAlchemy is handed it through ``create_async_engine(async_creator=...)``
(bot.db.engine), its documented way to supply the driver-level connection; everything else
(transactions, isolation level, functions, closing) is aiosqlite's own. What it relies on of
aiosqlite beyond its public API is ``Connection._execute`` (run a function on the connection's
thread) and ``_conn`` — pinned in requirements.lock and covered by the whole test suite.

Within :func:`on_event_loop` (a turn: one person's few small statements) the whole transaction
skips the trips and runs on the event loop's own thread: a small statement takes tens of
microseconds there, a trip ~100 µs of CPU. Two things could make the loop wait, and neither
does:

* a lock: transactions begin with ``BEGIN IMMEDIATE`` (bot.db.engine), the one statement that
  waits for another connection's write lock. On the loop it is tried without waiting (busy
  timeout 0); when another connection (another process: each has one, see bot.db.engine) holds
  the lock, it is begun again on the driver's thread, which waits the busy timeout as before.
* the disk: a ``COMMIT`` that checkpoints the WAL copies pages into the database file and
  syncs it. Automatic checkpoints are off on these connections; a commit on the driver's thread
  checkpoints (PASSIVE) once :data:`CHECKPOINT_AFTER_CHANGES` rows have changed since the last,
  and a turn's commit that would reach that goes there. In WAL mode with ``synchronous=NORMAL``
  any other commit only appends to the WAL, without syncing.

Nor do two threads ever use the connection at once: a task cancelled while it awaits a trip
(a timeout, shutdown) leaves that job running on the driver's thread, and until it has finished
everything takes the trip, queued behind it.

Background work (the scheduler's batches of a thousand rows take ~20 ms) keeps every trip, so
the loop stays responsive. Under a burst of debrief steps the turn's statements on the loop took
the bot's thread switches from 28 to 18 per update and its CPU by ~10%; beginning and ending
its transactions there, to 0.1 per update, and its CPU per update from ~2.3 to ~1.6 ms.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

import aiosqlite

Outcome = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows

BUSY_TIMEOUT_MS = 5000  # how long a statement waits for a lock (set by bot.db.engine)
# Rows changed between checkpoints. The WAL then stays within a few MB (SQLite's own automatic
# checkpoint runs at 1,000 pages, ~4 MB) and a checkpoint takes a few ms on the driver's thread.
CHECKPOINT_AFTER_CHANGES = 1000

# The task that asked for on_event_loop. A task started meanwhile inherits the variable (and
# so may a scheduler timer set meanwhile, with every job it later starts), but it is another
# task: its statements keep to the driver's thread.
_ON_LOOP: ContextVar[asyncio.Task[Any] | None] = ContextVar("rebound_sqlite_on_loop", default=None)


@contextlib.contextmanager
def on_event_loop() -> Iterator[None]:
    """Statements inside a transaction run on the event loop's thread while this is open, in
    the current task only. For a few small statements; a no-op for other databases."""
    token = _ON_LOOP.set(asyncio.current_task())
    try:
        yield
    finally:
        _ON_LOOP.reset(token)


def _asked_here() -> bool:
    """Is the running task the one that opened :func:`on_event_loop`?"""
    asked_by = _ON_LOOP.get()
    return asked_by is not None and asked_by is asyncio.current_task()


def _begin_without_waiting(connection: sqlite3.Connection, sql: str) -> bool:
    """``sql`` (a BEGIN) if the lock is free at once; False when another connection holds it."""
    connection.execute("PRAGMA busy_timeout=0")
    try:
        connection.execute(sql)
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:  # primary code of an extended one
            raise
        return False
    finally:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return True


def _commit_and_checkpoint(connection: sqlite3.Connection) -> None:
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> Outcome:
    """On the driver's thread: the whole statement, results included."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor:
    """What SQLAlchemy's adapter asks of an aiosqlite cursor, with the statement and its rows
    fetched in one trip; fetching and closing then cost no trip at all."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def _trip(self, sql: str, parameters: Any, many: bool) -> OneTripCursor:
        conn = self._connection._conn
        here = self._connection.here()
        if here and conn.in_transaction:
            outcome: Outcome = _run(conn, sql, parameters, many)
        elif here and sql.startswith("BEGIN") and _begin_without_waiting(conn, sql):
            outcome = (None, -1, None, [])
        else:
            outcome = await self._connection._execute(_run, conn, sql, parameters, many)
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def execute(self, sql: str, parameters: Any = None) -> OneTripCursor:
        return await self._trip(sql, parameters, many=False)

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> OneTripCursor:
        return await self._trip(sql, parameters, many=True)

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    _checkpointed_at = 0  # the connection's total_changes at its last checkpoint
    # Jobs handed to the driver's thread, and jobs it has finished; each written by one thread.
    _handed_over = 0
    _finished = 0

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    def here(self) -> bool:
        """May the running task use the connection on the event loop? Only the task that
        opened :func:`on_event_loop`, and only while the driver's thread has nothing of ours."""
        return _asked_here() and self._finished == self._handed_over

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """aiosqlite's hand-over to its thread, counted (see :meth:`here`)."""

        def counted() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                self._finished += 1

        self._handed_over += 1
        return await super()._execute(counted)  # type: ignore[no-untyped-call]

    async def commit(self) -> None:
        """On the loop for the task that asked, unless a checkpoint is due: then on the driver's
        thread with the checkpoint. No trip when no transaction is open (sqlite3 would do
        nothing there either)."""
        conn = self._conn
        if not conn.in_transaction:
            return
        if conn.total_changes - self._checkpointed_at < CHECKPOINT_AFTER_CHANGES:
            if self.here():
                conn.commit()
            else:
                await super().commit()
            return
        await self._execute(_commit_and_checkpoint, conn)
        self._checkpointed_at = conn.total_changes

    async def rollback(self) -> None:
        """On the loop for the task that asked (nothing is written); no trip when no
        transaction is open (the pool's reset of every connection it takes back)."""
        if not self._conn.in_transaction:
            return
        if self.here():
            self._conn.rollback()
        else:
            await super().rollback()


def connector(database: str) -> Callable[[], Awaitable[OneTripConnection]]:
    """``async_creator`` for ``create_async_engine``: a connection to ``database`` (a path or
    ``:memory:``), its thread a daemon as SQLAlchemy makes aiosqlite's."""

    async def connect() -> OneTripConnection:
        # check_same_thread off: within on_event_loop, statements run on the loop's thread. The
        # pool's one connection is used by one task at a time, so calls never overlap.
        connection = OneTripConnection(
            lambda: sqlite3.connect(database, check_same_thread=False), iter_chunk_size=64
        )
        connection._thread.daemon = True  # an unclosed connection must not hold the exit
        await connection  # starts the thread and connects
        # Checkpoints come from commit() on the driver's thread, never in a commit on the loop.
        await connection.execute("PRAGMA wal_autocheckpoint=0")
        return connection

    return connect
