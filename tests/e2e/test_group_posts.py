"""Scheduled group posts that Telegram refuses for good (issue 19 item 4): the bot may no
longer send messages there, the topic it posts in was closed or deleted, or it was removed
while offline. Each pauses the group's schedule instead of failing every day, the admins are
told once where that is possible, and the posts start again once the cause is fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import Group, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import SimGroup, SimUser
from bot.services import groups
from tests.e2e.harness import CONTENT, BotHarness

TEXTS = CONTENT.texts("en")
BOT = "rebound_test_bot"
REFUSED = {
    "restricted": "Bad Request: not enough rights to send text messages to the chat",
    "topic_closed": "Bad Request: TOPIC_CLOSED",
    "topic_deleted": "Bad Request: message thread not found",
    "kicked": "Forbidden: bot was kicked from the supergroup chat",
}
REASONS = {
    "restricted": groups.NO_RIGHTS,
    "topic_closed": groups.TOPIC_CLOSED,
    "topic_deleted": groups.TOPIC_GONE,
}


async def a_forum_with_checkins_in_a_topic(
    bot: BotHarness, *, admin_started_the_bot: bool = True
) -> tuple[SimGroup, SimUser, SimUser, int]:
    """A forum whose admin Ana sent /groupsettings in the "Check-ins" topic and turned the
    daily check-in on; a second admin, Bo, never wrote to the bot privately."""
    ana, bo = bot.user("Ana"), bot.user("Bo")
    if admin_started_the_bot:
        await ana.send("/start")
        await ana.next_message(timeout=60)
    forum = bot.emulator.group("Hiring help", supergroup=True, forum=True)
    forum.add_member(ana, admin=True)
    forum.add_member(bo, admin=True)
    await forum.add_bot(ana)
    await forum.next_message()
    topic = await forum.create_topic("Check-ins")
    await forum.send(ana, f"/groupsettings@{BOT}", thread_id=topic)
    view = await forum.next_message()
    await forum.tap(ana, "Daily check-in on/off", message=view)
    await bot.settle()
    return forum, ana, bo, topic


async def the_group(bot: BotHarness) -> Group:
    async with bot.sessions() as session:
        return (await session.execute(select(Group))).scalar_one()


async def pending_posts(bot: BotHarness) -> int:
    async with bot.sessions() as session:
        query = select(func.count()).where(ScheduledMessage.status.in_(("pending", "claimed")))
        return int((await session.execute(query)).scalar_one())


async def refused_sends(bot: BotHarness) -> list[str]:
    await bot.settle()
    return [e.description for e in bot.emulator.errors if e.method == "sendMessage"]


@pytest.mark.parametrize("cause", list(REFUSED))
async def test_a_post_that_can_never_succeed_pauses_the_group_once(
    harness_any_db: BotHarness, cause: str
) -> None:
    bot = harness_any_db
    await bot.start()
    forum, ana, bo, topic = await a_forum_with_checkins_in_a_topic(bot)
    if cause == "restricted":
        await forum.restrict_bot(ana)
    elif cause == "topic_closed":
        await forum.close_topic(topic)
    elif cause == "topic_deleted":
        await forum.delete_topic(topic)
    else:
        await forum.remove_bot(ana, bot_told=False)  # the bot missed the news
    await bot.settle()
    bot.clock.current = (await the_group(bot)).next_checkin_at  # type: ignore[assignment]

    assert await dispatch_due(bot.instances[-1]) == 0
    assert await refused_sends(bot) == [REFUSED[cause]]  # Telegram's exact words
    bot.emulator.errors.clear()
    stored = await the_group(bot)
    if cause == "kicked":  # nothing to tell or resume: the bot is out of the group
        assert (stored.active, stored.paused) == (False, None)
        await ana.expect_silence()
    else:
        assert (stored.active, stored.paused, stored.paused_told) == (True, REASONS[cause], True)
        notice = await ana.next_message()  # the admin who has a chat with the bot
        expected = TEXTS(f"group.paused.{REASONS[cause]}", group="Hiring help", bot=BOT)
        assert notice.html == expected
        assert "Hiring help" in notice.text
        await bo.expect_silence()  # never wrote to the bot: it cannot write to Bo first
    assert stored.next_checkin_at is None
    assert await pending_posts(bot) == 0

    for _ in range(3):  # not tried again, day after day, and nobody told twice
        bot.clock.advance(timedelta(days=1))
        assert await dispatch_due(bot.instances[-1]) == 0
    assert await refused_sends(bot) == []
    await ana.expect_silence()
    await forum.expect_silence()


@pytest.mark.parametrize("cause", ["restricted", "topic_closed", "topic_deleted"])
async def test_the_posts_start_again_once_the_cause_is_fixed(bot: BotHarness, cause: str) -> None:
    forum, ana, _, topic = await a_forum_with_checkins_in_a_topic(bot)
    if cause == "restricted":
        await forum.restrict_bot(ana)
    elif cause == "topic_closed":
        await forum.close_topic(topic)
    else:
        await forum.delete_topic(topic)
    await bot.settle()
    bot.clock.current = (await the_group(bot)).next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(bot.instances[-1]) == 0
    await ana.next_message()
    assert len(await refused_sends(bot)) == 1
    bot.emulator.errors.clear()

    where: int | None = topic
    if cause == "restricted":
        await forum.lift_restrictions(ana)  # Telegram tells the bot (my_chat_member)
    elif cause == "topic_closed":
        await forum.reopen_topic(topic)  # a service message in the topic
    else:
        await forum.send(ana, f"/groupsettings@{BOT}")  # in the main chat this time
        view = await forum.next_message()  # the note joins the settings it comes with
        assert (view.html or "").startswith(TEXTS("group.resumed"))
        assert "Daily check-in: on" in view.text
        where = None
    await bot.settle()
    stored = await the_group(bot)
    assert stored.paused is None
    assert stored.next_checkin_at is not None
    bot.clock.current = stored.next_checkin_at
    assert await dispatch_due(bot.instances[-1]) == 1
    checkin = forum.messages[-1]
    assert "check-in" in checkin.text.lower()
    assert checkin.thread_id == where


async def test_with_no_admin_to_write_to_the_first_admin_command_in_the_group_says_it(
    bot: BotHarness,
) -> None:
    forum, _, bo, topic = await a_forum_with_checkins_in_a_topic(bot, admin_started_the_bot=False)
    member = bot.user("Cleo")
    forum.add_member(member)
    await forum.close_topic(topic)
    await bot.settle()
    bot.clock.current = (await the_group(bot)).next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(bot.instances[-1]) == 0
    assert await refused_sends(bot) == [REFUSED["topic_closed"]]
    bot.emulator.errors.clear()
    assert (await the_group(bot)).paused_told is False  # nobody could be told privately

    await forum.send(member, f"/cheer@{BOT}")  # a member: just the cheer
    assert TEXTS("group.paused_here.topic_closed", bot=BOT) not in (
        (await forum.next_message()).html or ""
    )
    await forum.send(bo, f"/win@{BOT} Two interviews booked")  # the first admin: told here
    reply = await forum.next_message()
    assert "Two interviews booked" in reply.text
    assert TEXTS("group.paused_here.topic_closed", bot=BOT) in (reply.html or "")
    await forum.send(bo, f"/win@{BOT} And a call back")  # once
    assert TEXTS("group.paused_here.topic_closed", bot=BOT) not in (
        (await forum.next_message()).html or ""
    )
    assert (await the_group(bot)).paused_told is True
