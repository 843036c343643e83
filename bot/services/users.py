"""The person behind a private chat: created on first contact, kept current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import FlowState, User
from bot.services import schedule

# Every turn in a private chat runs this on SQLite (see _load): built once, since building it
# and its cache key cost more CPU than running it.
_PERSON_AND_CONVERSATION = (
    select(User, FlowState)
    .outerjoin(FlowState, (FlowState.user_id == User.id) & (FlowState.chat_id == bindparam("chat")))
    .where(User.id == bindparam("user"))
)
_PERSON = select(User).where(User.id == bindparam("user"))


async def ensure_user(
    session: AsyncSession,
    user_id: int,
    language_code: str | None,
    now: datetime,
    *,
    chat_id: int | None = None,
) -> User:
    """Load the person, creating their row if this is their first message.

    Two instances may see someone's first message at once, so the insert ignores a conflict.
    With ``chat_id`` on SQLite, the person's conversation state in that chat comes with the same
    query (see :func:`_load`).
    """
    user = await _load(session, user_id, chat_id)
    if user is None:
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await session.execute(
            insert(User)
            .values(
                id=user_id,
                language_code=language_code,
                active=True,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
        user = (await session.execute(select(User).where(User.id == user_id))).scalar_one()
    if language_code and user.language_code != language_code:
        user.language_code = language_code
    if not user.active:
        # They wrote to us, so they have unblocked the bot: their schedule comes back.
        user.active = True
        schedule.reschedule(user, now)
    return user


async def _load(session: AsyncSession, user_id: int, chat_id: int | None) -> User | None:
    """The person, and on SQLite their conversation row in ``chat_id`` joined to the same query:
    it lands in the session, where bot.services.flows.load_state finds it without asking the
    database again (each query is a round trip through the driver's thread, and a turn's
    queries hold the one connection in turn). PostgreSQL locks that row with FOR UPDATE, which
    an outer join's nullable side cannot take, so there it is read on its own."""
    if chat_id is None or session.get_bind().dialect.name != "sqlite":
        # The turn's first load: nothing in the session to find first, as Session.get would.
        return (await session.execute(_PERSON, {"user": user_id})).scalar_one_or_none()
    row = (
        await session.execute(_PERSON_AND_CONVERSATION, {"chat": chat_id, "user": user_id})
    ).first()
    if row is None:
        return None
    user, state = row
    # The identity map holds objects weakly: keep the row alive for the rest of the turn.
    session.info["conversation"] = state
    return user


async def mark_blocked(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Stop all sending to someone who blocked the bot (their data stays until they delete it)."""
    user = await session.get(User, user_id)
    if user is not None and user.active:
        user.active = False
        user.updated_at = now
