"""The outbox: messages due later (reminders, feedback checks, check-ins, snoozed nudges), and
the replies of every turn (kind ``reply``).

Timing lives in the database, not in per-user jobs: one periodic job leases what is due in
batches, sends it, and records the outcome (sent, retried with backoff, parked, cancelled).

Replies are the same durable design as the inbox. What a turn will send (its Bot API calls,
rendered) is one ``reply`` row committed in the turn's own transaction, already leased to the
turn, which sends it at once after the commit and deletes it once delivered. A row whose
sending failed is handed back with backoff; a row whose turn died is taken over when its lease
runs out (``claim_replies``). A chat's replies go out in the order their turns committed: a
row is only claimed while no older row of its chat is still held or waiting. The scheduled
dispatcher never claims reply rows (see bot.delivery for the sending side).
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
    Delete,
    Integer,
    Select,
    Table,
    Update,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import column as sql_column
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot import crypto
from bot.db.models import Group, ScheduledMessage, User, UTCDateTime
from bot.services.flow_engine import JsonValue
from bot.services.recurrence import local_day, local_instant

DEFAULT_LOCAL_TIME = time(9, 0)
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=30)

REPLY = "reply"  # a turn's replies; its ref_id: the group win it celebrates, if any
# How long the turn that committed a reply has to deliver it before anyone else may: more than
# its own retries take (bot.delivery.INLINE_BUDGET plus one call's timeouts).
REPLY_LEASE = timedelta(seconds=60)
REPLY_RETRY_BASE = timedelta(seconds=5)
REPLY_RETRY_MAX = timedelta(minutes=10)
# Past this many failed rounds a reply is parked (kept, never sent) so the chat's later replies
# are not held up behind it forever: about a day of trying.
REPLY_MAX_ATTEMPTS = 150


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
    dialect = session.get_bind().dialect.name
    return _in_ids(dialect, key, _ids_value(dialect, ids))


def _in_ids(
    dialect: str, key: ColumnElement[int] | InstrumentedAttribute[int], value: Any = None
) -> ColumnElement[bool]:
    """:func:`ids_in`'s condition; with no ``value``, "ids" is bound when it runs."""
    if dialect == "postgresql":
        return key == any_(bindparam("ids", value, type_=ARRAY(BigInteger)))
    unpacked: Select[int] = select(sql_column("value", Integer)).select_from(
        func.json_each(bindparam("ids", value))
    )
    return key.in_(unpacked.scalar_subquery())


def _ids_value(dialect: str, ids: list[int]) -> Any:
    return ids if dialect == "postgresql" else json.dumps(ids)


@cache
def _claiming(picked: Select[Any], dialect: str) -> Update:
    """Claim the rows ``picked`` selects: leased, one attempt more (skipping rows another
    instance has locked, on PostgreSQL). The caller says what to return."""
    if dialect == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    return (
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(picked.scalar_subquery()))
        .values(
            status="claimed",
            claimed_until=bindparam("lease", type_=UTCDateTime()),
            attempts=OUTBOX.c.attempts + 1,
        )
    )


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
    condition = and_(condition, c.kind != REPLY)  # replies have their own path (claim_replies)
    picked = select(c.id).where(condition).order_by(c.due_at).limit(bindparam("limit"))
    person = select(_PEOPLE.c.active).where(_PEOPLE.c.id == c.user_id).scalar_subquery()
    group = select(_GROUPS.c.active).where(_GROUPS.c.id == c.group_id).scalar_subquery()
    return _claiming(picked, dialect).returning(
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


# Replies --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    """A claimed reply row: the Bot API calls still to make, in order (see bot.delivery)."""

    id: int
    chat_id: int
    user_id: int | None
    calls: list[dict[str, Any]]
    attempts: int


# A key of a reply's call that is kept in memory only, never stored (bot.delivery puts the
# keyboard's objects there for the turn's own sends).
IN_MEMORY = "objects"


def _sealed(calls: list[dict[str, Any]]) -> dict[str, Any]:
    """Replies quote what people wrote: the calls are stored encrypted, like free text."""
    stored = [{k: v for k, v in call.items() if k != IN_MEMORY} for call in calls]
    return {"calls": crypto.cipher().encrypt(json.dumps(stored, ensure_ascii=False))}


def _opened(payload: dict[str, Any]) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = json.loads(crypto.cipher().decrypt(payload["calls"]))
    return calls


async def queue_reply(
    session: AsyncSession,
    chat_id: int,
    user_id: int | None,
    calls: list[dict[str, Any]],
    now: datetime,
    ref_id: int | None = None,
) -> int:
    """One turn's replies, leased to that turn (it sends them right after its commit); returns
    the row's id. ``ref_id``: the group win they celebrate (taken back if Telegram refuses
    them, bot.services.groups.not_posted). A prebuilt Core insert: the ORM's flush of a new
    object cost more than the statement itself, and every turn that answers writes one. The
    id comes back as SQLAlchemy's ``inserted_primary_key``: the cursor's ``lastrowid`` on
    SQLite (one hand-over to aiosqlite's thread fewer than fetching a RETURNING row),
    RETURNING on PostgreSQL."""
    result = await session.execute(
        _QUEUE_REPLY,
        {
            "user_id": user_id,
            "chat_id": chat_id,
            "payload": _sealed(calls),
            "due_at": now,
            "claimed_until": now + REPLY_LEASE,
            "created_at": now,
            "ref_id": ref_id,
        },
    )
    key = result.inserted_primary_key  # type: ignore[attr-defined]
    assert key is not None
    reply_id: int = key[0]
    return reply_id


_QUEUE_REPLY = insert(OUTBOX).values(
    user_id=bindparam("user_id"),
    chat_id=bindparam("chat_id"),
    kind=REPLY,
    payload=bindparam("payload"),
    due_at=bindparam("due_at"),
    status="claimed",
    claimed_until=bindparam("claimed_until"),
    attempts=1,
    created_at=bindparam("created_at"),
    ref_id=bindparam("ref_id"),
)


def _waiting(c: Any, now: Any) -> ColumnElement[bool]:
    """A reply row that may not be sent now: held by a live lease, or backing off."""
    return and_(
        c.kind == REPLY,
        ((c.status == "claimed") & (c.claimed_until > now))
        | ((c.status == "pending") & (c.due_at > now)),
    )


@cache
def _claim_replies_statement(dialect: str) -> Update:
    c = OUTBOX.c
    older = OUTBOX.alias("older")
    now = bindparam("now", type_=UTCDateTime())
    ready = and_(
        c.kind == REPLY,
        ((c.status == "pending") & (c.due_at <= now))
        | ((c.status == "claimed") & (c.claimed_until <= now)),
    )
    blocked = (
        select(older.c.id)
        .where(older.c.chat_id == c.chat_id, older.c.id < c.id, _waiting(older.c, now))
        .exists()
    )
    picked = select(c.id).where(ready, ~blocked).order_by(c.id).limit(bindparam("limit"))
    return _claiming(picked, dialect).returning(c.id, c.chat_id, c.user_id, c.payload, c.attempts)


async def claim_replies(session: AsyncSession, now: datetime, limit: int = 100) -> list[Reply]:
    """Lease replies that are due again or whose turn died (lease run out), oldest first, each
    only if no older reply of its chat is still held or backing off: a chat's replies keep
    their order. A chat's claimed rows are a prefix of what it has waiting."""
    statement = _claim_replies_statement(session.get_bind().dialect.name)
    rows = await session.execute(
        statement, {"now": now, "lease": now + REPLY_LEASE, "limit": limit}
    )
    replies = [Reply(r.id, r.chat_id, r.user_id, _opened(r.payload), r.attempts) for r in rows]
    replies.sort(key=lambda reply: reply.id)  # RETURNING has no order
    return replies


async def replies_waiting(session: AsyncSession, chat_id: int, before: int | None = None) -> bool:
    """Whether ``chat_id`` has replies not yet delivered (older than row ``before``)."""
    c = OUTBOX.c
    query = select(c.id).where(
        c.kind == REPLY, c.chat_id == chat_id, c.status.in_(("pending", "claimed"))
    )
    if before is not None:
        query = query.where(c.id < before)
    return (await session.execute(query.limit(1))).first() is not None


async def chats_with_replies_waiting(session: AsyncSession) -> set[int]:
    c = OUTBOX.c
    query = select(c.chat_id).where(c.kind == REPLY, c.status.in_(("pending", "claimed")))
    return set((await session.execute(query.distinct())).scalars())


async def replies_delivered(session: AsyncSession, ids: list[int]) -> None:
    """Delivered (or refused for good, e.g. a blocked person): gone, so never sent again. Not
    kept as "sent": nothing reads them, and they quote what people wrote."""
    if ids:
        dialect = session.get_bind().dialect.name
        await session.execute(_deleting(dialect), {"ids": _ids_value(dialect, ids)})


@cache
def _deleting(dialect: str) -> Delete:
    """Built once: every turn that sends deletes its delivered reply row (building the
    statement and its cache key cost as much as running it)."""
    return delete(OUTBOX).where(_in_ids(dialect, OUTBOX.c.id))


async def reply_again(
    session: AsyncSession,
    reply_id: int,
    calls: list[dict[str, Any]],
    attempts: int,
    now: datetime,
    wait: float | None = None,
    *,
    posted: bool = False,
) -> bool:
    """``calls`` (what is left of the reply) failed for now: retry with backoff (or Telegram's
    retry_after), parked after ``REPLY_MAX_ATTEMPTS``. True when parked. ``posted``: some of
    its messages went out, so the win it celebrates (``ref_id``) was seen and stays counted
    whatever becomes of the rest."""
    parked = attempts >= REPLY_MAX_ATTEMPTS
    backoff = min(REPLY_RETRY_BASE * 2 ** max(attempts - 1, 0), REPLY_RETRY_MAX)
    delay = timedelta(seconds=wait) if wait else backoff
    values: dict[str, Any] = {
        "status": "parked" if parked else "pending",
        "payload": _sealed(calls),
        "due_at": now + delay,
        "claimed_until": None,
    }
    if posted:
        values["ref_id"] = None
    await session.execute(update(OUTBOX).where(OUTBOX.c.id == reply_id).values(**values))
    return parked


async def hand_back_replies(session: AsyncSession, ids: list[int]) -> None:
    """Claimed replies not tried (an older one of their chat failed, or shutting down):
    waiting again, after their chat's older ones, the claim not counted as an attempt (as
    :func:`release` does for scheduled messages)."""
    await release(session, ids)
