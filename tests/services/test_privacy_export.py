"""/export reads every table in partitions (so a year of use never holds the event loop): every
row is there, once, as the documented JSON-ready document, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import CheckIn, Rejection, User
from bot.services import privacy

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
DAYS = 2 * privacy.EXPORT_PARTITION + 50  # more than one partition, and a partial last one


async def test_export_has_every_row_across_partitions(db_url: str) -> None:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    start = date(2026, 1, 1)
    try:
        async with sessions() as session, session.begin():
            for user_id in (1, 2):
                await session.execute(
                    insert(User),
                    [{"id": user_id, "language_code": "en", "created_at": NOW, "updated_at": NOW}],
                )
                await session.execute(
                    insert(CheckIn),
                    [
                        {
                            "user_id": user_id,
                            "day": start + timedelta(days=d),
                            "mood": 1 + d % 5,
                            "created_at": NOW,
                        }
                        for d in range(DAYS)
                    ],
                )
            await session.execute(
                insert(Rejection),
                [{"user_id": 1, "company": "Acme", "created_at": NOW, "updated_at": NOW}],
            )
        async with sessions() as session, session.begin():
            person = await session.get(User, 1)
            assert person is not None
            document = await privacy.export(session, person, NOW)
    finally:
        await engine.dispose()
    checkins = document["checkins"]
    assert len(checkins) == DAYS
    assert {c["user_id"] for c in checkins} == {1}
    assert sorted(c["day"] for c in checkins) == [
        (start + timedelta(days=d)).isoformat() for d in range(DAYS)
    ]
    assert len({c["id"] for c in checkins}) == DAYS
    assert [d["company"] for d in document["debriefs"]] == ["Acme"]
    assert document["wins"] == []
    privacy.export_json(document)  # JSON-ready
