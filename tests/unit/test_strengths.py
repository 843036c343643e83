"""Strengths: typed lists split sensibly, suggestions from the person's own records, the
limit, and their words encrypted at rest like every other free text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot import crypto
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import FeedbackRequest, Rejection, Strength, User, Win
from bot.services import strengths
from bot.services.encryption import rotate_all

NOW = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_keys_afterwards() -> Iterator[None]:
    yield
    crypto.configure([])


def test_split_typed() -> None:
    assert strengths.split_typed("SQL, public speaking;Figma\n• Excel - mentoring\n\nsql") == [
        "SQL",
        "public speaking",
        "Figma",
        "Excel",
        "mentoring",
    ]
    assert strengths.split_typed(" , ;\n") == []
    long = strengths.split_typed("x" * 500)
    assert long == ["x" * strengths.TEXT_LIMIT]


@pytest.mark.slow
async def test_suggestions_add_and_limit(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            user = User(id=7, language_code="en", created_at=NOW, updated_at=NOW)
            session.add(user)
            await session.flush()
            session.add(
                Rejection(
                    user_id=7,
                    went_well=["calm", "examples"],
                    went_well_note="my Excel model",
                    reasons=[],
                    outside=[],
                    answered=[],
                    created_at=NOW,
                    updated_at=NOW,
                    completed_at=NOW,
                )
            )
            # An unfinished debrief suggests nothing yet.
            session.add(
                Rejection(
                    user_id=7,
                    went_well=["rapport"],
                    reasons=[],
                    outside=[],
                    answered=[],
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            session.add(
                FeedbackRequest(
                    user_id=7,
                    recipient="hr",
                    channel="email",
                    tone="warm",
                    status="replied",
                    tags=[],
                    created_at=NOW,
                    updated_at=NOW,
                    reply_text="We liked your clear communication. You lacked depth in Python.",
                )
            )
            session.add(Win(user_id=7, kind="win", text="Finished a SQL course", created_at=NOW))
            await session.flush()
            found = await strengths.suggestions(session, user)
            assert set(found) == {"resilience", "storytelling", "excel", "communication", "sql"}
            added, full = await strengths.add(session, user, ["sql", "Excel"], "typed", NOW)
            assert [s.skill for s in added] == ["sql", "excel"] and not full
            assert "sql" not in await strengths.suggestions(session, user)
            again, _ = await strengths.add(
                session, user, ["SQL", "Structured Query Language"], "typed", NOW
            )
            assert [s.text for s in again] == ["Structured Query Language"]  # not a known phrase
            many = [f"strength {i}" for i in range(60)]
            added, full = await strengths.add(session, user, many, "typed", NOW)
            assert full and await strengths.count(session, 7) == strengths.MAX_STRENGTHS
            assert await strengths.add_skill(session, user, "no_such_skill", "typed", NOW) is None
    finally:
        await engine.dispose()


async def test_strength_text_is_encrypted_and_rotated(db_url: str) -> None:
    old = crypto.new_key()
    crypto.configure([old])
    engine = create_engine(db_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            session.add(User(id=8, created_at=NOW, updated_at=NOW))
            await session.flush()
            session.add(
                Strength(
                    user_id=8,
                    text="negotiating with suppliers",
                    kind="other",
                    source="typed",
                    created_at=NOW,
                )
            )
        async with engine.connect() as conn:
            raw = (await conn.execute(text("SELECT text FROM strengths"))).scalar_one()
        assert raw.startswith(crypto.PREFIX) and "suppliers" not in raw
        crypto.configure([crypto.new_key(), old])
        async with create_sessionmaker(engine)() as session, session.begin():
            assert await rotate_all(session) >= 1
        async with engine.connect() as conn:
            rotated = (await conn.execute(text("SELECT text FROM strengths"))).scalar_one()
        assert rotated != raw
        async with create_sessionmaker(engine)() as session:
            [stored] = await strengths.listed(session, 8)
            assert stored.text == "negotiating with suppliers"
    finally:
        await engine.dispose()
