"""The bot's own role in a group changing under it (an admin takes its admin rights), and
anonymous admins (posting as the group: ``sender_chat`` = the group, ``from`` =
@GroupAnonymousBot) using every admin-only setting."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.db.models import Group, User
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, Emulator, SimGroup, SimUser
from bot.services import groups
from tests.e2e.harness import CONTENT, TOKEN, BotHarness, label, one_of, seen, shown

BOT = "rebound_test_bot"
ANONYMOUS_ADMIN = 1087968824  # @GroupAnonymousBot
DEMOTED = seen(CONTENT.texts("en")("group.demoted", bot=BOT))


async def an_admin_bot(bot: BotHarness) -> tuple[SimGroup, SimUser, SimUser]:
    """A supergroup that added the bot as an administrator (so it reads every message)."""
    admin, member = bot.user("Sam"), bot.user("Ben")
    group = bot.emulator.group("Job seekers", supergroup=True)
    group.add_member(admin, admin=True)
    group.add_member(member)
    await group.add_bot(admin, as_admin=True)
    hello = await group.next_message()
    assert [hello.text] == shown("group.joined", bot=BOT)
    await bot.settle()
    return group, admin, member


async def said(bot: BotHarness, group: SimGroup, act: object) -> list[BotMessage]:
    """What the bot posts in ``group`` in answer to ``act`` (an awaitable)."""
    before = len(group.messages)
    await act  # type: ignore[misc]
    await bot.settle()
    return group.messages[before:]


async def the_group(bot: BotHarness) -> Group:
    async with bot.sessions() as session:
        return (await session.execute(select(Group))).scalar_one()


async def test_demoted_the_bot_says_once_what_it_sees_now(bot: BotHarness) -> None:
    """Admin -> member: the group hears one short notice that only commands and replies reach
    the bot now, and how to talk to it; settings and schedule are untouched. Its word is
    true: plain talk no longer reaches it, a reply to the notice does. Made an admin and
    demoted again, it says so again, once."""
    group, admin, member = await an_admin_bot(bot)
    [view] = await said(bot, group, group.send(admin, f"/groupsettings@{BOT}"))
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    before = await the_group(bot)

    [notice] = await said(bot, group, group.demote_bot(admin))
    assert notice.text == DEMOTED
    assert f"/win@{BOT}" in notice.text and "reply to one of them" in notice.text
    after = await the_group(bot)
    assert (after.active, after.paused, after.checkin_on) == (True, None, True)
    assert after.next_checkin_at == before.next_checkin_at
    fetched = bot.emulator.updates_fetched
    assert await said(bot, group, group.send(member, "another rejection today, ugh")) == []
    assert bot.emulator.updates_fetched == fetched  # Telegram keeps it from the bot now
    [thanks] = await said(bot, group, group.send(member, "thanks!", reply_to=notice.message_id))
    assert one_of(thanks.text, shown("listen.group.thanks"))

    assert await said(bot, group, group.promote_bot(admin)) == []  # not through the link
    [again] = await said(bot, group, group.demote_bot(admin))
    assert again.text == DEMOTED
    assert [m.text for m in group.messages].count(DEMOTED) == 2


async def test_demoted_in_a_group_that_chose_spanish_it_says_so_in_spanish(
    bot: BotHarness,
) -> None:
    group, admin, _ = await an_admin_bot(bot)
    [view] = await said(bot, group, group.send(admin, f"/groupsettings@{BOT}"))
    await group.tap(admin, label("settings.language.es"), message=view)
    await bot.settle()
    [notice] = await said(bot, group, group.demote_bot(admin))
    assert notice.text == seen(CONTENT.texts("es")("group.demoted", bot=BOT))


async def test_demoted_to_muted_it_tries_nothing(bot: BotHarness) -> None:
    """Admin -> restricted (no right to send messages): no notice is tried (it would be
    refused), and nothing else is sent."""
    group, admin, _ = await an_admin_bot(bot)
    assert await said(bot, group, group.restrict_bot(admin)) == []
    sends = [c for c in bot.emulator.calls if c.method == "sendMessage"]
    assert [c.params.get("chat_id") for c in sends] == [group.id]  # the hello only
    assert bot.emulator.errors == []


async def test_demoted_with_privacy_mode_off_nothing_changes_so_nothing_is_said(
    sqlite_db: str, tmp_path: Path
) -> None:
    """With BotFather's privacy mode off the bot reads every message, admin or not: a
    demotion changes nothing members need to know."""
    async with Emulator(token=TOKEN, bot_username=BOT, group_privacy=False) as emu:
        bot = BotHarness(emu, sqlite_db, tmp_path)
        try:
            await bot.start()
            admin = bot.user("Sam")
            group = emu.group("Open group", supergroup=True)
            group.add_member(admin, admin=True)
            await group.add_bot(admin, as_admin=True)
            await group.next_message()
            await bot.settle()
            assert await said(bot, group, group.demote_bot(admin)) == []
            assert (await the_group(bot)).active
        finally:
            await bot.close()
        assert emu.errors == []


async def test_removed_after_the_demotion_nothing_is_said(bot: BotHarness) -> None:
    """Removed outright (admin -> kicked): no notice (it could not be posted)."""
    group, admin, _ = await an_admin_bot(bot)
    assert await said(bot, group, group.remove_bot(admin)) == []
    assert not (await the_group(bot)).active
    assert groups.demoted(await the_group(bot), BOT) is None


async def test_an_anonymous_admin_can_do_everything_an_admin_can(bot: BotHarness) -> None:
    """Every admin-only setting, by an admin posting as the group (never looked up: posting
    as the group is proof enough), in a forum where the bot is a plain member: the settings
    with arguments and as a reply, a tap (which Telegram sends from their own account), the
    note about paused posts that only admins get, and starting them again. A member's reply
    to the same settings changes nothing."""
    admin, member = bot.user("Sam"), bot.user("Ben")
    forum = bot.emulator.group("Job seekers", forum=True)
    forum.add_member(admin, admin=True)
    forum.add_member(member)
    await forum.add_bot(admin)
    await forum.next_message()
    topic = await forum.create_topic("Check-ins")
    await bot.settle()
    ask = forum.send_anonymously(admin, f"/groupsettings@{BOT} time 9:30", thread_id=topic)
    [view] = await said(bot, forum, ask)
    assert "Daily check-in: off, at 09:30 (UTC)" in view.text and view.thread_id == topic
    await forum.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    assert "Daily check-in: on" in view.text
    [zone] = await said(
        bot, forum, forum.send_anonymously(admin, "Lisbon", reply_to=view.message_id)
    )
    assert "at 09:30 (Europe/Lisbon)" in zone.text
    [refused] = await said(bot, forum, forum.send(member, "8:00", reply_to=view.message_id))
    assert refused.text == label("group.admins_only")
    stored = await the_group(bot)
    assert (stored.timezone, str(stored.checkin_time), stored.thread_id) == (
        "Europe/Lisbon",
        "09:30:00",
        topic,
    )

    await forum.close_topic(topic)
    await bot.settle()
    bot.clock.current = stored.next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(bot.instances[-1]) == 0  # refused: TOPIC_CLOSED, posts paused
    assert [e.description for e in bot.emulator.errors] == ["Bad Request: TOPIC_CLOSED"]
    bot.emulator.errors.clear()
    assert (await the_group(bot)).paused == groups.TOPIC_CLOSED
    [cheer] = await said(bot, forum, forum.send_anonymously(admin, f"/cheer@{BOT}"))
    paused_here = CONTENT.texts("en")("group.paused_here.topic_closed", bot=BOT)
    assert paused_here in (cheer.html or "")  # the admin-only note, in General
    [moved] = await said(bot, forum, forum.send_anonymously(admin, f"/groupsettings@{BOT}"))
    assert (moved.html or "").startswith(CONTENT.texts("en")("group.resumed"))
    assert moved.thread_id is None
    stored = await the_group(bot)
    assert (stored.paused, stored.thread_id) == (None, None)
    assert stored.next_checkin_at is not None

    asked = [c.params.get("user_id") for c in bot.emulator.calls if c.method == "getChatMember"]
    assert ANONYMOUS_ADMIN not in asked
    async with bot.sessions() as session:
        assert (await session.execute(select(User.id))).scalars().all() == []
