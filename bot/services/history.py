"""/history: past debriefs, newest first, a page at a time, with the notes the person typed on
each (trimmed); each opens its summary card."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Rejection, User
from bot.services import reflection
from bot.services.callback_data import HISTORY, HistoryTap
from bot.services.replies import Button, Ref, RefList, Say, When

PAGE_SIZE = 5
NOTE_LIMIT = 80  # characters of each typed note shown in the list (5 debriefs, 3 notes each)


def _finished(user_id: int) -> tuple[ColumnElement[bool], ...]:
    return (Rejection.user_id == user_id, Rejection.completed_at.is_not(None))


def short_date(moment: datetime, zone: str) -> When:
    """The day, as the reader's language writes it ("7 Dec", "7 дек.")."""
    return When(moment, zone, "day_month")


def notes(record: Rejection) -> list[Ref]:
    """What they typed on this debrief, each note trimmed for a list (the card shows more)."""
    typed = (
        ("history.note.went_well", record.went_well_note),
        ("history.note.differently", record.reasons_note),
        ("history.note.aside", record.note),
    )
    return [
        Ref(key, {"text": reflection.trimmed(text, NOTE_LIMIT)})
        for key, text in typed
        if text and text.strip()
    ]


def _line(record: Rejection, zone: str) -> Ref:
    assert record.completed_at is not None
    line = Ref(
        "reflection.history.line",
        {
            "date": short_date(record.completed_at, zone),
            "company": record.company or Ref("reflection.history.unnamed"),
            "stage": reflection.stage_label(record.stage),
            "mood": reflection.mood_label(record.mood),
        },
    )
    typed = notes(record)
    if not typed:
        return line
    return Ref(
        "history.entry_with_notes", {"line": line, "notes": RefList(tuple(typed), separator="\n")}
    )


async def page(session: AsyncSession, user: User, number: int) -> Say:
    """Page ``number`` (1-based, clamped) of the person's finished debriefs."""
    total = int(
        (await session.execute(select(func.count()).where(*_finished(user.id)))).scalar_one()
    )
    if total == 0:
        return Say("reflection.history.empty")
    pages = math.ceil(total / PAGE_SIZE)
    number = min(max(number, 1), pages)
    query = (
        select(Rejection)
        .where(*_finished(user.id))
        .order_by(Rejection.completed_at.desc(), Rejection.id.desc())
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    records = list((await session.execute(query)).scalars())
    zone = user.timezone or "UTC"
    lines = tuple(_line(r, zone) for r in records)
    buttons: list[tuple[Button, ...]] = [
        (
            Button(
                "reflection.history.open",
                data=HISTORY.pack(HistoryTap("open", r.id)),
                params={"date": short_date(r.completed_at, zone), "company": r.company or ""},
            ),
        )
        for r in records
        if r.completed_at is not None
    ]
    nav = []
    if number > 1:
        nav.append(
            Button(
                "reflection.history.buttons.prev", data=HISTORY.pack(HistoryTap("page", number - 1))
            )
        )
    if number < pages:
        nav.append(
            Button(
                "reflection.history.buttons.next", data=HISTORY.pack(HistoryTap("page", number + 1))
            )
        )
    if nav:
        buttons.append(tuple(nav))
    params: dict[str, object] = {
        "title": Ref("reflection.history.title", {"page": number, "pages": pages}),
        # a blank line between debriefs once some carry notes, so each reads as one block
        "lines": RefList(lines, separator="\n\n" if any(notes(r) for r in records) else "\n"),
        "hint": Ref("reflection.history.hint"),
    }
    facts = await reflection.history_facts(session, user.id)
    patterns = reflection.pattern_message(reflection.find_patterns(facts), seed=total)
    if patterns is None:
        return Say("reflection.history.page", params, tuple(buttons))
    params["patterns"] = Ref(patterns.key, patterns.params)
    return Say("reflection.history.page_with_patterns", params, tuple(buttons))


async def card(session: AsyncSession, user_id: int, record_id: int) -> Say | None:
    """One finished debrief's summary card, or None if it is not theirs or not there."""
    record = await session.get(Rejection, record_id)
    if record is None or record.user_id != user_id or record.completed_at is None:
        return None
    actions = await reflection.actions_of(session, record.id)
    return reflection.card(record, actions, seed=record.id)
