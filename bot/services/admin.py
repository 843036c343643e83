"""Operator tools: aggregate counts only (never anyone's answers) and a confirmed broadcast."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CheckIn,
    FeedbackRequest,
    FlowState,
    JsonData,
    Rejection,
    ScheduledMessage,
    User,
    UTCDateTime,
)
from bot.services.callback_data import ADMIN, WordTap
from bot.services.replies import Button, Say

BROADCAST = "broadcast"  # outbox kind
DRAFT_FLOW = "ad"  # a pending broadcast waits in the operator's flow state until confirmed
TEXT_LIMIT = 3000


async def _count(session: AsyncSession, *where: object) -> int:
    query = select(func.count())
    for condition in where:
        query = query.where(condition)  # type: ignore[arg-type]
    return int((await session.execute(query)).scalar_one())


async def stats(session: AsyncSession, now: datetime) -> Say:
    week = now - timedelta(days=7)
    return Say(
        "admin.stats",
        {
            "people": await _count(session, User.id.is_not(None)),
            "active": await _count(session, User.active.is_(True), User.onboarded_at.is_not(None)),
            "debriefs": await _count(session, Rejection.completed_at.is_not(None)),
            "debriefs_week": await _count(session, Rejection.completed_at >= week),
            "requests_sent": await _count(session, FeedbackRequest.sent_at.is_not(None)),
            "checkins_week": await _count(session, CheckIn.created_at >= week),
            "pending": await _count(session, ScheduledMessage.status == "pending"),
            "parked": await _count(session, ScheduledMessage.status == "parked"),
        },
    )


async def draft_broadcast(session: AsyncSession, operator: User, text: str, now: datetime) -> Say:
    text = text.strip()[:TEXT_LIMIT]
    audience = await _count(session, User.active.is_(True), User.onboarded_at.is_not(None))
    row = await session.get(FlowState, (operator.id, operator.id))
    if row is None:
        row = FlowState(chat_id=operator.id, user_id=operator.id, data={})
        session.add(row)
    row.flow, row.step, row.data, row.updated_at = DRAFT_FLOW, "confirm", {"text": text}, now
    row.run = {}  # no run of a declared flow: an earlier flow's token must not carry over
    return Say(
        "admin.broadcast_confirm",
        {"text": text, "count": audience},
        (
            (
                Button("admin.buttons.send", data=ADMIN.pack(WordTap("send"))),
                Button("admin.buttons.cancel", data=ADMIN.pack(WordTap("cancel"))),
            ),
        ),
    )


async def confirm_broadcast(session: AsyncSession, operator: User, now: datetime) -> int | None:
    """Queue the drafted broadcast for everyone active; None if there was no draft."""
    row = await session.get(FlowState, (operator.id, operator.id))
    if row is None or row.flow != DRAFT_FLOW:
        return None
    text = str(row.data.get("text", ""))
    await session.delete(row)
    # One INSERT ... SELECT: the database writes a row per active person by itself, rather than
    # the bot building (and binding) a hundred thousand rows on the event loop.
    audience = select(
        User.id,
        User.id,
        literal(BROADCAST),
        literal({"text": text}, JsonData),
        literal(now, UTCDateTime()),
        literal("pending"),
        literal(0),
        literal(now, UTCDateTime()),
    ).where(User.active.is_(True), User.onboarded_at.is_not(None))
    columns = ["user_id", "chat_id", "kind", "payload", "due_at", "status", "attempts"]
    queued: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        insert(ScheduledMessage).from_select([*columns, "created_at"], audience)
    )
    return int(queued.rowcount)


async def drop_broadcast(session: AsyncSession, operator: User) -> None:
    row = await session.get(FlowState, (operator.id, operator.id))
    if row is not None and row.flow == DRAFT_FLOW:
        await session.delete(row)


def broadcast_message(text: str) -> Say:
    return Say("admin.broadcast_message", {"text": text})
