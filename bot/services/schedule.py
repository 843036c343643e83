"""Recurring check-ins and weekly reviews: per-person timing in the database, no job per user.

``materialize`` turns every person whose ``next_checkin_at``/``next_review_at`` has come into an
outbox row and moves their next time on, in one transaction and in bulk; the outbox sender
(bot.services.outbox) does the rest. After downtime, anything later than ``GRACE`` is skipped
to its next occurrence instead of arriving at an odd hour.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from sqlalchemy import (
    Integer,
    String,
    Table,
    bindparam,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.db.models import CheckIn, Group, ScheduledMessage, User, UTCDateTime
from bot.services.groups import CHECKIN as GROUP_CHECKIN
from bot.services.groups import RECAP as GROUP_RECAP
from bot.services.groups import reschedule as reschedule_group
from bot.services.outbox import ids_in
from bot.services.recurrence import local_day, next_checkin, next_weekly

log = logging.getLogger("rebound.schedule")

CHECKIN = "checkin"
REVIEW = "weekly_review"
GRACE = timedelta(hours=2)
DEFAULT_TIME = time(9, 0)
# People per transaction: small enough that the event loop is never held long. Passes of 1,000
# held it 70-130 ms of wall time in a burst for 8-10 ms of its own work, 250 held it 25 ms for
# 4 ms; a 20k burst took 7.0-7.7 s and 5.1-9.8 s (two rounds each, busy 2-core machine; issue 17).
BATCH = 250
SHARED = 8  # people sharing a next time worth an UPDATE of their own


def reschedule(user: User, now: datetime) -> None:
    """Recompute the person's next check-in and review from their settings (and pause)."""
    zone = user.timezone or "UTC"
    if (user.paused and user.paused_until is None) or not user.active or user.onboarded_at is None:
        user.next_checkin_at = user.next_review_at = None
        return
    after = max(now, user.paused_until) if user.paused and user.paused_until else now
    at = user.checkin_time or DEFAULT_TIME
    frequency = user.checkin_frequency or "off"
    user.next_checkin_at = next_checkin(zone, at, frequency, after) if user.checkin_time else None
    checkins_on = user.next_checkin_at is not None
    user.next_review_at = (
        next_weekly(zone, at, user.review_day, after)
        if user.review_day is not None and checkins_on
        else None
    )


@dataclass
class Materialized:
    checkins: int = 0
    reviews: int = 0
    stale: int = 0
    already_checked_in: int = 0
    groups: int = 0
    more: bool = False  # a batch was full: call again for the rest


def skip_locked(session: AsyncSession) -> bool:
    """On PostgreSQL, rows another instance is working on are skipped, not waited for."""
    return session.get_bind().dialect.name == "postgresql"


async def materialize(session: AsyncSession, now: datetime, batch: int = BATCH) -> Materialized:
    """Move due schedules into the outbox (one pass, up to ``batch`` people per kind)."""
    result = Materialized()
    await _checkins(session, now, batch, result)
    await _reviews(session, now, batch, result)
    await _groups(session, now, batch, result)
    if result.stale:
        log.info("skipped %d scheduled messages that were more than %s late", result.stale, GRACE)
    return result


class _Next:
    """Next occurrences, memoised for one pass: a burst is thousands of people sharing a few
    (zone, time, frequency) combinations, so the time-zone maths runs once per combination."""

    def __init__(self) -> None:
        self._checkins: dict[tuple[str, time, str, datetime], datetime | None] = {}
        self._weekly: dict[tuple[str, time, int, datetime], datetime] = {}
        self._days: dict[tuple[datetime, str], date] = {}

    def checkin(self, zone: str, at: time, frequency: str, after: datetime) -> datetime | None:
        key = (zone, at, frequency, after)
        if key not in self._checkins:
            self._checkins[key] = next_checkin(zone, at, frequency, after)
        return self._checkins[key]

    def weekly(self, zone: str, at: time, weekday: int, after: datetime) -> datetime:
        key = (zone, at, weekday, after)
        if key not in self._weekly:
            self._weekly[key] = next_weekly(zone, at, weekday, after)
        return self._weekly[key]

    def day(self, moment: datetime, zone: str) -> date:
        key = (moment, zone)
        if key not in self._days:
            self._days[key] = local_day(moment, zone)
        return self._days[key]


async def _checkins(session: AsyncSession, now: datetime, batch: int, result: Materialized) -> None:
    columns = (
        User.id,
        User.timezone,
        User.checkin_time,
        User.checkin_frequency,
        User.next_checkin_at,
        User.paused,
        User.paused_until,
    )
    query = (
        select(*columns)
        .where(User.next_checkin_at <= now, User.active.is_(True))
        .order_by(User.next_checkin_at)
        .limit(batch)
    )
    if skip_locked(session):
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).all()
    result.more |= len(rows) >= batch
    if not rows:
        return
    cache = _Next()
    moves: dict[datetime | None, list[int]] = defaultdict(list)
    candidates: dict[int, date] = {}  # person → their local day, if a reminder may go out
    stale_before = now - GRACE
    for uid, zone, at, frequency, current, paused, paused_until in rows:
        zone = zone or "UTC"
        resting = paused and (paused_until is None or paused_until > now)
        after = paused_until if resting and paused_until is not None else now
        moves[cache.checkin(zone, at or DEFAULT_TIME, frequency or "off", after)].append(uid)
        if resting:
            continue
        if current is None or current < stale_before:
            result.stale += 1
            continue
        candidates[uid] = cache.day(current, zone)
    done = await _checked_in(session, candidates)
    due = [uid for uid, day in candidates.items() if (uid, day) not in done]
    result.already_checked_in += len(candidates) - len(due)
    await _enqueue(session, CHECKIN, User.next_checkin_at, due, now)
    await _move(session, User.next_checkin_at, moves)
    result.checkins += len(due)


async def _reviews(session: AsyncSession, now: datetime, batch: int, result: Materialized) -> None:
    query = (
        select(User.id, User.timezone, User.checkin_time, User.review_day, User.next_review_at)
        .where(User.next_review_at <= now, User.active.is_(True), User.paused.is_(False))
        .order_by(User.next_review_at)
        .limit(batch)
    )
    if skip_locked(session):
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).all()
    result.more |= len(rows) >= batch
    if not rows:
        return
    cache = _Next()
    moves: dict[datetime | None, list[int]] = defaultdict(list)
    due: list[int] = []
    stale_before = now - GRACE
    for uid, zone, at, weekday, current in rows:
        if weekday is None:
            moves[None].append(uid)
            continue
        moves[cache.weekly(zone or "UTC", at or DEFAULT_TIME, weekday, now)].append(uid)
        if current is not None and current < stale_before:
            result.stale += 1
        else:
            due.append(uid)
    await _enqueue(session, REVIEW, User.next_review_at, due, now)
    await _move(session, User.next_review_at, moves)
    result.reviews += len(due)


async def _groups(session: AsyncSession, now: datetime, batch: int, result: Materialized) -> None:
    """Group check-ins and weekly recaps: the same outbox, addressed to the group."""
    for column, kind in (
        (Group.next_checkin_at, GROUP_CHECKIN),
        (Group.next_recap_at, GROUP_RECAP),
    ):
        query = select(Group).where(column <= now, Group.active.is_(True)).limit(batch)
        if skip_locked(session):
            query = query.with_for_update(skip_locked=True)
        for group in (await session.execute(query)).scalars():
            due = getattr(group, column.key)
            reschedule_group(group, now)
            if due < now - GRACE:
                result.stale += 1
                continue
            item = _item(None, kind, due, now)
            item.update(group_id=group.id, chat_id=group.chat_id)
            await session.execute(insert(ScheduledMessage), [item])
            result.groups += 1


def _item(user_id: int | None, kind: str, due: datetime, now: datetime) -> dict[str, object]:
    return {
        "user_id": user_id,
        "group_id": None,
        "chat_id": user_id,
        "kind": kind,
        "payload": {},
        "due_at": due,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
    }


async def _checked_in(session: AsyncSession, days: dict[int, date]) -> set[tuple[int, date]]:
    """Which of these people already checked in on their local day (only if not → remind)."""
    if not days:
        return set()
    wanted = set(days.values())
    query = select(CheckIn.user_id, CheckIn.day).where(
        ids_in(session, CheckIn.user_id, list(days)), CheckIn.day.in_(wanted)
    )
    return {(uid, day) for uid, day in (await session.execute(query)).all() if days[uid] == day}


async def _enqueue(
    session: AsyncSession,
    kind: str,
    due: InstrumentedAttribute[datetime | None],
    ids: list[int],
    now: datetime,
) -> None:
    """The outbox rows for these people, built by the database from their own rows
    (INSERT ... SELECT): due at the time that has come, which is still stored on them."""
    if not ids:
        return
    sm = ScheduledMessage
    rows = select(
        User.id,
        User.id,
        literal(kind, String()),
        literal({}, sm.payload.type),
        due,
        literal("pending", String()),
        literal(0, Integer()),
        literal(now, UTCDateTime()),
    ).where(ids_in(session, User.id, ids))
    target = (sm.user_id, sm.chat_id, sm.kind, sm.payload, sm.due_at, sm.status, sm.attempts)
    await session.execute(
        insert(sm).from_select([*target, sm.created_at], rows),
        execution_options={"synchronize_session": False},
    )


async def _move(
    session: AsyncSession,
    attribute: InstrumentedAttribute[datetime | None],
    moves: dict[datetime | None, list[int]],
) -> None:
    """Each person's next time: one UPDATE per distinct value (people due together mostly
    share their next time too); people whose next time nobody else shares go in one
    executemany by primary key."""
    alone: list[dict[str, object]] = []
    for following, ids in moves.items():
        if len(ids) < SHARED:
            alone += [{"uid": uid, "next": following} for uid in ids]
            continue
        await session.execute(
            update(User).where(ids_in(session, User.id, ids)).values({attribute.key: following}),
            execution_options={"synchronize_session": False},
        )
    if alone:
        table = cast(Table, User.__table__)
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("uid"))
            .values({attribute.key: bindparam("next")}),
            alone,
        )
