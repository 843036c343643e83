"""The person behind a private chat: created on first contact, kept current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.services import schedule


async def ensure_user(
    session: AsyncSession, user_id: int, language_code: str | None, now: datetime
) -> User:
    """Load the person, creating their row if this is their first message.

    Two instances may see someone's first message at once, so the insert ignores a conflict.
    """
    user = await session.get(User, user_id)
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


async def mark_blocked(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Stop all sending to someone who blocked the bot (their data stays until they delete it)."""
    user = await session.get(User, user_id)
    if user is not None and user.active:
        user.active = False
        user.updated_at = now
