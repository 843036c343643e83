"""A group reply that had to wait (Telegram failed it once, so the outbox sends it later) while
the group changed under it: the bot was removed (403), or the group became a supergroup (400
"group chat was upgraded" naming the new id). The buttons left behind in an upgraded group,
and a reply refused because an admin muted the bot. On both databases."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import delivery
from bot.db.models import Group, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, SimGroup, SimUser
from bot.services import groups
from tests.e2e.harness import CONTENT, BotHarness, label, onboard, one_of, shown

BOT = "rebound_test_bot"


async def a_group_with_checkins(
    bot: BotHarness, *, supergroup: bool, onboarded: bool = False
) -> tuple[SimGroup, SimUser, SimUser, BotMessage]:
    """A group (basic, or a supergroup) with the daily check-in on, an admin and a member (who
    also uses the bot privately if ``onboarded``); returns the settings message too."""
    admin, member = bot.user("Sam"), bot.user("Ben")
    group = bot.emulator.group("Job seekers", supergroup=supergroup)
    group.add_member(admin, admin=True)
    group.add_member(member)
    await group.add_bot(admin)
    await group.next_message()
    await group.send(admin, f"/groupsettings@{BOT} zone Berlin")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    if onboarded:
        await onboard(bot, user=member)
    return group, admin, member, view


async def the_groups(bot: BotHarness) -> list[Group]:
    async with bot.sessions() as session:
        return list((await session.execute(select(Group))).scalars())


async def replies_waiting(bot: BotHarness) -> int:
    async with bot.sessions() as session:
        count = select(func.count()).where(ScheduledMessage.kind == "reply")
        return int((await session.execute(count)).scalar_one())


async def test_a_delayed_reply_refused_with_403_stops_the_group(
    harness_any_db: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/cheer's answer failed once (502) and waited in the outbox; meanwhile an admin removed
    the bot, and Telegram's news of it never came. The later send gets the 403: as when the
    turn itself is refused, the group's posts stop, nothing is tried again, and the member who
    asked is not taken for someone who blocked the bot."""
    monkeypatch.setattr(delivery, "INLINE_BUDGET", 0.2)  # one try, then the outbox
    bot = harness_any_db
    app = await bot.start()
    group, admin, member, _ = await a_group_with_checkins(bot, supergroup=True, onboarded=True)
    [stored] = await the_groups(bot)
    assert stored.next_checkin_at is not None
    bot.emulator.fail_next("sendMessage", 502)
    await group.send(member, f"/cheer@{BOT}")
    await bot.settle()
    assert await replies_waiting(bot) == 1
    await group.remove_bot(admin, bot_told=False)

    bot.clock.advance(timedelta(seconds=10))  # the backoff has passed
    await app.wiring.delivery.pump()
    refused = [(e.method, e.description) for e in bot.emulator.errors]
    assert refused == [("sendMessage", "Forbidden: bot was kicked from the supergroup chat")]
    bot.emulator.errors.clear()
    [stored] = await the_groups(bot)
    assert (stored.active, stored.next_checkin_at) == (False, None)
    assert await replies_waiting(bot) == 0
    person = await bot.stored_user(member.id)
    assert person is not None and person.active  # still someone the bot may write to

    bot.clock.advance(timedelta(days=2))
    assert await app.wiring.delivery.pump() == 0
    assert await dispatch_due(app) == 0
    await bot.settle()
    assert bot.emulator.errors == []  # nothing tried again
    await member.send("/help")
    assert "/settings" in (await member.next_message()).text


@pytest.mark.parametrize("bot_told", [True, False], ids=["told", "not-told"])
async def test_a_waiting_reply_follows_the_group_to_its_supergroup(
    harness_any_db: BotHarness, monkeypatch: pytest.MonkeyPatch, bot_told: bool
) -> None:
    """A reply to a basic group waits in the outbox while the group is upgraded. Told of the
    move, the bot sends it to the supergroup; not told, the send to the old id is refused with
    the new id, and the reply, the settings and the schedule move there."""
    monkeypatch.setattr(delivery, "INLINE_BUDGET", 0.2)
    bot = harness_any_db
    app = await bot.start()
    group, _, member, _ = await a_group_with_checkins(bot, supergroup=False)
    bot.emulator.fail_next("sendMessage", 502)
    await group.send(member, f"/cheer@{BOT}")
    await bot.settle()
    assert await replies_waiting(bot) == 1
    supergroup = await group.migrate_to_supergroup(bot_told=bot_told)
    await bot.settle()

    bot.clock.advance(timedelta(seconds=10))
    assert await app.wiring.delivery.pump() == 1
    [cheer] = supergroup.messages
    assert one_of(cheer.text, shown("group.cheer"))
    upgraded = [e.description for e in bot.emulator.errors]
    expected = [] if bot_told else ["Bad Request: group chat was upgraded to a supergroup chat"]
    assert upgraded == expected
    bot.emulator.errors.clear()
    [stored] = await the_groups(bot)
    assert (stored.chat_id, stored.active, stored.checkin_on) == (supergroup.id, True, True)
    assert stored.timezone == "Europe/Berlin"
    assert await replies_waiting(bot) == 0
    bot.clock.current = stored.next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(app) == 1
    assert "check-in" in supergroup.messages[-1].text.lower()
    assert bot.emulator.errors == []


@pytest.mark.parametrize("bot_told", [True, False], ids=["told", "not-told"])
async def test_a_button_left_in_the_old_group_gets_a_kind_answer(
    harness_any_db: BotHarness, bot_told: bool
) -> None:
    """After the upgrade, the old group's messages stay in the history with their buttons. A
    tap there (the settings, yesterday's check-in) changes nothing and says why, in a toast;
    no apology, no second group, nothing sent to the closed group."""
    bot = harness_any_db
    app = await bot.start()
    group, admin, member, view = await a_group_with_checkins(bot, supergroup=False)
    [stored] = await the_groups(bot)
    bot.clock.current = stored.next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(app) == 1
    checkin = group.messages[-1]
    assert checkin.buttons
    supergroup = await group.migrate_to_supergroup(bot_told=bot_told)
    await bot.settle()

    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    moved = label("group.moved_tap")
    assert admin.callback_answers[-1].text == moved
    assert "Daily check-in: on" in view.text  # the old message as it was
    mood = checkin.buttons[0][0].text
    await group.tap(member, mood, message=checkin)
    await bot.settle()
    assert member.callback_answers[-1].text == moved
    assert bot.emulator.unanswered_queries() == []
    [stored] = await the_groups(bot)
    assert (stored.chat_id, stored.checkin_on) == (supergroup.id, True)  # one group, unchanged
    assert supergroup.messages == []  # no apology anywhere
    bot.emulator.errors.clear()  # (not told: the refused admin check that taught the new id)


@pytest.mark.parametrize("delayed", [False, True], ids=["at-once", "delayed"])
async def test_a_reply_refused_because_the_bot_was_muted_pauses_the_group(
    harness_any_db: BotHarness, monkeypatch: pytest.MonkeyPatch, delayed: bool
) -> None:
    """An admin took the bot's right to send messages; a member's /cheer@bot still reaches it
    (or reached it just before, and its answer waited in the outbox). The refused reply is
    not followed by an apology (refused too): the group's posts pause at once and the admin
    who has a chat with the bot is told, as when a scheduled post is refused; letting the bot
    speak again brings them back."""
    monkeypatch.setattr(delivery, "INLINE_BUDGET", 0.2)
    bot = harness_any_db
    app = await bot.start()
    group, admin, member, _ = await a_group_with_checkins(bot, supergroup=True)
    await admin.send("/start")
    await admin.next_message(timeout=60)
    if delayed:
        bot.emulator.fail_next("sendMessage", 502)
        await group.send(member, f"/cheer@{BOT}")
        await bot.settle()
        assert await replies_waiting(bot) == 1
    await group.restrict_bot(admin)
    await bot.settle()
    if delayed:
        bot.clock.advance(timedelta(seconds=10))
        await app.wiring.delivery.pump()
    else:
        await group.send(member, f"/cheer@{BOT}")
    await bot.settle()
    refused = [(e.method, e.description) for e in bot.emulator.errors]
    muted = "Bad Request: not enough rights to send text messages to the chat"
    assert refused == [("sendMessage", muted)]  # the reply only: no apology tried
    bot.emulator.errors.clear()
    [stored] = await the_groups(bot)
    assert (stored.active, stored.paused, stored.next_checkin_at) == (True, groups.NO_RIGHTS, None)
    notice = await admin.next_message()
    paused = CONTENT.texts("en")("group.paused.no_rights", group="Job seekers", bot=BOT)
    assert notice.html == paused
    await group.lift_restrictions(admin)  # Telegram tells the bot (my_chat_member)
    await bot.settle()
    [stored] = await the_groups(bot)
    assert stored.paused is None and stored.next_checkin_at is not None
    await group.send(member, f"/cheer@{BOT}")  # the refused one was never seen
    assert one_of((await group.next_message()).text, shown("group.cheer"))


async def test_taps_on_a_check_in_whose_group_was_just_upgraded_are_let_go_quietly(
    harness_any_db: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Two members tap the check-in of a basic group; the second tap's count edit waits its
    gap (the group's 20 messages a minute), and in that gap the group becomes a supergroup.
    The old group's messages can no longer be edited: the edit is let go without an error
    (it was logged as a failed update), the group follows migrate_to_chat_id to its new id,
    and nothing more is tried in the old group."""
    bot = harness_any_db
    gap = bot.settings.group_edit_gap_seconds = 0.5
    app = await bot.start()
    group, admin, member, _ = await a_group_with_checkins(bot, supergroup=False)
    [stored] = await the_groups(bot)
    bot.clock.current = stored.next_checkin_at  # type: ignore[assignment]
    assert await dispatch_due(app) == 1
    checkin = await group.next_message()
    mood = checkin.buttons[0][0].text
    with caplog.at_level(logging.INFO):
        await group.tap(admin, mood, message=checkin)
        await bot.settle()
        await group.tap(member, mood, message=checkin)  # its edit waits a gap
        await bot.settle()
        supergroup = await group.migrate_to_supergroup(bot_told=False)
        await bot.emulator.wait_idle(quiet=gap * 3)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    refused = [(e.method, e.description) for e in bot.emulator.errors]
    assert refused == [
        ("editMessageText", "Bad Request: group chat was upgraded to a supergroup chat")
    ]
    bot.emulator.errors.clear()
    [stored] = await the_groups(bot)
    assert (stored.chat_id, stored.active, stored.checkin_on) == (supergroup.id, True, True)
    assert "1 checked in" in checkin.text  # as the first edit left it
