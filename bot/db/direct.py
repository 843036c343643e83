"""The writes every turn makes, in one hand-over to SQLite's driver thread instead of three.

SQLAlchemy's aiosqlite adapter runs a statement as several calls on aiosqlite's thread (make a
cursor, execute, fetch, close), each a hand-over between the event loop and that thread: on a
busy machine each one waits for the other thread to be scheduled, and together they were most
of an update's CPU on SQLite (about 40 per update). The hot writes (an update marked handled,
a reply queued, delivered replies deleted) are prebuilt Core statements: on SQLite they run on
the same connection, in the transaction SQLAlchemy began, as one ``aiosqlite.Connection.execute``
(public API; the connection is SQLAlchemy's documented ``driver_connection``), compiled once by
the engine's own dialect with its own bind processors. A driver error is raised as SQLAlchemy's
wrapped one, as if SQLAlchemy had run it. Elsewhere (PostgreSQL: no thread to hand over to)
they run through the session as usual.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult, Delete, Insert, Update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

Write = Insert | Update | Delete


@dataclass(frozen=True)
class _Compiled:
    sql: str
    order: Sequence[str]  # bind names in placeholder order
    processors: Mapping[str, Callable[[Any], Any] | None]
    construct: Callable[..., MutableMapping[str, Any]]  # Compiled.construct_params


_COMPILED: dict[tuple[int, str], tuple[Write, _Compiled]] = {}


def _compiled(statement: Write, dialect: Dialect) -> _Compiled:
    """``statement`` as the engine would run it (cached: the statements are module constants,
    kept alive by the cache itself)."""
    key = (id(statement), dialect.name)
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is statement:
        return hit[1]
    compiled = statement.compile(dialect=dialect)
    binds = compiled.binds
    made = _Compiled(
        compiled.string,
        list(compiled.positiontup or ()),
        {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in binds.items()
        },
        compiled.construct_params,
    )
    _COMPILED[key] = (statement, made)
    return made


async def _sqlite_execute(
    session: AsyncSession, statement: Write, params: Mapping[str, Any], rows: bool
) -> tuple[int, list[Any]]:
    connection = await session.connection()  # begins the session's transaction if needed
    dialect = connection.dialect
    compiled = _compiled(statement, dialect)
    values = compiled.construct(params)
    bound = []
    for name in compiled.order:
        value = values[name]
        processor = compiled.processors[name]
        bound.append(processor(value) if processor is not None else value)
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    try:
        if rows:
            fetched = list(await driver.execute_fetchall(compiled.sql, bound))
            return len(fetched), fetched
        cursor = await driver.execute(compiled.sql, bound)
        return cursor.rowcount, []
    except sqlite3.Error as exc:
        raise DBAPIError.instance(
            compiled.sql, None, exc, sqlite3.Error, hide_parameters=True, dialect=dialect
        ) from exc


def _sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def write(session: AsyncSession, statement: Write, params: Mapping[str, Any]) -> int:
    """Run ``statement`` (no RETURNING) in the session's transaction; returns the rows it
    changed."""
    if _sqlite(session):
        return (await _sqlite_execute(session, statement, params, rows=False))[0]
    result = await session.execute(statement, params)
    assert isinstance(result, CursorResult)
    return result.rowcount


async def returning(
    session: AsyncSession, statement: Write, params: Mapping[str, Any]
) -> list[Any]:
    """Run ``statement`` (with RETURNING) in the session's transaction; returns its rows."""
    if _sqlite(session):
        return (await _sqlite_execute(session, statement, params, rows=True))[1]
    return list(await session.execute(statement, params))
