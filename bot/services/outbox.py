"""The outbox: messages due later (reminders, feedback checks, check-ins, snoozed nudges).

Timing lives in the database, not in per-user jobs: one periodic job leases what is due in
batches, sends it, and records the outcome (sent, retried with backoff, parked, cancelled).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Table,
    Update,
    and_,
    any_,
    bindparam,
    case,
    func,
    select,
    update,
)
from sqlalchemy import column as sql_column
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.models import Group, ScheduledMessage, User, UTCDateTime
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


@dataclass(frozen=True, slots=True)
class Claimed:
    """A leased outbox row, as plain data: what the dispatcher needs to build and send it.
    (Not an ORM object: a burst claims tens of thousands, and identity-map bookkeeping per row
    cost more than the database work.)"""

    id: int
    user_id: int | None
    group_id: int | None
    chat_id: int
    kind: str
    ref_id: int | None
    payload: dict[str, Any]
    due_at: datetime
    attempts: int  # including this claim


OUTBOX = cast(Table, ScheduledMessage.__table__)
_PEOPLE = cast(Table, User.__table__)
_GROUPS = cast(Table, Group.__table__)


def ids_in(
    session: AsyncSession, key: ColumnElement[int] | InstrumentedAttribute[int], ids: list[int]
) -> ColumnElement[bool]:
    """``key`` is one of ``ids``, as a single bound parameter: a PostgreSQL array, or a JSON
    list SQLite unpacks itself. One statement text whatever the batch size (nothing is
    re-prepared) and one value to bind instead of hundreds."""
    if session.get_bind().dialect.name == "postgresql":
        return key == any_(bindparam("ids", ids, type_=ARRAY(BigInteger)))
    unpacked: Select[int] = select(sql_column("value", Integer)).select_from(
        func.json_each(bindparam("ids", json.dumps(ids)))
    )
    return key.in_(unpacked.scalar_subquery())


@cache
def _claim_statement(dialect: str, expired: bool) -> Update:
    """Built once per dialect: lease up to :limit rows (oldest first) and return them, each
    with whether its person and its group are active. On PostgreSQL the inner SELECT
    skips rows another instance holds (FOR UPDATE SKIP LOCKED), so two dispatchers never
    claim the same row."""
    c = OUTBOX.c
    now = bindparam("now", type_=UTCDateTime())
    condition = (
        and_(c.status == "claimed", c.claimed_until <= now)
        if expired
        else and_(c.status == "pending", c.due_at <= now)
    )
    picked = select(c.id).where(condition).order_by(c.due_at).limit(bindparam("limit"))
    if dialect == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    person = select(_PEOPLE.c.active).where(_PEOPLE.c.id == c.user_id).scalar_subquery()
    group = select(_GROUPS.c.active).where(_GROUPS.c.id == c.group_id).scalar_subquery()
    return (
        update(OUTBOX)
        .where(c.id.in_(picked.scalar_subquery()))
        .values(
            status="claimed",
            claimed_until=bindparam("lease", type_=UTCDateTime()),
            attempts=c.attempts + 1,
        )
        .returning(
            c.id,
            c.user_id,
            c.group_id,
            c.chat_id,
            c.kind,
            c.ref_id,
            c.payload,
            c.due_at,
            c.attempts,
            person,
            group,
        )
    )


async def _claim(
    session: AsyncSession, expired: bool, now: datetime, limit: int
) -> list[tuple[Claimed, bool]]:
    if limit <= 0:
        return []
    statement = _claim_statement(session.get_bind().dialect.name, expired)
    rows = await session.execute(statement, {"now": now, "lease": now + LEASE, "limit": limit})
    # (Whose activity counts is decided here, not in a CASE: SQLite 3.40 returns NULL for a
    # CASE over correlated subqueries in RETURNING.)
    return [
        (Claimed(*row[:9]), bool(row[9] if row.user_id is not None else row[10])) for row in rows
    ]


async def claim_due(session: AsyncSession, now: datetime, limit: int = 200) -> list[Claimed]:
    """Lease up to ``limit`` due messages (and ones whose lease ran out: a crash between
    claiming and recording repeats a message at most once, never loses it), oldest first.
    People who blocked the bot and groups that removed it have theirs cancelled. On
    PostgreSQL, rows another instance holds are skipped."""
    # Two index-friendly statements on (status, due_at) rather than one OR: with an OR the
    # database sorts every pending row for each batch, which made a 100k burst quadratic.
    expired = await _claim(session, True, now, limit)
    pending = await _claim(session, False, now, limit - len(expired))
    rows = [*expired, *pending]
    await record_dropped(session, [item.id for item, alive in rows if not alive])
    claimed = [item for item, alive in rows if alive]
    claimed.sort(key=lambda item: (item.due_at, item.id))  # RETURNING has no order
    return claimed


async def _set(session: AsyncSession, ids: list[int], **values: object) -> None:
    if ids:
        await session.execute(
            update(OUTBOX).where(ids_in(session, OUTBOX.c.id, ids)).values(values)
        )


async def release(session: AsyncSession, ids: list[int]) -> None:
    """Hand back claimed messages that were not sent (shutting down): pending again at once,
    lease cleared, and the claim not counted as an attempt."""
    if ids:
        c = OUTBOX.c
        await session.execute(
            update(OUTBOX)
            .where(ids_in(session, c.id, ids), c.status == "claimed")
            .values(
                status="pending",
                claimed_until=None,
                attempts=case((c.attempts > 0, c.attempts - 1), else_=0),
            )
        )


async def record_sent(session: AsyncSession, ids: list[int], now: datetime) -> None:
    await _set(session, ids, status="sent", sent_at=now, claimed_until=None)


async def record_dropped(session: AsyncSession, ids: list[int]) -> None:
    """Messages that no longer apply (a blocked person, a request that moved on)."""
    await _set(session, ids, status="cancelled", claimed_until=None)


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
