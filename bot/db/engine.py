"""Engine and session factory. SQLite gets the pragmas a concurrent bot needs.

SQLite goes through SQLAlchemy's stock ``sqlite+aiosqlite`` dialect: every statement, BEGIN and
COMMIT runs on aiosqlite's thread, so no query (eight full-table counts, a 100k-row insert, a
WAL checkpoint in a commit) ever holds the event loop. Each statement costs three or four
hand-overs to that thread (cursor, execute, fetch for rows, close; ~47 µs of CPU each here), so
the hot paths save statements first (docs/performance.md). Issue 17 traded the one-trip driver
that ran turns on the event loop through aiosqlite's private internals for this (see the
README's figures).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import AdaptedConnection, Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# How long a statement waits for another connection's write lock before SQLITE_BUSY.
BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy, not the sqlite3 module, decides when transactions begin (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while one writer commits; NORMAL sync is durable across app crashes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # What is deleted is overwritten with zeros, not left readable in the file's free space.
    # Builds differ (Debian's SQLite defaults to ON, SQLite's own default is OFF): say so here.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


_BEGIN = "BEGIN IMMEDIATE"


def _begin_immediate(connection: Connection) -> None:
    """Take SQLite's write lock when a transaction starts. Concurrent handlers and the
    dispatcher then queue on busy_timeout instead of failing with SQLITE_BUSY when a read
    transaction later wants to write.

    Every transaction begins here (each turn, each inbox batch), so it is sent as one call on
    aiosqlite's thread, through SQLAlchemy's documented way to await the driver's own methods
    (``AdaptedConnection.run_async``) and aiosqlite's public ``execute_fetchall``: one
    hand-over to that thread, where a statement through SQLAlchemy's cursor takes three
    (cursor, execute, close) and its execution context besides. A failure (the write lock not
    had within busy_timeout) is raised as SQLAlchemy's error for it, as a statement's is."""
    adapted: object = connection.connection.dbapi_connection
    if not isinstance(adapted, AdaptedConnection):  # a synchronous driver: no hand-over
        connection.exec_driver_sql(_BEGIN)
        return
    try:
        adapted.run_async(lambda driver: driver.execute_fetchall(_BEGIN))
    except sqlite3.Error as exc:  # aiosqlite raises the sqlite3 module's errors
        raise DBAPIError.instance(_BEGIN, None, exc, sqlite3.Error, hide_parameters=True) from exc


def _reset_if_in_transaction(dbapi_connection: Any, record: Any, _state: Any) -> None:
    """The pool's reset of a connection it takes back: a rollback, but only when a transaction
    is open. The stock reset rolls back after every commit too, one more hand-over to
    aiosqlite's thread per transaction for nothing (``pool_reset_on_return=None`` below; this
    is SQLAlchemy's documented custom reset)."""
    driver = record.driver_connection
    try:
        open_transaction = driver is None or driver.in_transaction
    except ValueError:  # aiosqlite's "no active connection": closed, nothing to roll back
        return
    if open_transaction:
        dbapi_connection.rollback()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``; creates the SQLite file's folder when needed.

    Statement parameters are what people typed (and whole updates, for the inbox): a database
    error never quotes them, whatever the mode or log level (``hide_parameters``)."""
    kwargs["hide_parameters"] = True
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection per process: SQLite has one writer anyway, and waiting for the pool is
        # first come, first served, where SQLite's own busy handler is not (under load some
        # transactions waited past busy_timeout and failed with "database is locked").
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
        kwargs.setdefault("pool_reset_on_return", None)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        if kwargs["pool_reset_on_return"] is None:
            event.listen(engine.sync_engine, "reset", _reset_if_in_transaction)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
