"""The outbox: messages due later (reminders now; check-ins and nudges build on it).

Timing lives in the database, not in per-user jobs: one periodic job claims what is due, in
batches, marks it sent in the same transaction, and only then sends.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ScheduledMessage, User
from bot.services.flow_engine import JsonValue
from bot.services.timezones import zone_for

DEFAULT_LOCAL_TIME = time(9, 0)


def tomorrow_at(zone: str, at: time | None, now: datetime) -> datetime:
    """Tomorrow at ``at`` (default 09:00) in ``zone``, as UTC. Computed in the zone itself, so
    a daylight-saving change overnight keeps the wall-clock time."""
    tz = zone_for(zone)
    local_day = now.astimezone(tz).date() + timedelta(days=1)
    local = datetime.combine(local_day, at or DEFAULT_LOCAL_TIME, tzinfo=tz)
    return local.astimezone(now.tzinfo)


async def schedule(
    session: AsyncSession,
    user: User,
    kind: str,
    due_at: datetime,
    now: datetime,
    payload: dict[str, JsonValue] | None = None,
    ref_id: int | None = None,
) -> ScheduledMessage:
    item = ScheduledMessage(
        user_id=user.id,
        chat_id=user.id,
        kind=kind,
        ref_id=ref_id,
        payload=payload or {},
        due_at=due_at,
        status="pending",
        created_at=now,
    )
    session.add(item)
    return item


def _pending(user_id: int, kind: str, ref_id: int | None) -> Select[ScheduledMessage]:
    query = select(ScheduledMessage).where(
        ScheduledMessage.user_id == user_id,
        ScheduledMessage.kind == kind,
        ScheduledMessage.status == "pending",
    )
    return query if ref_id is None else query.where(ScheduledMessage.ref_id == ref_id)


async def pending(
    session: AsyncSession, user_id: int, kind: str, ref_id: int | None = None
) -> ScheduledMessage | None:
    result = await session.execute(_pending(user_id, kind, ref_id).limit(1))
    return result.scalar_one_or_none()


async def cancel(session: AsyncSession, user_id: int, kind: str, ref_id: int | None = None) -> int:
    """Call off what is still waiting to be sent; returns how many."""
    items = list((await session.execute(_pending(user_id, kind, ref_id))).scalars())
    for item in items:
        item.status = "cancelled"
    return len(items)


async def claim_due(
    session: AsyncSession, now: datetime, limit: int = 200
) -> list[ScheduledMessage]:
    """Take up to ``limit`` due messages and mark them sent (or cancelled for people who
    blocked the bot). On PostgreSQL, rows another instance is claiming are skipped."""
    query = (
        select(ScheduledMessage, User.active)
        .join(User, User.id == ScheduledMessage.user_id)
        .where(ScheduledMessage.status == "pending", ScheduledMessage.due_at <= now)
        .order_by(ScheduledMessage.due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=ScheduledMessage)
    claimed = []
    for item, active in (await session.execute(query)).all():
        item.status = "sent" if active else "cancelled"
        item.sent_at = now
        if active:
            claimed.append(item)
    return claimed
