"""SQLite under SQLAlchemy's stock aiosqlite dialect: the pragmas, BEGIN IMMEDIATE, one
connection, and every statement on aiosqlite's thread, never on the event loop's."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import BUSY_TIMEOUT_MS, create_engine

META = MetaData()
NOTES = Table(
    "notes",
    META,
    Column("id", Integer, primary_key=True),
    Column("text", String(50), nullable=False, unique=True),
)


def _where_am_i(engine: AsyncEngine) -> list[int]:
    """A SQL function where_am_i() that notes the thread each call runs on."""
    seen: list[int] = []

    def register(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function(
            "where_am_i", 0, lambda: seen.append(threading.get_ident()) or 1
        )

    event.listen(engine.sync_engine, "connect", register)
    return seen


async def test_results_counts_and_errors(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/one.db")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            raw = await conn.get_raw_connection()
            assert type(raw.driver_connection) is aiosqlite.Connection  # the stock driver

            first = await conn.execute(insert(NOTES).values(text="Grüße 👋"))
            assert first.inserted_primary_key == (1,)
            await conn.execute(insert(NOTES), [{"text": "b"}, {"text": "c"}])  # executemany
            returned = await conn.execute(
                insert(NOTES).values(text="d").returning(NOTES.c.id, NOTES.c.text)
            )
            assert returned.all() == [(4, "d")]
            changed = await conn.execute(
                update(NOTES).where(NOTES.c.id > 2).values(text=NOTES.c.text + "!")
            )
            assert changed.rowcount == 2
            rows = (await conn.execute(select(NOTES.c.text).order_by(NOTES.c.id))).scalars()
            assert list(rows) == ["Grüße 👋", "b", "c!", "d!"]

        async with engine.connect() as conn:
            with pytest.raises(IntegrityError):  # the driver's error, mapped as usual
                await conn.execute(insert(NOTES).values(text="b"))
            await conn.rollback()
            # The connection is still good after a failed statement.
            assert (await conn.execute(select(NOTES.c.id).where(NOTES.c.text == "b"))).scalar() == 2
    finally:
        await engine.dispose()


async def test_pragmas_and_one_connection(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/pragmas.db")
    try:
        async with engine.connect() as conn:

            async def pragma(name: str) -> object:
                return (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()

            assert await pragma("journal_mode") == "wal"
            assert await pragma("synchronous") == 1  # NORMAL
            assert await pragma("foreign_keys") == 1
            assert await pragma("busy_timeout") == BUSY_TIMEOUT_MS
        assert engine.pool.size() == 1  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_every_statement_runs_on_the_drivers_thread(tmp_path: Path) -> None:
    """BEGIN, the statements and COMMIT of any transaction (a turn's too) leave the event
    loop's thread free: a long query cannot hold up other chats."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/thread.db")
    seen = _where_am_i(engine)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            await conn.execute(insert(NOTES).values(text=func.where_am_i()))
            await conn.execute(select(func.where_am_i()))
        assert len(seen) == 2
        assert threading.get_ident() not in seen
    finally:
        await engine.dispose()


async def test_a_turns_transaction_runs_there_too(tmp_path: Path) -> None:
    """Runtime.small_transaction (every turn, the inbox) is no exception: it ran on the event
    loop's thread until issue 17, so /admin stats' counts and a broadcast's inserts held it."""
    from bot.clock import FrozenClock
    from bot.config import load_settings
    from bot.content import load_content
    from bot.db.engine import create_sessionmaker
    from bot.runtime import Runtime, flow_specs

    url = f"sqlite+aiosqlite:///{tmp_path}/turn.db"
    engine = create_engine(url)
    seen = _where_am_i(engine)
    rt = Runtime(
        load_settings(_env_file=None, database_url=url, data_dir=tmp_path),
        engine,
        create_sessionmaker(engine),
        load_content(),
        FrozenClock(datetime(2026, 12, 6, 12, tzinfo=UTC)),
        flow_specs(),
    )
    try:
        async with rt.small_transaction() as session:
            await session.execute(select(func.where_am_i()))
        assert len(seen) == 1
        assert seen[0] != threading.get_ident()
    finally:
        await engine.dispose()


@pytest.mark.slow
async def test_a_long_query_does_not_hold_the_loop(tmp_path: Path) -> None:
    """A query of a few hundred milliseconds: the loop keeps ticking meanwhile."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/long.db")
    count = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
        "SELECT count(*) FROM n"
    )
    worst = 0.0

    async def ticker() -> None:
        nonlocal worst
        while True:
            started = time.monotonic()
            await asyncio.sleep(0.001)
            worst = max(worst, time.monotonic() - started)

    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
            ticking = asyncio.create_task(ticker())
            started = time.monotonic()
            assert (await conn.exec_driver_sql(count)).scalar() == 3_000_000
            took = time.monotonic() - started
            ticking.cancel()
        # The query took long; no wait between ticks came near it (generous: a shared machine).
        assert took > 0.2
        assert worst < took / 2
    finally:
        await engine.dispose()


async def test_transactions_take_the_write_lock_and_wait_for_it(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a transaction holds SQLite's write lock from its start, and waits (off
    the loop, up to busy_timeout) while another process holds it."""
    path = tmp_path / "locked.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)  # as another process would
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
        async with engine.begin() as conn:
            await conn.execute(select(NOTES.c.id))  # a read, yet the lock is taken
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")

        other.execute("BEGIN IMMEDIATE")

        async def turn() -> None:
            async with engine.begin() as conn:
                await conn.execute(insert(NOTES).values(text="after the wait"))

        waiting = asyncio.create_task(turn())
        started = time.monotonic()
        for _ in range(10):
            await asyncio.sleep(0.01)  # the loop keeps running meanwhile
        assert time.monotonic() - started < 0.5
        assert not waiting.done()
        other.execute("COMMIT")
        await asyncio.wait_for(waiting, 5)
        async with engine.connect() as conn:
            assert (await conn.execute(select(NOTES.c.text))).scalars().all() == ["after the wait"]
    finally:
        other.close()
        await engine.dispose()


async def test_the_pool_rolls_back_only_a_transaction_left_open(tmp_path: Path) -> None:
    """The pool's reset when it takes a connection back: a rollback if a transaction is open
    (the write lock is released), none after a commit (a hand-over to the driver's thread for
    nothing)."""
    path = tmp_path / "reset.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            adapter = type((await conn.get_raw_connection()).dbapi_connection)
        with mock.patch.object(adapter, "rollback", autospec=True, side_effect=adapter.rollback):
            async with engine.begin() as conn:
                await conn.execute(insert(NOTES).values(text="kept"))
            assert adapter.rollback.call_count == 0  # type: ignore[attr-defined]

            conn = await engine.connect()
            raw = await conn.get_raw_connection()
            await raw.driver_connection.execute("BEGIN IMMEDIATE")  # behind SQLAlchemy's back
            await raw.driver_connection.execute("INSERT INTO notes (text) VALUES ('dropped')")
            await conn.close()
            assert adapter.rollback.call_count == 1  # type: ignore[attr-defined]
        other.execute("BEGIN IMMEDIATE")  # the lock was released
        other.execute("COMMIT")
        async with engine.connect() as conn:
            assert (await conn.execute(select(NOTES.c.text))).scalars().all() == ["kept"]
    finally:
        other.close()
        await engine.dispose()


async def test_begin_is_one_call_on_the_drivers_thread(tmp_path: Path) -> None:
    """Every transaction starts with BEGIN IMMEDIATE: it goes to aiosqlite's thread as one
    call of its public ``execute_fetchall`` (no cursor opened and closed for it, two
    hand-overs to that thread fewer per transaction), and it still takes the write lock."""
    path = tmp_path / "begin.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    driver = aiosqlite.Connection
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
        with (
            mock.patch.object(driver, "cursor", autospec=True, side_effect=driver.cursor) as cursor,
            mock.patch.object(
                driver, "execute_fetchall", autospec=True, side_effect=driver.execute_fetchall
            ) as fetchall,
        ):
            async with engine.begin():
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
        assert [call.args[1:] for call in fetchall.call_args_list] == [("BEGIN IMMEDIATE",)]
        assert cursor.call_count == 0
    finally:
        other.close()
        await engine.dispose()


async def test_a_begin_that_cannot_have_the_lock_fails_as_a_statement_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the write lock past busy_timeout: SQLAlchemy's
    OperationalError, as for any statement (what the error handler and the inbox expect)."""
    monkeypatch.setattr("bot.db.engine.BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "busy.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked") as failed:
            async with engine.begin() as conn:
                await conn.execute(insert(NOTES).values(text="never"))
        assert isinstance(failed.value.orig, sqlite3.OperationalError)
        other.execute("COMMIT")
        async with engine.begin() as conn:  # the connection is good afterwards
            await conn.execute(insert(NOTES).values(text="later"))
            assert (await conn.execute(select(NOTES.c.text))).scalars().all() == ["later"]
    finally:
        other.close()
        await engine.dispose()
