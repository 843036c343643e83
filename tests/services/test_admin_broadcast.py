"""A confirmed broadcast queues one outbox row per active, onboarded person, written by the
database itself (INSERT ... SELECT), with the payload and times as the dispatcher reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import ScheduledMessage, User
from bot.services import admin

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _person(user_id: int, *, active: bool = True, onboarded: bool = True) -> dict[str, object]:
    return {
        "id": user_id,
        "language_code": "en",
        "active": active,
        "onboarded_at": NOW - timedelta(days=3) if onboarded else None,
        "created_at": NOW - timedelta(days=3),
        "updated_at": NOW - timedelta(days=3),
    }


@pytest.mark.slow
async def test_confirmed_broadcast_queues_a_row_per_active_person(db_url: str) -> None:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session, session.begin():
            await session.execute(
                insert(User),
                [
                    _person(1),  # the operator, active too
                    *(_person(100 + i) for i in range(50)),
                    _person(200, active=False),  # blocked the bot
                    _person(201, onboarded=False),  # never finished onboarding
                ],
            )
        async with sessions() as session, session.begin():
            operator = await session.get(User, 1)
            assert operator is not None
            await admin.draft_broadcast(session, operator, "  New: /match 'quotes' & <b>  ", NOW)
        async with sessions() as session, session.begin():
            operator = await session.get(User, 1)
            assert operator is not None
            assert await admin.confirm_broadcast(session, operator, NOW) == 51
        async with sessions() as session, session.begin():
            operator = await session.get(User, 1)
            assert operator is not None
            assert await admin.confirm_broadcast(session, operator, NOW) is None  # draft used
            rows = (await session.execute(select(ScheduledMessage))).scalars().all()
    finally:
        await engine.dispose()
    assert sorted(r.user_id for r in rows) == [1, *range(100, 150)]
    for row in rows:
        assert row.chat_id == row.user_id
        assert (row.kind, row.status, row.attempts) == (admin.BROADCAST, "pending", 0)
        assert row.payload == {"text": "New: /match 'quotes' & <b>"}
        assert row.due_at == NOW and row.created_at == NOW
        assert row.due_at.tzinfo is not None
