"""Migrations on real databases: an empty database upgrades, and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db.engine import create_engine
from bot.db.migrate import current_revision, head_revision, upgrade
from bot.db.models import Base


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
