"""The conversation row on both databases: the version counter refuses a stale write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm.exc import StaleDataError

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import FlowState, User
from bot.runtime import flow_specs
from bot.services import flows

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CHAT = 42


async def test_a_turn_that_read_an_older_revision_cannot_overwrite_a_newer_one(
    db_url: str,
) -> None:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    specs = flow_specs()
    try:
        async with sessions() as session, session.begin():
            user = User(id=CHAT, created_at=NOW, updated_at=NOW)
            session.add(user)
            await session.flush()
            await flows.start(session, specs["ob"], user, CHAT, NOW)
        # Two turns of the same chat read the question "Sounds good?" at revision 0 ...
        slow, quick = sessions(), sessions()
        try:
            async with slow.begin():
                slow_row = await slow.get(FlowState, (CHAT, CHAT))
            assert slow_row is not None
            run = slow_row.run["token"]
            tap = f"ob:1:{run}:consent:yes"
            async with quick.begin():
                quick_user = await quick.get(User, CHAT)
                assert quick_user is not None
                result = await flows.handle_callback(quick, specs, quick_user, CHAT, tap, NOW)
                assert not result.stale
            # ... the quick one committed first: a write from the slow one's older revision
            # is refused, whatever it changes.
            with pytest.raises(StaleDataError):
                async with slow.begin():
                    slow_row.step = "freq"
        finally:
            await slow.close()
            await quick.close()
        async with sessions() as session:
            row = await session.get(FlowState, (CHAT, CHAT))
            assert row is not None and row.step == "tz" and row.data["consent"] == "yes"
    finally:
        await engine.dispose()
