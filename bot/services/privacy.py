"""What Rebound keeps about a person: export it all, or erase it all in one transaction.

Every table that holds personal data references ``users.id`` with ON DELETE CASCADE, so
erasing the user row erases everything; ``TABLES`` lists them so tests can count rows.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Base,
    CheckIn,
    FeedbackRequest,
    FlowState,
    Nudge,
    PlanAction,
    Rejection,
    ScheduledMessage,
    Strength,
    User,
    VariantUse,
    Win,
)

SCHEMA = "rebound.export/1"
EXPORT_PARTITION = 100  # rows read and turned into objects at a time
# (export section, model); every model with personal rows, in a stable order.
TABLES: tuple[tuple[str, type[Base]], ...] = (
    ("debriefs", Rejection),
    ("plan", PlanAction),
    ("feedback_requests", FeedbackRequest),
    ("checkins", CheckIn),
    ("wins", Win),
    ("strengths", Strength),
    ("nudges", Nudge),
    ("scheduled", ScheduledMessage),
    ("conversation_state", FlowState),
    ("variant_uses", VariantUse),  # which version of repeated texts was last shown, and when
)
USER_FIELDS = (
    "id",
    "language_code",
    "timezone",
    "checkin_time",
    "checkin_frequency",
    "review_day",
    "signature_name",
    "paused",
    "paused_until",
    "consented_at",
    "onboarded_at",
    "created_at",
)


def _plain(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _row(obj: Base) -> dict[str, object]:
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in inspect(obj).mapper.column_attrs}


async def export(session: AsyncSession, user: User, now: datetime) -> dict[str, Any]:
    """Everything stored about ``user``, as a documented, stable JSON-ready document."""
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "exported_at": now.isoformat(),
        "user": {field: _plain(getattr(user, field)) for field in USER_FIELDS},
    }
    for section, model in TABLES:
        column = model.__table__.c.user_id
        # Streamed in partitions: a year of daily use is hundreds of rows, and building them
        # all at once would hold the event loop (every other chat) for tens of milliseconds.
        result = await session.stream_scalars(select(model).where(column == user.id))
        document[section] = [
            _row(row) async for part in result.partitions(EXPORT_PARTITION) for row in part
        ]
    return document


def export_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


async def erase(session: AsyncSession, user_id: int) -> None:
    """Erase every row about the person (the cascade takes the rest, in this transaction)."""
    await session.execute(delete(User).where(User.id == user_id))


async def purge(
    session: AsyncSession, now: datetime, checkin_days: int, inactive_days: int
) -> tuple[int, int]:
    """Retention: drop check-ins older than ``checkin_days``; erase people who blocked the bot
    more than ``inactive_days`` ago. Returns (check-ins removed, people erased)."""
    old = now - timedelta(days=checkin_days)
    checkins: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(CheckIn).where(CheckIn.created_at < old)
    )
    gone = now - timedelta(days=inactive_days)
    people: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(User).where(User.active.is_(False), User.updated_at < gone)
    )
    return checkins.rowcount, people.rowcount


def markdown(document: dict[str, Any]) -> list[tuple[str, dict[str, object]]]:
    """The readable part of an export (debriefs and feedback) as (content key, params) lines."""
    parts: list[tuple[str, dict[str, object]]] = [("privacy.md.title", {})]
    for debrief in document["debriefs"]:
        notes = " / ".join(n for n in (debrief["went_well_note"], debrief["reasons_note"]) if n)
        parts.append(
            (
                "privacy.md.debrief",
                {
                    "date": str(debrief["created_at"])[:10],
                    "company": debrief["company"] or "—",
                    "role": debrief["role"] or "—",
                    "stage": debrief["stage"] or "—",
                    "mood": debrief["mood"] or "—",
                    "went_well": ", ".join(debrief["went_well"]) or "—",
                    "reasons": ", ".join(debrief["reasons"]) or "—",
                    "outside": ", ".join(debrief["outside"]) or "—",
                    "notes": notes or "—",
                },
            )
        )
    for request in document["feedback_requests"]:
        parts.append(
            (
                "privacy.md.feedback",
                {
                    "company": request["company"] or "—",
                    "state": request["status"],
                    "reply": request["reply_text"] or "—",
                },
            )
        )
    return parts
