"""SQLite for SQLAlchemy's ``sqlite+aiosqlite`` dialect, one hand-over per statement.

aiosqlite runs every call on a thread of its own, which keeps the event loop free; but
SQLAlchemy's adapter makes each statement three or four calls there (open a cursor, execute,
fetch the rows, close), and each call is a hand-over between the two threads: a queue put that
wakes the worker, a ``call_soon_threadsafe`` that wakes the loop (~47 µs of CPU each on this
machine; ~19 per update of the benchmark's burst, the largest single cost of an update after
Python itself).

:func:`connect` makes a connection with the same shape as an ``aiosqlite.Connection`` (the
asyncio DBAPI that SQLAlchemy's dialect drives), handed to the engine through
``create_async_engine``'s documented ``async_creator``. Its cursor executes the statement,
fetches every row and closes in **one** call on its thread, so a statement is one hand-over;
BEGIN and COMMIT one each. Everything still runs on that thread, never on the loop's, and one
call at a time, in order.

Nothing of aiosqlite or of the dialect is reached into: the dialect reads ``isolation_level``
and, before a commit or rollback, whether the driver connection is open (the attribute it reads
on an aiosqlite connection, ``_connection``, is given here as a property; a new SQLAlchemy that
reads something else fails ``tests/unit/test_sqlite_driver.py`` before it ships). Its
isolation-level setter is never called: the connection is opened in autocommit mode
(``isolation_level=None``, SQLAlchemy issues BEGIN itself), as the engine's pragmas ask.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from queue import SimpleQueue
from typing import Any, TypeVar

T = TypeVar("T")
# Rows fetched with the statement itself; a longer result is fetched a chunk per hand-over.
CHUNK = 20


class _Worker:
    """One thread for one sqlite3 connection: calls run there one at a time, in order."""

    def __init__(self) -> None:
        self.calls: SimpleQueue[Callable[[], None] | None] = SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="rebound-sqlite", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (call := self.calls.get()) is not None:
            call()

    async def call(self, fn: Callable[[], T]) -> T:
        """``fn()`` on the thread; one hand-over there and one back."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def run() -> None:
            try:
                result = fn()
            except BaseException as exc:  # handed to the awaiting coroutine
                _deliver(loop, _set_exception, future, exc)
            else:
                _deliver(loop, _set_result, future, result)

        self.calls.put_nowait(run)
        return await future

    def stop(self, last: Callable[[], None] | None = None) -> None:
        """End the thread once the calls queued so far (and ``last``) have run."""
        if last is not None:
            self.calls.put_nowait(last)
        self.calls.put_nowait(None)


def _deliver(loop: asyncio.AbstractEventLoop, setter: Callable[..., None], *args: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
        loop.call_soon_threadsafe(setter, *args)


def _set_result(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # its awaiter may have been cancelled meanwhile
        future.set_result(result)


def _set_exception(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


class Cursor:
    """A statement's outcome. Its first :data:`CHUNK` rows are fetched on the thread with the
    statement itself, and a statement with no more rows is closed there too: one hand-over
    for every statement a turn makes. A longer result keeps its cursor open and fetches the
    rest a chunk per hand-over, as aiosqlite did, so a streamed read (``/export``) gives the
    loop back between chunks."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._owner = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: deque[Any] = deque()
        self._more: sqlite3.Cursor | None = None  # still has rows to fetch (on the thread)

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        return None

    def _outcome(self, cursor: sqlite3.Cursor) -> None:
        """On the thread, right after the statement ran."""
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        rows = cursor.fetchmany(CHUNK) if cursor.description else []
        self._rows = deque(rows)
        if len(rows) == CHUNK:
            self._more = cursor
        else:
            cursor.close()

    async def _run(self, statement: Callable[[sqlite3.Cursor], object]) -> Cursor:
        raw = self._owner.opened()
        await self.close()

        def run() -> None:
            cursor = raw.cursor()
            try:
                statement(cursor)
                self._outcome(cursor)
            except BaseException:
                cursor.close()
                raise

        await self._owner.worker.call(run)
        return self

    async def execute(self, operation: str, parameters: Any = None) -> Cursor:
        if parameters is None:
            return await self._run(lambda cursor: cursor.execute(operation))
        return await self._run(lambda cursor: cursor.execute(operation, parameters))

    async def executemany(self, operation: str, seq_of_parameters: Iterable[Any]) -> Cursor:
        return await self._run(lambda cursor: cursor.executemany(operation, seq_of_parameters))

    async def _fetch(self, size: int | None) -> None:
        """``size`` more rows (None: all that are left) into the buffer, on the thread."""
        cursor = self._more
        if cursor is None:
            return

        def fetch() -> list[Any]:
            rows = cursor.fetchall() if size is None else cursor.fetchmany(size)
            if size is None or len(rows) < size:
                cursor.close()
            return rows

        rows = await self._owner.worker.call(fetch)
        if size is None or len(rows) < size:
            self._more = None
        self._rows.extend(rows)

    async def fetchone(self) -> Any:
        if not self._rows:
            await self._fetch(CHUNK)
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        size = size or self.arraysize
        if len(self._rows) < size:
            await self._fetch(max(size - len(self._rows), CHUNK))
        rows = self._rows
        return [rows.popleft() for _ in range(min(size, len(rows)))]

    async def fetchall(self) -> Sequence[Any]:
        await self._fetch(None)
        taken = list(self._rows)
        self._rows.clear()
        return taken

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._rows_left()

    async def _rows_left(self) -> AsyncIterator[Any]:
        while (row := await self.fetchone()) is not None:
            yield row

    async def close(self) -> None:
        self._rows.clear()
        cursor, self._more = self._more, None
        if cursor is not None and self._owner.raw is not None:
            await self._owner.worker.call(cursor.close)

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None

    def setoutputsize(self, *_args: Any) -> None:
        return None


class Connection:
    """The asyncio DBAPI connection SQLAlchemy's aiosqlite dialect drives (see the module)."""

    def __init__(self, raw: sqlite3.Connection, worker: _Worker) -> None:
        self.raw: sqlite3.Connection | None = raw
        self.worker = worker

    @property
    def _connection(self) -> sqlite3.Connection | None:
        """Open or not: what the dialect checks before a commit or rollback."""
        return self.raw

    def opened(self) -> sqlite3.Connection:
        if self.raw is None:
            raise ValueError("no active connection")  # as aiosqlite says it
        return self.raw

    @property
    def isolation_level(self) -> str | None:
        return self.opened().isolation_level

    @property
    def in_transaction(self) -> bool:
        return self.opened().in_transaction

    def cursor(self) -> Cursor:
        self.opened()
        return Cursor(self)

    async def execute(self, operation: str, parameters: Any = None) -> Cursor:
        return await self.cursor().execute(operation, parameters)

    async def commit(self) -> None:
        await self.worker.call(self.opened().commit)

    async def rollback(self) -> None:
        await self.worker.call(self.opened().rollback)

    async def create_function(self, *args: Any, **kw: Any) -> None:
        raw = self.opened()
        await self.worker.call(lambda: raw.create_function(*args, **kw))

    async def close(self) -> None:
        if self.raw is None:
            return
        raw, self.raw = self.raw, None
        try:
            await self.worker.call(raw.close)
        finally:
            self.worker.stop()

    def stop(self) -> None:
        """Close without waiting (SQLAlchemy's terminate, e.g. outside any event loop)."""
        if self.raw is None:
            return
        raw, self.raw = self.raw, None
        self.worker.stop(last=raw.close)


async def connect(database: str, **kwargs: Any) -> Connection:
    """Open ``database`` on a new worker thread, in autocommit mode (SQLAlchemy begins)."""
    worker = _Worker()

    def opening() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(
            database, isolation_level=None, check_same_thread=False, **kwargs
        )
        return connection

    try:
        raw = await worker.call(opening)
    except BaseException:
        worker.stop()
        raise
    return Connection(raw, worker)
