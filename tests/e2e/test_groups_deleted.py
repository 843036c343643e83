"""A group deleted by its owner, or that the bot was removed from without hearing of it.
Telegram tells bots nothing of a deletion: a deleted supergroup answers every call 400 "chat
not found", a deleted basic group 403 "the group chat was deleted", a removal 403 "bot was
kicked". The first refusal ends the group for the bot: no apology into it (refused the same
way), its scheduled posts stop for good instead of being retried and made again every day,
and it is marked gone once. A group the bot is added back to posts again. On both databases."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import delivery
from bot.db.models import Group, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import SimGroup, SimUser
from tests.e2e.harness import BotHarness, one_of, shown

BOT = "rebound_test_bot"
REFUSED = {
    "deleted": "Bad Request: chat not found",
    "deleted-basic": "Forbidden: the group chat was deleted",
    "kicked": "Forbidden: bot was kicked from the supergroup chat",
}


@pytest.fixture
async def bot(harness_any_db: BotHarness) -> BotHarness:
    """A running instance, on SQLite and on PostgreSQL."""
    await harness_any_db.start()
    return harness_any_db


async def a_group_with_posts_on(
    bot: BotHarness, *, supergroup: bool = True
) -> tuple[SimGroup, SimUser, SimUser]:
    """A group with the daily check-in and the weekly recap on, an admin and a member."""
    admin, member = bot.user("Sam"), bot.user("Ben")
    group = bot.emulator.group("Job seekers", supergroup=supergroup)
    group.add_member(admin, admin=True)
    group.add_member(member)
    await group.add_bot(admin)
    await group.next_message()
    await group.send(admin, f"/groupsettings@{BOT}")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await group.tap(admin, "Weekly recap on/off", message=view)
    await bot.settle()
    return group, admin, member


async def gone(bot: BotHarness, group: SimGroup, how: str, admin: SimUser) -> None:
    if how == "kicked":
        await group.remove_bot(admin, bot_told=False)
    else:
        await group.delete_group()


async def the_group(bot: BotHarness) -> Group:
    async with bot.sessions() as session:
        return (await session.execute(select(Group))).scalar_one()


async def posts_waiting(bot: BotHarness) -> int:
    """Scheduled group posts and replies that could still be sent."""
    async with bot.sessions() as session:
        count = select(func.count()).where(ScheduledMessage.status.in_(("pending", "claimed")))
        return int((await session.execute(count)).scalar_one())


def refusals(bot: BotHarness) -> list[tuple[str, str]]:
    return [(e.method, e.description) for e in bot.emulator.errors]


@pytest.mark.parametrize("how", ["deleted", "kicked"])
async def test_a_reply_into_a_gone_group_is_not_followed_by_an_apology(
    bot: BotHarness, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    """/cheer reached the bot, then the group was deleted (or the bot removed, news missed)
    before the answer went out. The answer is refused; no apology is tried after it, nothing
    is logged as an error (nothing is wrong with the bot), and the group's posts stop."""
    group, admin, member = await a_group_with_posts_on(bot)
    await bot.stop(bot.instances[-1])
    await group.send(member, f"/cheer@{BOT}")
    await gone(bot, group, how, admin)
    with caplog.at_level(logging.INFO):
        await bot.start()
        await bot.settle()
    assert refusals(bot) == [("sendMessage", REFUSED[how])]  # the reply only
    bot.emulator.errors.clear()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    stored = await the_group(bot)
    assert (stored.active, stored.next_checkin_at, stored.next_recap_at) == (False, None, None)
    assert await posts_waiting(bot) == 0

    bot.clock.advance(timedelta(days=8))  # a check-in and a recap would have been due
    assert await dispatch_due(bot.instances[-1]) == 0
    await bot.settle()
    assert refusals(bot) == []


@pytest.mark.parametrize("how", ["deleted", "deleted-basic", "kicked"])
async def test_a_gone_groups_scheduled_posts_stop_at_the_first_refusal(
    bot: BotHarness, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Nobody writes in the group after it is gone; the daily check-in comes due. Its send is
    refused once; it is not retried (a retry gets the same answer), the recap and the next
    days' check-ins are not made, and the group is marked gone once."""
    group, admin, _ = await a_group_with_posts_on(bot, supergroup=how != "deleted-basic")
    await gone(bot, group, how if how != "deleted-basic" else "deleted", admin)
    app = bot.instances[-1]
    stored = await the_group(bot)
    assert stored.next_checkin_at is not None
    bot.clock.current = stored.next_checkin_at
    with caplog.at_level(logging.INFO):
        await dispatch_due(app)
        for _ in range(20):  # ten days, in twelve-hour steps: every backoff passes
            bot.clock.advance(timedelta(hours=12))
            assert await dispatch_due(app) == 0
    await bot.settle()
    assert refusals(bot) == [("sendMessage", REFUSED[how])]
    bot.emulator.errors.clear()
    stored = await the_group(bot)
    assert (stored.active, stored.next_checkin_at, stored.next_recap_at) == (False, None, None)
    assert await posts_waiting(bot) == 0
    marked = [r for r in caplog.records if "group posts stop" in r.getMessage()]
    assert len(marked) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_added_back_after_a_refusal_the_group_posts_again(bot: BotHarness) -> None:
    """The bot was removed without hearing of it; the check-in was refused and the group
    stopped. An admin adds it back: the check-in and recap come again, as they were set."""
    group, admin, member = await a_group_with_posts_on(bot)
    await group.remove_bot(admin, bot_told=False)
    app = bot.instances[-1]
    stored = await the_group(bot)
    assert stored.next_checkin_at is not None
    bot.clock.current = stored.next_checkin_at
    await dispatch_due(app)
    bot.emulator.errors.clear()
    assert (await the_group(bot)).active is False

    await group.add_bot(admin)
    await group.next_message()  # hello again
    await bot.settle()
    stored = await the_group(bot)
    assert (stored.active, stored.checkin_on, stored.recap_on) == (True, True, True)
    assert stored.next_checkin_at is not None and stored.next_recap_at is not None
    bot.clock.current = stored.next_checkin_at
    assert await dispatch_due(app) == 1
    assert one_of((await group.next_message()).text, shown("group.checkin", count=0))
    await group.send(member, f"/cheer@{BOT}")
    assert one_of((await group.next_message()).text, shown("group.cheer"))
    assert refusals(bot) == []


async def test_a_group_upgraded_and_then_deleted_while_a_reply_waited_stops_once(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/cheer's answer failed once (502) and waited; meanwhile the basic group became a
    supergroup (the bot offline, so it never heard) and the supergroup was deleted. The later
    send learns the new id from the old one, follows it (as the Bot API's migrate_to_chat_id
    says), and is refused there: the group moves to its new id and stops with that one
    refusal; its check-in is not tried the next day."""
    monkeypatch.setattr(delivery, "INLINE_BUDGET", 0.2)  # one try, then the outbox
    app = bot.instances[-1]
    group, _, member = await a_group_with_posts_on(bot, supergroup=False)
    bot.emulator.fail_next("sendMessage", 502)
    await group.send(member, f"/cheer@{BOT}")
    await bot.settle()
    supergroup = await group.migrate_to_supergroup(bot_told=False)
    await supergroup.delete_group()

    bot.clock.advance(timedelta(seconds=10))  # the backoff has passed
    await app.wiring.delivery.pump()
    assert refusals(bot) == [
        ("sendMessage", "Bad Request: group chat was upgraded to a supergroup chat"),
        ("sendMessage", "Bad Request: chat not found"),
    ]
    bot.emulator.errors.clear()
    stored = await the_group(bot)
    assert (stored.chat_id, stored.active, stored.next_checkin_at) == (supergroup.id, False, None)
    assert await posts_waiting(bot) == 0
    bot.clock.advance(timedelta(days=2))
    assert await dispatch_due(app) == 0
    assert refusals(bot) == []
