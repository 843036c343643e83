"""Recurring check-ins and weekly reviews: per-person timing in the database, no job per user.

``materialize`` turns every person whose ``next_checkin_at``/``next_review_at`` has come into an
outbox row and moves their next time on, in one transaction and in bulk; the outbox sender
(bot.services.outbox) does the rest. After downtime, anything later than ``GRACE`` is skipped
to its next occurrence instead of arriving at an odd hour.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import CheckIn, Group, ScheduledMessage, User
from bot.services.groups import CHECKIN as GROUP_CHECKIN
from bot.services.groups import RECAP as GROUP_RECAP
from bot.services.groups import reschedule as reschedule_group
from bot.services.recurrence import local_day, next_checkin, next_weekly

log = logging.getLogger("rebound.schedule")

CHECKIN = "checkin"
REVIEW = "weekly_review"
GRACE = timedelta(hours=2)
DEFAULT_TIME = time(9, 0)
BATCH = 1000  # people per transaction: small enough that the event loop is never held long


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
    today = {row.id: local_day(row.next_checkin_at, row.timezone or "UTC") for row in rows}
    done = await _checked_in(session, today)
    updates: list[dict[str, object]] = []
    outbox: list[dict[str, object]] = []
    for row in rows:
        zone, due = row.timezone or "UTC", row.next_checkin_at
        after = now
        if row.paused and row.paused_until is not None and row.paused_until > now:
            after = row.paused_until
        at = row.checkin_time or DEFAULT_TIME
        following = next_checkin(zone, at, row.checkin_frequency or "off", after)
        updates.append({"uid": row.id, "next": following})
        paused = row.paused and (row.paused_until is None or row.paused_until > now)
        if paused or due < now - GRACE:
            result.stale += not paused
            continue
        if (row.id, today[row.id]) in done:
            result.already_checked_in += 1
            continue
        outbox.append(_item(row.id, CHECKIN, due, now))
    await _apply(session, "next_checkin_at", updates, outbox)
    result.checkins += len(outbox)


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
    updates: list[dict[str, object]] = []
    outbox: list[dict[str, object]] = []
    for row in rows:
        if row.review_day is None:
            updates.append({"uid": row.id, "next": None})
            continue
        at = row.checkin_time or DEFAULT_TIME
        following = next_weekly(row.timezone or "UTC", at, row.review_day, now)
        updates.append({"uid": row.id, "next": following})
        if row.next_review_at < now - GRACE:
            result.stale += 1
            continue
        outbox.append(_item(row.id, REVIEW, row.next_review_at, now))
    await _apply(session, "next_review_at", updates, outbox)
    result.reviews += len(outbox)


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
    wanted = set(days.values())
    query = select(CheckIn.user_id, CheckIn.day).where(
        CheckIn.user_id.in_(list(days)), CheckIn.day.in_(wanted)
    )
    return {(uid, day) for uid, day in (await session.execute(query)).all() if days[uid] == day}


async def _apply(
    session: AsyncSession,
    column: str,
    updates: list[dict[str, object]],
    outbox: list[dict[str, object]],
) -> None:
    """One bulk UPDATE by primary key and one bulk INSERT, whatever the batch size."""
    if updates:
        await session.execute(update(User), [{"id": u["uid"], column: u["next"]} for u in updates])
    if outbox:
        await session.execute(insert(ScheduledMessage), outbox)
