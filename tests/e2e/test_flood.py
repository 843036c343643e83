"""Flood control never loses what a person wrote (issue 17): in a burst they get one note, and
only the latest of their messages is answered for the ones queued before it, but every message
is handled and stored; it counts messages by when Telegram got them, so a backlog handled in a
rush does not trip it; and the crisis check comes before it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.models import InboxUpdate, Win
from bot.emulator import SimUser
from bot.emulator import incoming as emulator_incoming
from bot.emulator.html import parse_html
from bot.services import crisis
from tests.e2e.harness import CONTENT, BotHarness, onboard

TEXTS = CONTENT.texts("en")


def seen(key: str) -> str:
    """What Telegram shows for ``key`` (its HTML as plain text)."""
    return parse_html(TEXTS(key))[0]


NOTE = seen("flood.slow_down")
HELP = seen("help.private")


async def limit_to(bot: BotHarness, limit: int) -> None:
    """This test's own flood limit (the harness's people type at machine speed), once the
    process has loaded its language models (the first text does: seconds on a busy machine)."""
    warm = bot.user("Warm")
    await warm.send("/help")
    await warm.next_message(timeout=60)
    bot.set_flood_limit(limit)
    bot.emulator.set_rate_limits(False)  # about our flood control, not Telegram's


async def wins_of(bot: BotHarness, user: SimUser) -> list[str | None]:
    async with bot.sessions() as session:
        rows = await session.execute(
            select(Win.text).where(Win.user_id == user.id).order_by(Win.id)
        )
    return list(rows.scalars())


async def unhandled(bot: BotHarness) -> int:
    async with bot.sessions() as session:
        query = select(func.count()).where(InboxUpdate.processed_at.is_(None))
        return (await session.execute(query)).scalar_one()


async def test_a_flood_gets_one_note_and_an_answer_to_its_latest_message(bot: BotHarness) -> None:
    await limit_to(bot, 5)
    flooder, calm = bot.user("Flo"), bot.user("Cal")
    for _ in range(12):
        await flooder.send("/help")
    await calm.send("/help")
    await bot.settle(60)
    texts = [m.text for m in flooder.messages]
    assert texts.count(NOTE) == 1  # told once, not seven times
    assert texts[-1] == HELP  # the latest message is answered: nobody is left hanging
    assert 5 < len(texts) < 13  # the first five as usual, the note, then fewer than seven
    assert calm.messages[-1].text == HELP
    assert await unhandled(bot) == 0


async def test_taps_in_a_flood_are_all_answered(bot: BotHarness) -> None:
    """A tap with no answer leaves a spinner on the person's button until Telegram gives up."""
    await limit_to(bot, 3)
    flooder = bot.user("Tap")
    for _ in range(4):
        await flooder.send("/help")
    await bot.settle(60)
    for _ in range(8):
        await flooder.tap_data("nothing:1:here")
    await bot.settle(60)
    assert len(flooder.callback_answers) == 8  # every tap answered, in the breather too


async def test_nothing_a_flooder_writes_is_lost(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await limit_to(bot, 5)
    before = len(user.messages)
    written = [f"Win number {n}: sent the follow-up email" for n in range(20)]
    for text in written:
        await user.send("/win")
        await user.send(text)
    await bot.settle(60)
    assert await wins_of(bot, user) == written  # every one, in order, each once
    replies = [m.text for m in user.messages[before:]]
    assert replies.count(NOTE) == 1
    assert len(replies) < 2 * len(written)  # coalesced: not one reply per message
    assert replies[-1] != NOTE  # the last win is acknowledged
    assert await unhandled(bot) == 0


async def test_a_crisis_message_after_forty_quick_ones_gets_care(bot: BotHarness) -> None:
    await limit_to(bot, 30)  # the shipped default
    user = bot.user("Robin")
    for _ in range(40):
        await user.send("/help")
    await user.send("I don't want to live anymore")
    await bot.settle(60)
    texts = [m.text for m in user.messages]
    assert texts.count(NOTE) == 1
    assert seen(crisis.NEXT_STEPS_KEY) in texts[-1]  # the care reply, helplines and choices


@pytest.fixture
def sent_at(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ``date`` the emulator gives the next message: the test sets it (Telegram's own clock
    stands for when the person wrote, long before the bot handled it)."""
    when = [emulator_incoming.now()]
    monkeypatch.setattr(emulator_incoming, "now", lambda: when[0])
    return when


async def test_a_backlog_handled_at_once_does_not_trip_the_gate(
    harness_any_db: BotHarness, sent_at: list[int]
) -> None:
    """Four people each wrote every 4 s for a minute while the bot could not keep up; their
    messages are all handled in one rush. Counted by handling time that is 16 each at once;
    counted by when they were written, nobody went past 5 in 10 s."""
    bot = harness_any_db
    await bot.start()
    start = sent_at[0]
    people = []
    for name in ("Ana", "Ben", "Caz", "Dee"):
        sent_at[0] = start  # onboarding, at the same moment for everybody
        people.append(await onboard(bot, first_name=name))
    await limit_to(bot, 5)
    before = {p.id: len(p.messages) for p in people}
    written: dict[int, list[str]] = {p.id: [] for p in people}
    for n in range(8):  # everybody writes at once, every 4 s
        for person in people:
            sent_at[0] = start + 60 + 8 * n
            await person.send("/win")
            sent_at[0] = start + 64 + 8 * n
            text = f"{person.first_name} win {n}: an answer from a recruiter"
            await person.send(text)
            written[person.id].append(text)
    await bot.settle(60)
    for person in people:
        assert await wins_of(bot, person) == written[person.id]
        replies = [m.text for m in person.messages[before[person.id] :]]
        assert NOTE not in replies
        assert len(replies) == 16  # each message answered as at a normal pace
    assert await unhandled(bot) == 0
