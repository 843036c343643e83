"""Migrations on real databases: an empty database upgrades, and matches the models."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot import crypto
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.db.models import Base, FlowState, User
from bot.runtime import flow_specs
from bot.services import flows


async def test_empty_database_upgrades_to_head_and_matches_models(empty_db: str) -> None:
    engine = create_engine(empty_db)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()

        def diff(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

        def tables(connection: Connection) -> set[str]:
            return set(inspect(connection).get_table_names())

        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
            assert {"users", "flow_states", "alembic_version"} <= await conn.run_sync(tables)
        await upgrade(engine)  # running again is a no-op
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()


async def test_sqlite_gets_wal_and_foreign_keys(sqlite_url: str) -> None:
    from sqlalchemy import text

    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


def _downgrade(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, revision)


async def test_a_flow_open_across_the_run_column_migration_resumes_both_ways(
    empty_db: str,
) -> None:
    """0017 moves the run's bookkeeping out of the (encrypted) answers into ``run``: set-up
    open before the upgrade carries on after it with the buttons it had, and a downgrade
    puts the bookkeeping back where the older release reads it."""
    now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    crypto.configure([crypto.new_key()])
    engine = create_engine(empty_db)
    states = sa.table(
        "flow_states",
        *(sa.column(name) for name in ("chat_id", "user_id", "flow", "step", "revision")),
        sa.column("data", sa.Text()),
        sa.column("updated_at", User.__table__.c.updated_at.type),
    )
    try:
        await upgrade(engine, "0016")
        # Someone deep-linked to /reflect, agreed, and was asked where they are.
        before = {"consent": "yes", "_run": "k3x9", "_trail": ["consent"], "_then": "reflect"}
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(User.__table__).values(id=7, created_at=now, updated_at=now)
            )
            await conn.execute(
                sa.insert(states).values(
                    chat_id=7,
                    user_id=7,
                    flow="ob",
                    step="tz",
                    revision=3,
                    data=crypto.cipher().encrypt(json.dumps(before)),
                    updated_at=now,
                )
            )
        await upgrade(engine)
        sessions = create_sessionmaker(engine)
        async with sessions() as session, session.begin():
            row = await session.get(FlowState, (7, 7))
            assert row is not None
            assert row.data == {"consent": "yes"}
            assert row.run == {"token": "k3x9", "trail": ["consent"], "then": "reflect"}
            user = await session.get(User, 7)
            assert user is not None
            tap = "ob:1:k3x9:tz:skip"  # a button sent before the upgrade
            result = await flows.handle_callback(session, flow_specs(), user, 7, tap, now)
            assert not result.stale
            assert result.replies[-1].key == "onboarding.ask_time"
        async with engine.begin() as conn:
            await conn.run_sync(_downgrade, "0016")
            stored = (await conn.execute(sa.select(states.c.data))).scalar_one()
        assert stored.startswith(crypto.PREFIX)
        assert json.loads(crypto.cipher().decrypt(stored)) == {
            "consent": "yes",
            "tz": None,
            "_run": "k3x9",
            "_trail": ["consent", "tz"],
            "_then": "reflect",
        }
    finally:
        crypto.configure([])
        await engine.dispose()
