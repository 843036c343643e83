"""The one-trip SQLite connection under SQLAlchemy: results, counts and errors as the stock
aiosqlite adapter gives them, in one trip to the driver's thread per statement."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db import sqlite_driver
from bot.db.engine import create_engine

META = MetaData()
NOTES = Table(
    "notes",
    META,
    Column("id", Integer, primary_key=True),
    Column("text", String(50), nullable=False, unique=True),
)


async def test_results_counts_and_errors(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/one.db")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, sqlite_driver.OneTripConnection)

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


async def test_one_trip_per_statement(tmp_path: Path) -> None:
    """A SELECT with rows takes one trip to the driver's thread (the stock adapter takes four:
    cursor, execute, fetch, close)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/trips.db")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            await conn.execute(insert(NOTES), [{"text": str(i)} for i in range(5)])
        async with engine.begin() as conn:  # BEGIN IMMEDIATE is a trip of its own, before
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, sqlite_driver.OneTripConnection)
            driver = type(raw.driver_connection)
            with mock.patch.object(
                driver, "_execute", autospec=True, side_effect=driver._execute
            ) as trips:
                rows = (await conn.execute(select(NOTES.c.text))).all()
            assert len(rows) == 5
            assert trips.call_count == 1
    finally:
        await engine.dispose()


async def test_url_options_keep_the_stock_driver(tmp_path: Path) -> None:
    """Options in the URL are aiosqlite.connect's to interpret: no async_creator then."""
    with mock.patch("bot.db.engine.create_async_engine", wraps=create_async_engine) as create:
        engines = [
            create_engine(f"sqlite+aiosqlite:///{tmp_path}/x.db?timeout=3"),
            create_engine(f"sqlite+aiosqlite:///{tmp_path}/y.db"),
        ]
    assert "async_creator" not in create.call_args_list[0].kwargs
    assert "async_creator" in create.call_args_list[1].kwargs
    for engine in engines:
        await engine.dispose()


async def test_on_event_loop_runs_the_whole_transaction_without_a_trip(tmp_path: Path) -> None:
    """Within on_event_loop: BEGIN IMMEDIATE, the statements and COMMIT run on the loop's
    thread, with no trip. Outside it, and in a task started meanwhile, every one takes its
    trip as before."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/loop.db")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = type(raw.driver_connection)
            seen_on: list[int] = []
            raw.driver_connection._conn.create_function(  # the loop's thread may call it now
                "where_am_i", 0, lambda: seen_on.append(threading.get_ident()) or 1
            )
            with mock.patch.object(
                driver, "_execute", autospec=True, side_effect=driver._execute
            ) as trips:
                with sqlite_driver.on_event_loop():
                    async with conn.begin():
                        await conn.execute(insert(NOTES).values(text="on the loop"))
                        await conn.execute(select(func.where_am_i()))
                    rows = (await conn.execute(select(NOTES.c.text))).scalars().all()
                    await conn.rollback()
                assert trips.call_count == 0
                assert rows == ["on the loop"]
                assert seen_on == [threading.get_ident()]

                async with conn.begin():
                    await conn.execute(select(func.where_am_i()))
                assert trips.call_count == 3  # BEGIN, the SELECT, COMMIT
                assert seen_on[1] != threading.get_ident()  # on the driver's thread

                async def elsewhere() -> None:
                    async with conn.begin():
                        await conn.execute(select(func.where_am_i()))

                with sqlite_driver.on_event_loop():
                    # A task started meanwhile inherits the context, but is not the task that
                    # asked: background work it starts keeps to the driver's thread.
                    await asyncio.create_task(elsewhere())
                assert seen_on[2] != threading.get_ident()
                assert trips.call_count == 6
    finally:
        await engine.dispose()


async def test_a_held_lock_is_waited_for_on_the_drivers_thread(tmp_path: Path) -> None:
    """Another process holds the write lock: the turn's BEGIN is not waited for on the loop
    (it keeps serving others) but on the driver's thread, and goes ahead once it is free."""
    path = tmp_path / "locked.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)  # as another process would
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
        other.execute("BEGIN IMMEDIATE")

        async def turn() -> None:
            with sqlite_driver.on_event_loop():
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
            busy = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
            assert busy == sqlite_driver.BUSY_TIMEOUT_MS  # put back after the try
    finally:
        other.close()
        await engine.dispose()


async def test_checkpoints_only_on_the_drivers_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's automatic checkpoint is off; the commit that reaches CHECKPOINT_AFTER_CHANGES
    takes a trip and checkpoints there, the others stay on the loop."""
    monkeypatch.setattr(sqlite_driver, "CHECKPOINT_AFTER_CHANGES", 5)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/wal.db")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(META.create_all)
            assert (await conn.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar() == 0
            raw = await conn.get_raw_connection()
            driver = type(raw.driver_connection)
        with (
            mock.patch.object(
                driver, "_execute", autospec=True, side_effect=driver._execute
            ) as trips,
            sqlite_driver.on_event_loop(),
        ):
            for n in range(4):  # 2 rows each: changes 2, 4, 6 (checkpoint), 8
                async with engine.begin() as conn:
                    await conn.execute(insert(NOTES), [{"text": f"{n}a"}, {"text": f"{n}b"}])
        assert [call.args[1] for call in trips.call_args_list] == [
            sqlite_driver._commit_and_checkpoint
        ]
    finally:
        await engine.dispose()


async def test_nothing_runs_on_the_loop_while_the_thread_has_a_job(tmp_path: Path) -> None:
    """A task cancelled while awaiting a trip leaves the job running on the driver's thread;
    until it ends, even the task that asked for on_event_loop queues behind it rather than use
    the connection from a second thread at once."""
    connection = await sqlite_driver.connector(str(tmp_path / "busy.db"))()
    try:
        await connection.execute("PRAGMA journal_mode=WAL")
        slow = asyncio.create_task(connection._execute(time.sleep, 0.3))
        await asyncio.sleep(0.05)
        slow.cancel()
        with sqlite_driver.on_event_loop():
            assert not connection.here()
            started = time.monotonic()
            await connection.cursor().execute("BEGIN IMMEDIATE")
            assert time.monotonic() - started > 0.15  # waited for the sleep to end
            assert connection.here()  # the thread is idle again: back on the loop
            await connection.cursor().execute("CREATE TABLE t (x)")
            await connection.commit()
    finally:
        await connection.close()
