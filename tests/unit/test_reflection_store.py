"""A debrief answer lands on its record in one UPDATE on both databases, the step added to
``answered`` once, in the order answered; an erased record is left alone."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import Rejection, User
from bot.services.flow_engine import Accepted, Run
from bot.services.flows import FlowContext
from bot.services.reflection import ReflectionSpec

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
PERSON = 42


async def test_answers_add_their_step_once_in_order(db_url: str) -> None:
    engine = create_engine(db_url)
    sessions = create_sessionmaker(engine)
    spec = ReflectionSpec()
    try:
        async with sessions() as session, session.begin():
            session.add(User(id=PERSON, created_at=NOW, updated_at=NOW))
            await session.flush()
            record = Rejection(user_id=PERSON, answered=[], created_at=NOW, updated_at=NOW)
            session.add(record)
            await session.flush()
            record_id = record.id
        async with sessions() as session, session.begin():
            user = await session.get(User, PERSON)
            assert user is not None
            ctx = FlowContext(session, user, PERSON, NOW, {"rejection_id": record_id}, Run("ab"))
            await spec.apply(ctx, "company", Accepted("Acme, designer"))
            await spec.apply(ctx, "stage", Accepted("onsite"))
            await spec.apply(ctx, "company", Accepted("Globex"))  # back, and answered again
            assert ctx.data["company_name"] == "Globex"
        async with sessions() as session:
            stored = await session.get(Rejection, record_id)
            assert stored is not None
            assert (stored.company, stored.role, stored.stage) == ("Globex", None, "onsite")
            assert stored.answered == ["company", "stage"]
        async with sessions() as session, session.begin():
            await session.execute(delete(Rejection).where(Rejection.id == record_id))
        async with sessions() as session, session.begin():
            user = await session.get(User, PERSON)
            assert user is not None
            ctx = FlowContext(session, user, PERSON, NOW, {"rejection_id": record_id}, Run("ab"))
            await spec.apply(ctx, "company", Accepted("Initech"))  # erased meanwhile
            assert "company_name" not in ctx.data
    finally:
        await engine.dispose()
