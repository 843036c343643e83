"""Groups as real Telegram runs them, not as a permissive test server would: privacy mode (the
bot, not an admin, hears only commands meant for it and replies to it, as
core.telegram.org/bots/features#privacy-mode lists them: not even a mention of its @username),
anonymous admins and posts on behalf of channels (placeholder senders that are nobody), forum
topics and General, and the bot removed while its reply waited (one group's 429:
test_rate_limits)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.models import Group, User
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, SimGroup, SimUser
from tests.e2e.harness import CONTENT, BotHarness, label, one_of, seen, shown

BOT = "rebound_test_bot"
ANONYMOUS_ADMIN = 1087968824  # @GroupAnonymousBot
CHANNEL_SENDER = 136817688  # @Channel_Bot


async def a_group(bot: BotHarness) -> tuple[SimGroup, SimUser, SimUser, BotMessage]:
    """A supergroup where the bot is a plain member (privacy mode on, as for every new bot)."""
    admin, member = bot.user("Sam"), bot.user("Ben")
    group = bot.emulator.group("Job seekers", supergroup=True)
    group.add_member(admin, admin=True)
    group.add_member(member)
    await group.add_bot(admin)
    hello = await group.next_message()
    await bot.settle()
    return group, admin, member, hello


async def said(bot: BotHarness, group: SimGroup, act: object) -> list[BotMessage]:
    """What the bot posts in ``group`` in answer to ``act`` (an awaitable)."""
    before = len(group.messages)
    await act  # type: ignore[misc]
    await bot.settle()
    return group.messages[before:]


async def stored_people(bot: BotHarness) -> list[int]:
    async with bot.sessions() as session:
        return list((await session.execute(select(User.id))).scalars())


def private_sends(bot: BotHarness) -> list[object]:
    """Chats of every message the bot sent or tried to send to a person (positive ids)."""
    return [
        call.params.get("chat_id")
        for call in bot.emulator.calls
        if call.method.startswith("send") and int(call.params.get("chat_id", 0)) > 0
    ]


async def test_under_privacy_mode_the_bot_hears_only_what_is_meant_for_it(
    bot: BotHarness,
) -> None:
    """Everything a member does with the bot in a group works with only what Telegram hands a
    bot that is not an admin; ordinary talk never even reaches it."""
    group, _, member, hello = await a_group(bot)
    fetched = bot.emulator.updates_fetched
    assert await said(bot, group, group.send(member, "another rejection today, ugh")) == []
    assert await said(bot, group, group.send(member, "I hate this, @someone_else")) == []
    assert await said(bot, group, group.send(member, f"@{BOT} I got an offer!!!")) == []
    assert bot.emulator.updates_fetched == fetched  # Telegram kept all three away from the bot
    [thanks] = await said(bot, group, group.send(member, "thank you!", reply_to=hello.message_id))
    assert one_of(thanks.text, shown("listen.group.thanks"))
    [good] = await said(
        bot, group, group.send(member, "I got an offer!!!", reply_to=hello.message_id)
    )
    assert one_of(good.text, shown("listen.group.good_news", bot=BOT))
    # What works is said where people look, the hello and /help@bot: reply to the bot.
    assert [hello.text] == shown("group.joined_limited", bot=BOT)
    [help_] = await said(bot, group, group.send(member, f"/help@{BOT}"))
    assert [help_.text] == shown("help.group", bot=BOT)
    assert "reply to one of" in hello.text and "reply to one of" in help_.text
    [win] = await said(bot, group, group.send(member, f"/win@{BOT} Got the offer"))
    assert "Got the offer" in win.text
    [usage] = await said(bot, group, group.send(member, f"/win@{BOT}"))
    assert f"/win@{BOT} " in usage.text  # the hint is a command that always arrives
    admin_only = [m for m in group.messages if "/groupsettings" in m.text]
    assert all(f"/groupsettings@{BOT}" in m.text for m in admin_only)


async def test_an_anonymous_admin_is_not_a_person(bot: BotHarness) -> None:
    """Commands and words posted as the group come "from" @GroupAnonymousBot: the admin gets
    answers in the group, but nothing is stored for that account and nothing goes to it."""
    group, admin, _, _ = await a_group(bot)
    # The personal ones and the odd ones: 14 answers, with the rest of the test within the
    # group's 20 messages a minute.
    commands = (
        "start",
        "help",
        "reflect",
        "feedback",
        "checkin",
        "plan",
        "stats",
        "match",
        "settings",
        "pause",
        "privacy",
        "export",
        "delete",
        "admin",
    )
    for command in commands:
        [_] = await said(bot, group, group.send_anonymously(admin, f"/{command}@{BOT}"))
    [settings] = await said(bot, group, group.send_anonymously(admin, f"/groupsettings@{BOT}"))
    assert "Group settings" in settings.text
    answer = group.send_anonymously(
        admin, "thanks, this group loves you", reply_to=settings.message_id
    )
    [thanks] = await said(bot, group, answer)  # a person wrote it: answered like anyone
    assert one_of(thanks.text, shown("listen.group.thanks", bot=BOT))
    assert await stored_people(bot) == []
    assert private_sends(bot) == []
    asked = [c.params.get("user_id") for c in bot.emulator.calls if c.method == "getChatMember"]
    assert ANONYMOUS_ADMIN not in asked  # posting as the group is proof enough of an admin


async def test_a_post_on_behalf_of_a_channel_is_nobody(bot: BotHarness) -> None:
    """A member writing as their channel (from: the placeholder @Channel_Bot) is no admin and
    no person: not looked up, not stored, named by nobody's name."""
    group, _, _, _ = await a_group(bot)
    [refused] = await said(bot, group, group.send_as_channel(f"/groupsettings@{BOT}"))
    assert refused.text == label("group.admins_only")
    [win] = await said(bot, group, group.send_as_channel(f"/win@{BOT} We launched!"))
    assert label("group.someone") in win.text and "Channel" not in win.text
    offer = group.send_as_channel("We got an offer!!!", reply_to=win.message_id)
    [good] = await said(bot, group, offer)
    assert one_of(good.text, shown("listen.group.good_news", bot=BOT))
    asked = [c.params.get("user_id") for c in bot.emulator.calls if c.method == "getChatMember"]
    assert CHANNEL_SENDER not in asked
    assert await stored_people(bot) == []
    assert private_sends(bot) == []


async def test_in_a_forum_replies_stay_in_their_topic_and_posts_go_where_chosen(
    bot: BotHarness,
) -> None:
    admin, member = bot.user("Ana"), bot.user("Ben")
    forum = bot.emulator.group("Hiring help", supergroup=True, forum=True)
    forum.add_member(admin, admin=True)
    forum.add_member(member)
    await forum.add_bot(admin)
    await forum.next_message()
    topic = await forum.create_topic("Check-ins")
    chat = await forum.create_topic("Chat")
    await bot.settle()
    [cheer] = await said(bot, forum, forum.send(member, f"/cheer@{BOT}", thread_id=chat))
    assert cheer.thread_id == chat
    [good] = await said(
        bot, forum, forum.send(member, "I got an offer!", reply_to=cheer.message_id)
    )
    assert good.thread_id == chat  # a reply in the topic is still in it
    [thanks] = await said(bot, forum, forum.send(member, "thanks!", reply_to=good.message_id))
    assert thanks.thread_id == chat
    [view] = await said(bot, forum, forum.send(admin, f"/groupsettings@{BOT}", thread_id=topic))
    assert view.thread_id == topic
    here = seen(CONTENT.texts("en")("group.posts_in.topic", bot=BOT))
    assert view.text.endswith(here)  # the admins see where the posts go, and how to move them
    await forum.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    assert "Daily check-in: on" in view.text  # the same message, edited in its topic
    assert view.text.endswith(here)

    async def next_checkin() -> BotMessage:
        async with bot.sessions() as session:
            stored = (await session.execute(select(Group))).scalar_one()
        assert stored.next_checkin_at is not None
        bot.clock.current = stored.next_checkin_at
        before = len(forum.messages)
        assert await dispatch_due(bot.instances[-1]) == 1
        [checkin] = forum.messages[before:]
        return checkin

    assert (await next_checkin()).thread_id == topic
    other = await forum.create_topic("Daily")
    anonymous = forum.send_anonymously(admin, f"/groupsettings@{BOT}", thread_id=other)
    [moved] = await said(bot, forum, anonymous)  # an anonymous admin, in yet another topic
    assert moved.thread_id == other
    assert (await next_checkin()).thread_id == other
    [general] = await said(bot, forum, forum.send(admin, f"/groupsettings@{BOT}"))
    assert general.thread_id is None  # sent in General: the posts go there from now on
    assert general.text.endswith(seen(CONTENT.texts("en")("group.posts_in.general", bot=BOT)))
    assert (await next_checkin()).thread_id is None


async def test_removed_while_a_reply_waited_the_group_stops_quietly(bot: BotHarness) -> None:
    """/cheer reached the bot, then an admin removed it before the answer went out and the
    bot missed Telegram's news of it: the one refused send stops the group's posts, with no
    apology tried there and nothing retried."""
    group, admin, member, _ = await a_group(bot)
    [view] = await said(bot, group, group.send(admin, f"/groupsettings@{BOT}"))
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    await bot.stop(bot.instances[-1])
    await group.send(member, f"/cheer@{BOT}")
    await group.remove_bot(admin, bot_told=False)
    await bot.start()
    await bot.settle()
    refused = [(e.method, e.description) for e in bot.emulator.errors]
    assert refused == [("sendMessage", "Forbidden: bot was kicked from the supergroup chat")]
    bot.emulator.errors.clear()
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert (stored.active, stored.next_checkin_at) == (False, None)
    bot.clock.current = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    assert await dispatch_due(bot.instances[-1]) == 0
    await bot.settle()
    assert bot.emulator.errors == []


async def test_an_apology_in_a_topic_stays_in_the_topic(bot: BotHarness) -> None:
    """Something failed while answering in a topic: the "sorry" is said there, not in General."""
    admin = bot.user("Ana")
    forum = bot.emulator.group("Hiring help", supergroup=True, forum=True)
    forum.add_member(admin, admin=True)
    await forum.add_bot(admin)
    await forum.next_message()
    topic = await forum.create_topic("Admins")
    await bot.settle()
    bot.emulator.fail_next("getChatMember", 500)  # is this person an admin? Telegram fails
    [sorry] = await said(bot, forum, forum.send(admin, f"/groupsettings@{BOT}", thread_id=topic))
    assert sorry.text == seen(CONTENT.texts("en")("errors.apology"))
    assert sorry.thread_id == topic


async def test_the_admin_link_is_followed_by_a_thanks_not_a_second_hello(bot: BotHarness) -> None:
    """The hello's [Make Rebound an admin] opens t.me/<bot>?startgroup=admin&admin=...; once an
    admin grants the right, Telegram's app sends "/start@<bot> admin" in the group. That gets
    a short thanks (and from then on the bot reads the group), not the group intro again."""
    group, admin, member, hello = await a_group(bot)
    [[make_admin]] = hello.buttons
    assert make_admin.url is not None and "startgroup=admin" in make_admin.url
    bot.clock.advance(timedelta(hours=1))  # later, not right after the hello
    [thanks] = await said(bot, group, group.promote_bot(admin, start_parameter="admin"))
    assert thanks.text == label("group.made_admin")
    assert thanks.buttons == []
    fetched = bot.emulator.updates_fetched
    await said(bot, group, group.send(member, "another rejection today, ugh"))
    assert bot.emulator.updates_fetched == fetched + 1  # an admin reads the group


async def test_added_through_the_admin_link_the_hello_is_all_it_says(bot: BotHarness) -> None:
    admin = bot.user("Ana")
    group = bot.emulator.group("Hiring help", supergroup=True)
    group.add_member(admin, admin=True)
    await group.add_bot(admin, as_admin=True, start_parameter="admin")
    await bot.settle()
    [hello] = group.messages
    assert f"/groupsettings@{BOT}" in hello.text and hello.buttons == []


async def test_added_back_through_the_admin_link_days_later_the_hello_is_all_it_says(
    harness_any_db: BotHarness,
) -> None:
    """Removed, then added back through the same link days later: the group hears the hello
    once, not the hello and then a thanks for the rights it was just added with (the "just
    greeted" check looked at when the group was first seen); its settings are kept."""
    bot = harness_any_db
    await bot.start()
    admin = bot.user("Ana")
    group = bot.emulator.group("Hiring help", supergroup=True)
    group.add_member(admin, admin=True)
    await group.add_bot(admin, as_admin=True, start_parameter="admin")
    await bot.settle()
    [view] = await said(bot, group, group.send(admin, f"/groupsettings@{BOT}"))
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    bot.clock.advance(timedelta(days=3))
    await group.remove_bot(admin)
    await bot.settle()
    bot.clock.advance(timedelta(days=2))
    [hello] = await said(bot, group, group.add_bot(admin, as_admin=True, start_parameter="admin"))
    assert f"/groupsettings@{BOT}" in hello.text
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert (stored.active, stored.checkin_on) == (True, True)
    assert stored.next_checkin_at is not None
    bot.clock.advance(timedelta(minutes=10))  # promoted again later: that is news
    await group.demote_bot(admin)
    await bot.settle()
    [thanks] = await said(bot, group, group.promote_bot(admin, start_parameter="admin"))
    assert thanks.text == label("group.made_admin")


async def test_a_win_can_be_shared_by_replying_to_the_bots_question(bot: BotHarness) -> None:
    """/win with nothing after it asks for the win; under privacy mode the bot never sees
    plain text, but it does see a reply to its own message: that reply is the win."""
    group, _, member, _ = await a_group(bot)
    [asked] = await said(bot, group, group.send(member, f"/win@{BOT}"))
    assert f"/win@{BOT} " in asked.text and "reply to this message" in asked.text
    reply = group.send(member, "Finished my portfolio site", reply_to=asked.message_id)
    [win] = await said(bot, group, reply)
    assert "Ben" in win.text and "Finished my portfolio site" in win.text
    [thanks] = await said(bot, group, group.send(member, "thanks!", reply_to=asked.message_id))
    assert one_of(thanks.text, shown("listen.group.thanks"))  # not a win called "thanks!"


async def test_an_admin_can_answer_the_settings_by_replying_to_them(bot: BotHarness) -> None:
    """The settings' hints are commands, but a reply to the settings message reaches the bot
    under privacy mode too, and admins do reply there: a city or a time (or "zone ..." /
    "time ..." as the hint writes it) changes the setting; a member is told only admins can;
    a "thanks!" stays a thanks."""
    group, admin, member, _ = await a_group(bot)
    [view] = await said(bot, group, group.send(admin, f"/groupsettings@{BOT}"))
    [changed] = await said(bot, group, group.send(admin, "Berlin", reply_to=view.message_id))
    assert "(Europe/Berlin)" in changed.text and changed.buttons
    later = group.send_anonymously(admin, "time 8:30", reply_to=changed.message_id)
    [timed] = await said(bot, group, later)
    [refused] = await said(bot, group, group.send(member, "Madrid", reply_to=timed.message_id))
    assert refused.text == label("group.admins_only")
    [thanks] = await said(bot, group, group.send(admin, "thanks!", reply_to=timed.message_id))
    assert one_of(thanks.text, shown("listen.group.thanks"))
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert (stored.timezone, stored.checkin_time.strftime("%H:%M")) == ("Europe/Berlin", "08:30")
    assert "08:30" in timed.text
