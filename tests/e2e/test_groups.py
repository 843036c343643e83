"""Rebound in a job-seeker group: joining, admin settings, the anonymous daily check-in with
many members tapping, /win and /cheer, deep links for personal flows, forum topics, migration,
removal, and that nothing private ever reaches the group."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.models import Group, GroupVote, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, Emulator, SimGroup, SimUser
from tests.e2e.harness import CONTENT, TOKEN, BotHarness, label, leads, onboard, one_of, shown


def _needs_admin() -> list[str]:
    """The lines only the hello without admin rights has: what it asks admins for."""
    [limited], [plain] = (
        shown(f"group.{k}", bot="rebound_test_bot") for k in ("joined_limited", "joined")
    )
    return [line for line in limited.split("\n") if line not in plain.split("\n")]


NEEDS_ADMIN = _needs_admin()


MORNING = datetime(2026, 3, 27, 6, 0, tzinfo=UTC)  # 07:00 in Berlin


async def a_group(bot: BotHarness, members: int = 3) -> tuple[SimGroup, SimUser, list[SimUser]]:
    admin = bot.user("Sam")
    group = bot.emulator.group("Job seekers Berlin", supergroup=True)
    group.add_member(admin, admin=True)
    people = [bot.user(f"M{i}") for i in range(members)]
    for person in people:
        group.add_member(person)
    await group.add_bot(admin)
    hello = await group.next_message()
    assert "/groupsettings" in hello.text
    assert "never here" in hello.text
    return group, admin, people


async def test_start_and_help_in_a_group(bot: BotHarness) -> None:
    group, admin, _ = await a_group(bot)
    await group.send(admin, "/start@rebound_test_bot")
    intro = await group.next_message(timeout=60)  # the first text loads the language models
    assert one_of(intro.text, leads("start.group"))
    [[button]] = intro.buttons
    assert button.url == "https://t.me/rebound_test_bot?start=settings"
    await group.send(admin, "/help@rebound_test_bot")
    assert "/win" in (await group.next_message()).text
    await group.send(admin, "/help@some_other_bot")
    await group.expect_silence()
    assert await bot.stored_user(admin.id) is None  # nothing personal stored for a group member


async def test_only_admins_change_settings(bot: BotHarness) -> None:
    group, admin, [member, *_] = await a_group(bot)
    await group.send(member, "/groupsettings")
    assert "Only group admins" in (await group.next_message()).text
    await group.send(admin, "/groupsettings zone Berlin")
    view = await group.next_message()
    assert "Daily check-in: off, at 10:00 (Europe/Berlin)" in view.text
    await group.tap(member, "Daily check-in on/off", message=view)
    await bot.settle()
    assert member.callback_answers[-1].text == label("toasts.admins_only")
    await group.tap(admin, "Daily check-in on/off", message=view)
    await group.tap(admin, "09:00", message=view)
    await bot.settle()
    assert "Daily check-in: on, at 09:00" in view.text
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert stored.next_checkin_at == datetime(2026, 1, 16, 8, 0, tzinfo=UTC)


async def test_daily_checkin_thirty_members_tapping_fast(bot: BotHarness) -> None:
    bot.settings.group_edit_gap_seconds = 0.3
    bot.clock.current = MORNING
    group, admin, people = await a_group(bot, members=30)
    await group.send(admin, "/groupsettings zone Berlin")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await group.tap(admin, "09:00", message=view)
    await bot.settle()
    bot.clock.current = MORNING + timedelta(hours=2)  # 09:00 in Berlin
    assert await dispatch_due(bot.instances[-1]) == 1
    checkin = await group.next_message()
    assert "Tap a face" in checkin.text or "Tap one" in checkin.text
    for n, person in enumerate(people):
        await group.tap(person, ["😣", "😕", "😐", "🙂", "😀"][n % 5], message=checkin)
    await group.tap(people[0], "🙂", message=checkin)  # changing one's mind counts once
    await bot.settle()
    await bot.emulator.wait_idle(quiet=0.6)  # the batched edit lands after the gap
    assert "30 checked in" in checkin.text
    assert checkin.button_labels() == ["😣 5", "😕 6", "😐 6", "🙂 7", "😀 6"]
    assert all(name not in checkin.text for name in ("M0", "M1", "Sam"))
    edits = [
        c.at
        for c in bot.emulator.calls
        if c.method == "editMessageText" and c.params.get("message_id") == checkin.message_id
    ]
    assert 1 <= len(edits) < 30  # batched: one edit per gap, whatever the taps in it
    assert all(b - a >= 0.3 * 0.9 for a, b in itertools.pairwise(edits))
    async with bot.sessions() as session:
        votes = (await session.execute(select(func.count()).select_from(GroupVote))).scalar_one()
    assert votes == 30


async def test_win_and_cheer(bot: BotHarness) -> None:
    group, _, [member, *_] = await a_group(bot)
    await group.send(member, "/win@rebound_test_bot I got a second interview!")
    celebration = await group.next_message()
    assert "M0" in celebration.text
    assert "I got a second interview!" in celebration.text
    await group.send(member, "/win")
    assert "/win@rebound_test_bot I got a second interview" in (await group.next_message()).text
    await group.send(member, "/cheer")
    assert (await group.next_message()).text


async def test_personal_commands_point_to_the_private_chat(bot: BotHarness) -> None:
    group, _, [member, *_] = await a_group(bot)
    for command, payload, said in (
        ("/reflect", "reflect", "reflection.in_group"),
        ("/feedback", "feedback", "feedback.in_group"),
        ("/plan", "plan", "group.personal"),
        ("/settings", "settings", "settings.in_group"),
        ("/checkin", "checkin", "group.personal"),
        ("/stats", "stats", "group.personal"),  # not "Reflections are personal" any more
        ("/export", "export", "group.personal"),
    ):
        await group.send(member, f"{command}@rebound_test_bot")
        reply = await group.next_message()
        assert one_of(reply.text, shown(said)), command
        assert reply.buttons[0][0].url == f"https://t.me/rebound_test_bot?start={payload}", command
    await member.send("/start reflect")  # never started privately: set-up first, then reflect
    assert one_of((await member.next_message()).text, leads("onboarding.welcome"))


async def test_forum_topics_get_answers_in_the_same_topic(bot: BotHarness) -> None:
    admin = bot.user("Ana")
    forum = bot.emulator.group("Hiring help", supergroup=True, forum=True)
    forum.add_member(admin, admin=True)
    await forum.add_bot(admin)
    await forum.next_message()
    topic = await forum.create_topic("Wins")
    await forum.send(admin, "/win@rebound_test_bot Offer accepted!", thread_id=topic)
    reply = await forum.next_message()
    assert reply.thread_id == topic


async def test_migration_keeps_settings_and_removal_stops_everything(bot: BotHarness) -> None:
    admin = bot.user("Sam")
    group = bot.emulator.group("Old group")
    group.add_member(admin, admin=True)
    await group.add_bot(admin)
    await group.next_message()
    await group.send(admin, "/groupsettings")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    supergroup = await group.migrate_to_supergroup()
    await bot.settle()
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert stored.chat_id == supergroup.id
    assert stored.checkin_on
    bot.clock.current = stored.next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(bot.instances[-1]) == 1
    assert "check-in" in (await supergroup.next_message()).text.lower()
    await supergroup.remove_bot(admin)
    await bot.settle()
    bot.clock.advance(timedelta(days=3))
    assert await dispatch_due(bot.instances[-1]) == 0
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
        pending = await session.execute(
            select(func.count()).where(ScheduledMessage.status == "pending")
        )
    assert stored.active is False
    assert pending.scalar_one() == 0


async def test_nothing_private_ever_reaches_the_group(bot: BotHarness) -> None:
    group, admin, [member, *_] = await a_group(bot)
    await group.send(admin, "/groupsettings")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await group.tap(admin, "Weekly recap on/off", message=view)
    await bot.settle()
    person = await onboard(bot, user=member)
    await person.send("/reflect")
    await person.next_message()
    await person.tap("Let's do it")
    await person.next_message()
    await person.send("Secretcorp, secret role")
    await person.next_message()
    await group.send(member, "/win@rebound_test_bot new job!")
    await group.next_message()
    bot.clock.advance(timedelta(days=8))
    for _ in range(8):
        await dispatch_due(bot.instances[-1])
        bot.clock.advance(timedelta(days=1))
    await bot.settle()
    assert any("recap" in m.text.lower() or "this week" in m.text.lower() for m in group.messages)
    assert all("Secretcorp" not in m.text for m in group.messages)


async def test_anonymous_admin_sets_up_the_group_and_shares_a_win(bot: BotHarness) -> None:
    group, admin, [member, *_] = await a_group(bot)
    await group.send_anonymously(admin, "/groupsettings zone Berlin")
    view = await group.next_message()
    assert "Daily check-in: off, at 10:00 (Europe/Berlin)" in view.text
    await group.tap(admin, "Daily check-in on/off", message=view)  # a tap shows who they are
    await bot.settle()
    assert "Daily check-in: on" in view.text
    await group.send_anonymously(admin, "/win@rebound_test_bot Three interviews this week")
    celebration = await group.next_message()
    assert "<b>Someone in the group</b> has a win" in (celebration.html or "")
    assert "Three interviews this week" in celebration.text
    assert "Group" not in celebration.text.replace("in the group", "")
    await group.send(member, "/groupsettings")  # a member posting as themselves is still asked
    assert "Only group admins" in (await group.next_message()).text


async def a_basic_group_with_checkins(bot: BotHarness) -> tuple[SimGroup, SimUser]:
    admin = bot.user("Sam")
    group = bot.emulator.group("Old group")
    group.add_member(admin, admin=True)
    await group.add_bot(admin)
    await group.next_message()
    await group.send(admin, "/groupsettings zone Berlin")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    return group, admin


async def the_groups(bot: BotHarness) -> list[Group]:
    async with bot.sessions() as session:
        return list((await session.execute(select(Group))).scalars())


@pytest.mark.parametrize("join_first", [False, True], ids=["migration-first", "join-first"])
async def test_migration_in_either_order_is_one_group_greeted_once(
    harness_any_db: BotHarness, join_first: bool
) -> None:
    bot = harness_any_db
    await bot.start()
    group, _ = await a_basic_group_with_checkins(bot)
    supergroup = await group.migrate_to_supergroup(join_first=join_first)
    await bot.settle()
    await supergroup.expect_silence()  # no second hello
    [stored] = await the_groups(bot)
    assert (stored.chat_id, stored.active, stored.checkin_on) == (supergroup.id, True, True)
    assert stored.timezone == "Europe/Berlin"
    bot.clock.current = stored.next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(bot.instances[-1]) == 1
    assert "check-in" in (await supergroup.next_message()).text.lower()


async def test_a_send_to_the_old_group_id_moves_to_the_supergroup(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    group, _ = await a_basic_group_with_checkins(bot)
    supergroup = await group.migrate_to_supergroup(bot_told=False)  # the bot missed the news
    [stored] = await the_groups(bot)
    bot.clock.current = stored.next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(bot.instances[-1]) == 1
    assert "check-in" in (await supergroup.next_message()).text.lower()
    [refused] = bot.emulator.errors  # the one send Telegram refused, naming the new id
    assert refused.description == "Bad Request: group chat was upgraded to a supergroup chat"
    bot.emulator.errors.clear()
    [stored] = await the_groups(bot)
    assert stored.chat_id == supergroup.id
    bot.clock.advance(timedelta(days=1))
    assert await dispatch_due(bot.instances[-1]) == 1
    assert "check-in" in (await supergroup.next_message()).text.lower()
    assert bot.emulator.errors == []


async def test_without_admin_rights_the_hello_says_what_needs_them(bot: BotHarness) -> None:
    group, _, _ = await a_group(bot)
    [hello] = group.messages
    assert "/win@rebound_test_bot I got a second interview" in hello.text
    assert all(line in hello.text for line in NEEDS_ADMIN)
    [[button]] = hello.buttons
    assert button.text == label("group.buttons.make_admin")
    assert button.url == "https://t.me/rebound_test_bot?startgroup=admin&admin=manage_chat"
    suggested = bot.emulator.default_administrator_rights()  # what that link's dialog offers
    assert [right for right, on in suggested.items() if on] == ["can_manage_chat"]


async def test_added_as_admin_the_hello_is_plain(bot: BotHarness) -> None:
    admin = bot.user("Ana")
    group = bot.emulator.group("Hiring help", supergroup=True)
    group.add_member(admin, admin=True)
    await group.add_bot(admin, as_admin=True)
    hello = await group.next_message()
    assert "/groupsettings@rebound_test_bot" in hello.text
    assert not any(line in hello.text for line in NEEDS_ADMIN)
    assert hello.buttons == []


async def test_group_texts_teach_the_command_that_always_arrives(bot: BotHarness) -> None:
    group, _, [member, *_] = await a_group(bot)
    await group.send(member, "/help")
    help_text = (await group.next_message()).text
    assert "/win@rebound_test_bot your news" in help_text
    await group.another_bot_posts("Welcome to the group! Read the rules.")
    await group.send(member, "/win Got the offer")  # Telegram hands this to the other bot
    await group.expect_silence()
    await group.send(member, "/win@rebound_test_bot Got the offer")
    assert "Got the offer" in (await group.next_message()).text


async def test_an_admin_bot_is_not_handed_every_join_and_reaction(bot: BotHarness) -> None:
    admin = bot.user("Ana")
    group = bot.emulator.group("Busy group", supergroup=True)
    group.add_member(admin, admin=True)
    await group.add_bot(admin, as_admin=True)
    hello = await group.next_message()
    await bot.settle()
    before = bot.emulator.updates_fetched
    for n in range(5):
        newcomer = bot.user(f"New{n}")
        await group.member_joins(newcomer)
        await group.react(newcomer, hello.message_id, "🎉")
    await bot.settle()
    assert bot.emulator.updates_fetched - before == 5  # the "joined" service messages only
    polls = [
        c.params.get("allowed_updates") for c in bot.emulator.calls if c.method == "getUpdates"
    ]
    assert polls[-1] == ["message", "edited_message", "callback_query", "my_chat_member"]
    await group.expect_silence()  # and nobody is greeted or answered for joining


async def test_with_privacy_mode_off_the_hello_is_plain(sqlite_db: str, tmp_path: Path) -> None:
    async with Emulator(token=TOKEN, bot_username="rebound_test_bot", group_privacy=False) as emu:
        bot = BotHarness(emu, sqlite_db, tmp_path)
        try:
            await bot.start()
            admin = bot.user("Sam")
            group = emu.group("Open group")
            group.add_member(admin, admin=True)
            await group.add_bot(admin)  # a plain member, but it sees every message
            hello = await group.next_message()
            assert "/win@rebound_test_bot" in hello.text
            assert not any(line in hello.text for line in NEEDS_ADMIN) and hello.buttons == []
        finally:
            await bot.close()
        assert emu.errors == []


async def a_group_with_daily_checkins(bot: BotHarness, title: str) -> tuple[SimGroup, SimUser]:
    """A supergroup whose admin turned the daily check-in on (10:00 UTC); one member."""
    admin, member = bot.user(f"{title} admin"), bot.user(f"{title} member")
    group = bot.emulator.group(title, supergroup=True)
    group.add_member(admin, admin=True)
    group.add_member(member)
    await group.add_bot(admin)
    await group.next_message()
    await group.send(admin, "/groupsettings@rebound_test_bot")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    return group, member


def checkin_id_of(message: BotMessage) -> int:
    """The check-in id its mood buttons carry (gc:1:<id>:<mood>)."""
    data = message.buttons[0][0].callback_data
    assert data is not None and data.startswith("gc:1:")
    return int(data.split(":")[2])


async def votes_on(bot: BotHarness, checkin_id: int) -> int:
    async with bot.sessions() as session:
        query = select(func.count()).where(GroupVote.checkin_id == checkin_id)
        return int((await session.execute(query)).scalar_one())


async def test_a_tap_counts_only_in_the_group_it_came_from(harness_any_db: BotHarness) -> None:
    """Issue 18 item 4: a member of X sending gc:1:<Y's check-in>:1 voted in Y, and the bot
    edited X's message into Y's check-in. The same for X's own older check-in on today's."""
    bot = harness_any_db
    await bot.start()
    bot.settings.group_edit_gap_seconds = 0.2
    x, x_member = await a_group_with_daily_checkins(bot, "Group X")
    y, _ = await a_group_with_daily_checkins(bot, "Group Y")
    bot.clock.current = datetime(2026, 1, 16, 10, 0, tzinfo=UTC)
    assert await dispatch_due(bot.instances[-1]) == 2
    x_checkin, y_checkin = await x.next_message(), await y.next_message()
    x_text, y_text = x_checkin.text, y_checkin.text
    stale = CONTENT.texts("en")("toasts.stale_button")

    forged = f"gc:1:{checkin_id_of(y_checkin)}:1"
    await x.tap_data(x_member, forged, message_id=x_checkin.message_id)
    await bot.settle()
    await bot.emulator.wait_idle(quiet=0.4)  # an edit would land after the gap
    assert x_member.callback_answers[-1].text == stale
    assert await votes_on(bot, checkin_id_of(y_checkin)) == 0
    assert (x_checkin.text, x_checkin.edited) == (x_text, False)
    assert (y_checkin.text, y_checkin.edited) == (y_text, False)

    bot.clock.advance(timedelta(days=1))
    assert await dispatch_due(bot.instances[-1]) == 2
    today = await x.next_message()
    old_id = checkin_id_of(x_checkin)
    await x.tap_data(x_member, f"gc:1:{old_id}:1", message_id=today.message_id)
    await bot.settle()
    await bot.emulator.wait_idle(quiet=0.4)
    assert x_member.callback_answers[-1].text == stale
    assert await votes_on(bot, old_id) == 0
    assert not today.edited

    await x.tap(x_member, "😣", message=today)  # the genuine tap still counts, in X
    await bot.settle()
    await bot.emulator.wait_idle(quiet=0.4)
    assert x_member.callback_answers[-1].text == CONTENT.texts("en")("toasts.counted")
    assert await votes_on(bot, checkin_id_of(today)) == 1
    assert "1 checked in" in today.text
