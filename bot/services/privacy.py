"""What Rebound keeps about a person: export it all, or erase it all in one transaction.

Nearly every table that holds personal data references ``users.id`` with ON DELETE CASCADE, so
erasing the user row erases it; ``TABLES`` lists them so tests can count rows. Two hold a
person's Telegram id without that key, and are handled by hand (``NOT_CASCADED``): their mood
taps on group check-ins (a member who never opened a private chat has no user row) and the
update inbox (a day of update ids per chat, to recognise Telegram's redeliveries).

On SQLite, deleted rows are overwritten in the database file (``secure_delete``, bot.db.engine)
and :func:`checkpoint` empties the write-ahead log after an erase, so the words are not left in
either file. What remains anywhere is said in /privacy (content/en/privacy.yaml).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import CursorResult, delete, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.db.models import (
    Base,
    CheckIn,
    FeedbackRequest,
    FlowState,
    GroupCheckIn,
    GroupVote,
    InboxUpdate,
    Nudge,
    PlanAction,
    Rejection,
    ScheduledMessage,
    Strength,
    User,
    VariantUse,
    Win,
)
from bot.services import reflection
from bot.services.replies import Ref, RefList, Say, When

SCHEMA = "rebound.export/1"
NOTHING = Ref("common.nothing")  # an empty field in the readable copy
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
# Tables with a person's id and no ON DELETE CASCADE from users: export and erase name them.
NOT_CASCADED = (GroupVote.__tablename__, InboxUpdate.__tablename__)
# A group check-in's taps are kept only to count each member once, and for the weekly recap
# (seven days back): a day's margin, then they go.
KEEP_GROUP_VOTES = timedelta(days=8)
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
    votes = await session.execute(
        select(GroupVote.checkin_id, GroupVote.mood, GroupCheckIn.created_at)
        .join(GroupCheckIn, GroupCheckIn.id == GroupVote.checkin_id)
        .where(GroupVote.user_id == user.id)
        .order_by(GroupVote.checkin_id)
    )
    document["group_checkin_taps"] = [
        {"checkin_id": checkin, "mood": mood, "checkin_posted_at": _plain(posted)}
        for checkin, mood, posted in votes
    ]
    held = await session.stream_scalars(
        select(InboxUpdate).where(InboxUpdate.chat_id == user.id).order_by(InboxUpdate.update_id)
    )
    document["incoming_updates"] = [
        _row(row) async for part in held.partitions(EXPORT_PARTITION) for row in part
    ]
    return document


def export_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


async def erase(session: AsyncSession, user_id: int) -> None:
    """Erase every row about the person, in this transaction: the user row (the cascade takes
    the rest), their taps on group check-ins, and their chat's id on the inbox rows kept to
    recognise redeliveries (the update ids stay, anonymous; an update not yet handled keeps
    it until it is)."""
    await session.execute(delete(User).where(User.id == user_id))
    await session.execute(delete(GroupVote).where(GroupVote.user_id == user_id))
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.chat_id == user_id, InboxUpdate.processed_at.is_not(None))
        .values(chat_id=None, payload={})
    )


async def checkpoint(engine: AsyncEngine) -> bool:
    """SQLite: copy the write-ahead log into the database file and empty it, so what an erase
    removed is not left in the log until SQLite's next automatic checkpoint (at 1,000 pages of
    log). Returns whether it completed (False when another process reads;
    the next checkpoint will do it). PostgreSQL: nothing to do here (True).

    Run after the erase's commit, outside a transaction (a checkpoint cannot run inside one,
    and the engine begins every transaction with BEGIN IMMEDIATE): hence on the driver's
    connection."""
    if engine.dialect.name != "sqlite":
        return True
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None  # a live pooled connection
        cursor = await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _frames, _copied = await cursor.fetchone()
        await cursor.close()
    return not busy


async def purge(
    session: AsyncSession, now: datetime, checkin_days: int, inactive_days: int
) -> tuple[int, int]:
    """Retention: drop check-ins older than ``checkin_days``; erase people who blocked the bot
    more than ``inactive_days`` ago; forget who tapped group check-ins over a week old.
    Returns (check-ins removed, people erased)."""
    old = now - timedelta(days=checkin_days)
    checkins: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(CheckIn).where(CheckIn.created_at < old)
    )
    gone = now - timedelta(days=inactive_days)
    people: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(User).where(User.active.is_(False), User.updated_at < gone)
    )
    old_checkins = select(GroupCheckIn.id).where(GroupCheckIn.created_at < now - KEEP_GROUP_VOTES)
    await session.execute(delete(GroupVote).where(GroupVote.checkin_id.in_(old_checkins)))
    return checkins.rowcount, people.rowcount


def markdown(document: dict[str, Any]) -> list[Say]:
    """The readable part of an export (debriefs and feedback), one text per part; stage, mood,
    reasons and a request's state are content labels, so the copy reads in the person's
    language rather than showing stored ids ("final_round", "tech_depth", "followed_up")."""
    zone = document["user"]["timezone"] or "UTC"
    parts = [Say("privacy.md.title", variant=0)]
    for debrief in document["debriefs"]:
        notes = " / ".join(n for n in (debrief["went_well_note"], debrief["reasons_note"]) if n)
        parts.append(
            Say(
                "privacy.md.debrief",
                {
                    "date": When(
                        datetime.fromisoformat(debrief["created_at"]), zone, "day_month_year"
                    ),
                    "company": debrief["company"] or NOTHING,
                    "role": debrief["role"] or NOTHING,
                    "stage": reflection.stage_label(debrief["stage"]),
                    "mood": reflection.mood_label(debrief["mood"]),
                    "went_well": _labels("reflection.went_well", debrief["went_well"]),
                    "reasons": _labels("reflection.reason", debrief["reasons"]),
                    "outside": _labels("reflection.outside", debrief["outside"]),
                    "notes": notes or NOTHING,
                },
                variant=0,
            )
        )
    for request in document["feedback_requests"]:
        parts.append(
            Say(
                "privacy.md.feedback",
                {
                    "company": request["company"] or NOTHING,
                    "state": Ref(f"feedback.state.{request['status']}"),
                    "reply": request["reply_text"] or NOTHING,
                },
                variant=0,
            )
        )
    return parts


def _labels(family: str, ids: list[str]) -> RefList:
    return RefList.of([f"{family}.{value}" for value in ids])
