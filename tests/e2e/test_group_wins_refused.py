"""A /win whose celebration Telegram refuses (the bot was removed and missed the news, the
group was deleted, the topic it was shared in is closed to the bot) is not counted: the weekly
recap says "wins celebrated", and counts only what the group saw celebrated. On both
databases, on the turn's own path and after the reply waited in the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import delivery
from bot.db.models import Group, GroupWin, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import SimGroup, SimUser
from bot.services import outbox
from tests.e2e.harness import BotHarness, one_of, shown

BOT = "rebound_test_bot"


@pytest.fixture
async def bot(harness_any_db: BotHarness) -> BotHarness:
    """A running instance, on SQLite and on PostgreSQL."""
    await harness_any_db.start()
    return harness_any_db


async def a_forum_with_the_recap_on(bot: BotHarness) -> tuple[SimGroup, SimUser, SimUser]:
    """A forum supergroup (the bot a plain member) with the weekly recap posting in General,
    and one win already celebrated there."""
    admin, member = bot.user("Sam"), bot.user("Ben")
    group = bot.emulator.group("Job seekers", forum=True)
    group.add_member(admin, admin=True)
    group.add_member(member)
    await group.add_bot(admin)
    await group.next_message()
    await group.send(admin, f"/groupsettings@{BOT}")
    view = await group.next_message()
    await group.tap(admin, "Weekly recap on/off", message=view)
    await bot.settle()
    assert "Weekly wins recap on Sundays: on" in view.text
    await group.send(member, f"/win@{BOT} A first interview")
    assert "A first interview" in (await group.next_message()).text
    await bot.settle()
    return group, admin, member


async def wins_stored(bot: BotHarness) -> int:
    async with bot.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(GroupWin))).scalar_one())


async def replies_waiting(bot: BotHarness) -> int:
    async with bot.sessions() as session:
        count = select(func.count()).where(ScheduledMessage.kind == "reply")
        return int((await session.execute(count)).scalar_one())


async def the_recap(bot: BotHarness, group: SimGroup) -> str:
    """The next weekly recap as the group sees it."""
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert stored.next_recap_at is not None
    bot.clock.current = stored.next_recap_at
    before = len(group.messages)
    assert await dispatch_due(bot.instances[-1]) == 1
    [recap] = group.messages[before:]
    return recap.text


async def test_a_win_shared_in_a_closed_topic_is_not_counted(bot: BotHarness) -> None:
    """Only admins post in a closed topic. An admin shares a win there; the bot, a plain member,
    may not answer there ("TOPIC_CLOSED"). Nobody saw it celebrated: the recap counts the one
    win that was, no apology is tried, and the next /win elsewhere is counted as usual."""
    group, admin, member = await a_forum_with_the_recap_on(bot)
    topic = await group.create_topic("Wins")
    await group.close_topic(topic)
    await bot.settle()
    await group.send(admin, f"/win@{BOT} Signed my contract", thread_id=topic)
    await bot.settle()
    refused = [(e.method, e.description) for e in bot.emulator.errors]
    assert refused == [("sendMessage", "Bad Request: TOPIC_CLOSED")]  # no apology after it
    bot.emulator.errors.clear()
    assert all("Signed my contract" not in m.text for m in group.messages)
    assert await wins_stored(bot) == 1
    assert await replies_waiting(bot) == 0

    await group.send(member, f"/win@{BOT} Two callbacks")
    assert "Two callbacks" in (await group.next_message()).text
    assert await wins_stored(bot) == 2
    assert one_of(await the_recap(bot, group), shown("group.recap", wins=2, checkins=0))


@pytest.mark.parametrize("how", ["kicked", "deleted"])
async def test_a_win_whose_group_is_gone_before_the_answer_is_not_counted(
    bot: BotHarness, how: str
) -> None:
    """/win reached the bot, then the bot was removed (it missed Telegram's news: 403) or the
    group was deleted (400 "chat not found") before its answer went out: that win is not
    stored; the one celebrated before stays."""
    group, admin, member = await a_forum_with_the_recap_on(bot)
    await bot.stop(bot.instances[-1])
    await group.send(member, f"/win@{BOT} An offer from Acme")
    if how == "kicked":
        await group.remove_bot(admin, bot_told=False)
    else:
        await group.delete_group()
    await bot.start()
    await bot.settle()
    refusals = {
        "kicked": ["Forbidden: bot was kicked from the supergroup chat"],
        "deleted": ["Bad Request: chat not found"],
    }
    assert [e.description for e in bot.emulator.errors] == refusals[how]  # no apology after it
    bot.emulator.errors.clear()
    assert all("Acme" not in m.text for m in group.messages)
    assert await wins_stored(bot) == 1
    assert await replies_waiting(bot) == 0


async def test_a_win_whose_answer_waited_and_was_then_refused_is_not_counted(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The celebration failed once (502) and waited in the outbox; meanwhile the bot was
    removed. The later send gets the 403 and the win is taken back with it."""
    monkeypatch.setattr(delivery, "INLINE_BUDGET", 0.2)  # one try, then the outbox
    app = bot.instances[-1]
    group, admin, member = await a_forum_with_the_recap_on(bot)
    bot.emulator.fail_next("sendMessage", 502)
    await group.send(member, f"/win@{BOT} An offer from Acme")
    await bot.settle()
    assert await replies_waiting(bot) == 1
    assert await wins_stored(bot) == 2  # counted while it may still be posted
    await group.remove_bot(admin, bot_told=False)
    bot.clock.advance(timedelta(seconds=10))  # the backoff has passed
    await app.wiring.delivery.pump()
    refused = [e.description for e in bot.emulator.errors]
    assert refused == ["Forbidden: bot was kicked from the supergroup chat"]
    bot.emulator.errors.clear()
    assert await wins_stored(bot) == 1
    assert await replies_waiting(bot) == 0


async def test_a_win_posted_after_a_retry_stays_counted(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same wait, but the retry goes through: the win is celebrated and counted once."""
    monkeypatch.setattr(delivery, "INLINE_BUDGET", 0.2)
    app = bot.instances[-1]
    group, _, member = await a_forum_with_the_recap_on(bot)
    bot.emulator.fail_next("sendMessage", 502)
    await group.send(member, f"/win@{BOT} An offer from Acme")
    await bot.settle()
    bot.clock.advance(timedelta(seconds=10))
    assert await app.wiring.delivery.pump() == 1
    assert any("Acme" in m.text for m in group.messages)
    assert await wins_stored(bot) == 2
    assert one_of(await the_recap(bot, group), shown("group.recap", wins=2, checkins=0))


async def test_a_win_whose_answer_is_given_up_on_is_not_counted(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram keeps failing (5xx) until the outbox gives up on the celebration (parked, never
    sent): that win is taken back too."""
    monkeypatch.setattr(delivery, "INLINE_BUDGET", 0.2)
    monkeypatch.setattr(outbox, "REPLY_MAX_ATTEMPTS", 2)  # the turn's try, then one more
    monkeypatch.setattr(delivery, "PUMP_BUDGET", 0.2)
    app = bot.instances[-1]
    group, _, member = await a_forum_with_the_recap_on(bot)
    bot.emulator.fail_next("sendMessage", 502, count=50)
    await group.send(member, f"/win@{BOT} An offer from Acme")
    await bot.settle()
    assert await wins_stored(bot) == 2
    bot.clock.advance(timedelta(seconds=10))
    assert await app.wiring.delivery.pump() == 0
    async with bot.sessions() as session:
        [status] = (await session.execute(select(ScheduledMessage.status))).scalars()
    assert status == "parked"
    assert await wins_stored(bot) == 1
