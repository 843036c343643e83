"""The outbox: messages due later (reminders, feedback checks, check-ins, snoozed nudges).

Timing lives in the database, not in per-user jobs: one periodic job leases what is due in
batches, sends it, and records the outcome (sent, retried with backoff, parked, cancelled).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Group, ScheduledMessage, User
from bot.services.flow_engine import JsonValue
from bot.services.recurrence import local_day, local_instant

DEFAULT_LOCAL_TIME = time(9, 0)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=30)


def tomorrow_at(zone: str, at: time | None, now: datetime) -> datetime:
    """Tomorrow at ``at`` (default 09:00) in ``zone``, as UTC. Computed in the zone itself, so
    a daylight-saving change overnight keeps the wall-clock time."""
    day = local_day(now, zone) + timedelta(days=1)
    return local_instant(day, at or DEFAULT_LOCAL_TIME, zone)


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


async def _due(
    session: AsyncSession, condition: ColumnElement[bool], limit: int
) -> list[tuple[ScheduledMessage, bool | None, bool | None]]:
    if limit <= 0:
        return []
    query = (
        select(ScheduledMessage, User.active, Group.active)
        .outerjoin(User, User.id == ScheduledMessage.user_id)
        .outerjoin(Group, Group.id == ScheduledMessage.group_id)
        .where(condition)
        .order_by(ScheduledMessage.due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=ScheduledMessage)
    return [(item, person, group) for item, person, group in (await session.execute(query)).all()]


async def claim_due(
    session: AsyncSession, now: datetime, limit: int = 200
) -> list[ScheduledMessage]:
    """Lease up to ``limit`` due messages (and ones whose lease ran out: a crash between
    claiming and recording repeats a message at most once, never loses it). People who blocked
    the bot have theirs cancelled. On PostgreSQL, rows another instance holds are skipped."""
    # Two index-friendly queries (status, due_at) rather than one OR: with an OR the database
    # sorts every pending row for each batch, which made a 100k burst quadratic.
    expired = await _due(
        session,
        and_(ScheduledMessage.status == "claimed", ScheduledMessage.claimed_until <= now),
        limit,
    )
    pending = await _due(
        session,
        and_(ScheduledMessage.status == "pending", ScheduledMessage.due_at <= now),
        limit - len(expired),
    )
    claimed = []
    for item, person_active, group_active in [*expired, *pending]:
        if not (person_active if item.user_id is not None else group_active):
            item.status = "cancelled"
            continue
        item.status, item.claimed_until = "claimed", now + LEASE
        item.attempts += 1
        claimed.append(item)
    return claimed


async def record_sent(session: AsyncSession, ids: list[int], now: datetime) -> None:
    if ids:
        await session.execute(
            update(ScheduledMessage)
            .where(ScheduledMessage.id.in_(ids))
            .values(status="sent", sent_at=now, claimed_until=None)
        )


async def record_dropped(session: AsyncSession, ids: list[int]) -> None:
    """Messages that no longer apply (a blocked person, a request that moved on)."""
    if ids:
        await session.execute(
            update(ScheduledMessage)
            .where(ScheduledMessage.id.in_(ids))
            .values(status="cancelled", claimed_until=None)
        )


async def record_failure(
    session: AsyncSession, item_id: int, attempts: int, now: datetime, wait: float | None
) -> bool:
    """Retry later with backoff (or after Telegram's retry_after); park after ``MAX_ATTEMPTS``.
    Returns True when the message was parked."""
    parked = attempts >= MAX_ATTEMPTS
    delay = timedelta(seconds=wait) if wait else RETRY_BASE * 2 ** (attempts - 1)
    await session.execute(
        update(ScheduledMessage)
        .where(ScheduledMessage.id == item_id)
        .values(
            status="parked" if parked else "pending",
            due_at=now + delay,
            claimed_until=None,
        )
    )
    return parked
