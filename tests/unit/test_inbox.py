"""The update inbox's database side, on SQLite and PostgreSQL: duplicates, the processed mark
(once only, payload dropped), replay order, pruning and the backlog figure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import InboxUpdate
from bot.services import inbox

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def incoming(update_id: int, chat_id: int = 7) -> inbox.Incoming:
    return inbox.Incoming(update_id, chat_id, {"update_id": update_id, "message": {"text": "hi"}})


async def test_inbox_lifecycle(db_url: str) -> None:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            assert await inbox.store(session, [incoming(3), incoming(1), incoming(2)], NOW) == {
                1,
                2,
                3,
            }
        async with sessions() as session, session.begin():
            # A redelivery of 2 and 3 with a new 4: only 4 is new.
            assert await inbox.store(session, [incoming(2), incoming(3), incoming(4)], NOW) == {4}
            assert await inbox.store(session, [], NOW) == set()

        async with sessions() as session, session.begin():
            assert await inbox.mark_processed(session, 2, NOW) is True
            assert await inbox.mark_processed(session, 2, NOW) is False  # already handled
            assert await inbox.mark_processed(session, 99, NOW) is False  # never stored
        async with sessions() as session:
            left = await inbox.unprocessed(session)
            assert [row.update_id for row in left] == [1, 3, 4]  # oldest first
            assert left[0].payload["message"] == {"text": "hi"}
            payload = (
                await session.execute(select(InboxUpdate.payload).where(InboxUpdate.update_id == 2))
            ).scalar_one()
            assert payload == {}  # what was typed is gone once handled
            backlog = await inbox.backlog(session)
            assert (backlog.waiting, backlog.oldest) == (3, NOW)

        async with sessions() as session, session.begin():
            assert await inbox.prune(session, NOW + timedelta(hours=23)) == 0  # kept a day
            assert await inbox.prune(session, NOW + timedelta(days=1, minutes=1)) == 1
        async with sessions() as session:
            ids = (await session.execute(select(InboxUpdate.update_id))).scalars().all()
            assert sorted(ids) == [1, 3, 4]  # unhandled rows are never pruned
    finally:
        await engine.dispose()
