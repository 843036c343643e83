"""bot.db.direct: a turn's hot writes in one hand-over to aiosqlite's thread on SQLite, with
what SQLAlchemy would have bound and raised; through the session elsewhere."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.db import direct
from bot.db.engine import create_engine
from bot.db.models import JsonData, UTCDateTime

META = MetaData()
ROWS = Table(
    "rows",
    META,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False, unique=True),
    Column("at", UTCDateTime(), nullable=True),
    Column("data", JsonData, nullable=True),
    Column("kind", String(10), nullable=True),
)
ADD = (
    insert(ROWS)
    .values(name=bindparam("name"), at=bindparam("at"), kind="fixed")
    .returning(ROWS.c.id)
)
TOUCH = (
    update(ROWS).where(ROWS.c.name == bindparam("match")).values(at=bindparam("at"), data={"x": 1})
)


async def _engine(tmp_path: Path) -> AsyncEngine:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/direct.db")
    async with engine.begin() as conn:
        await conn.run_sync(META.create_all)
    return engine


async def test_writes_bind_and_count_as_sqlalchemy_would(tmp_path: Path) -> None:
    engine = await _engine(tmp_path)
    sessions = async_sessionmaker(engine)
    when = datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    try:
        async with sessions() as session, session.begin():
            first = await direct.returning(session, ADD, {"name": "a", "at": when})
            second = await direct.returning(session, ADD, {"name": "b", "at": None})
            assert [first, second] == [[(1,)], [(2,)]]
            assert (
                await direct.write(session, TOUCH, {"match": "b", "at": when + timedelta(1)}) == 1
            )
            assert await direct.write(session, TOUCH, {"match": "nobody", "at": when}) == 0
        async with sessions() as session:  # committed, and read back through the ORM's types
            rows = (await session.execute(select(ROWS).order_by(ROWS.c.id))).all()
        assert [tuple(r) for r in rows] == [
            (1, "a", when, None, "fixed"),
            (2, "b", when + timedelta(1), {"x": 1}, "fixed"),
        ]
    finally:
        await engine.dispose()


async def test_the_write_runs_on_the_drivers_thread(tmp_path: Path) -> None:
    """Like every statement (tests/unit/test_sqlite_driver.py), never on the event loop's."""
    engine = await _engine(tmp_path)
    sessions = async_sessionmaker(engine)
    calls: list[int] = []
    try:
        async with sessions() as session, session.begin():
            raw = await (await session.connection()).get_raw_connection()
            driver: Any = raw.driver_connection

            def trace(statement: str) -> None:
                calls.append(threading.get_ident())

            await driver.set_trace_callback(trace)
            await direct.write(session, TOUCH, {"match": "a", "at": None})
            await driver.set_trace_callback(None)
        assert len(calls) == 1 and calls[0] != threading.get_ident()
    finally:
        await engine.dispose()


async def test_a_driver_error_is_sqlalchemys_and_quotes_no_values(tmp_path: Path) -> None:
    engine = await _engine(tmp_path)
    sessions = async_sessionmaker(engine)
    try:
        async with sessions() as session:
            await session.begin()
            await direct.returning(session, ADD, {"name": "same", "at": None})
            with pytest.raises(IntegrityError) as raised:
                await direct.returning(session, ADD, {"name": "same", "at": None})
            await session.rollback()
        assert "same" not in str(raised.value)
        async with sessions() as session:  # rolled back as a whole, connection still good
            assert (await session.execute(select(ROWS.c.id))).all() == []
    finally:
        await engine.dispose()
