"""Figures an operator watches (served on /metrics): how much is waiting, and how late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ScheduledMessage
from bot.services import inbox


@dataclass(frozen=True)
class QueueFigures:
    outbox_due: int
    outbox_lag_seconds: float
    inbox_waiting: int


async def queue_figures(session: AsyncSession, now: datetime) -> QueueFigures:
    due, oldest = (
        await session.execute(
            select(func.count(), func.min(ScheduledMessage.due_at)).where(
                ScheduledMessage.status.in_(("pending", "claimed")),
                ScheduledMessage.due_at <= now,
            )
        )
    ).one()
    backlog = await inbox.backlog(session)
    lag = (now - oldest).total_seconds() if oldest is not None else 0.0
    return QueueFigures(int(due), max(lag, 0.0), backlog.waiting)
