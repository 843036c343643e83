"""Sending under Telegram's flood limits, through the real Application and an emulator that
enforces them (issue 17, section 1): one busy chat is paced on its own and never holds up the
others, and a 429 in one chat (a person's or a group's) pauses that chat only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.db.models import Group
from bot.dispatch import dispatch_due
from bot.emulator import Emulator, SimGroup, SimUser
from tests.e2e.harness import TOKEN, BotHarness, onboard


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """People at machine speed: no thinking time counted towards the flood limits, so 25
    quick messages are the burst they would be on Telegram."""
    emu = Emulator(token=TOKEN, bot_username="rebound_test_bot", think_time=0.0)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


def is_help(text: str) -> bool:
    """/help's answer: the one that lists the commands (names, so in any language)."""
    return "/settings" in text and "/cancel" in text


async def test_a_burst_in_one_chat_does_not_hold_up_another_person(bot: BotHarness) -> None:
    busy = await onboard(bot, first_name="Busy")
    other = await onboard(bot, first_name="Other")
    await asyncio.sleep(5)  # onboarding's own replies used the chats' bursts: let them refill
    before = len(busy.messages)
    loop = asyncio.get_running_loop()
    for _ in range(25):
        await busy.send("/win")
    await asyncio.sleep(0.3)
    asked = loop.time()
    await other.send("/help")
    reply = await other.next_message(timeout=10)
    waited = loop.time() - asked
    assert is_help(reply.text)
    assert waited <= 1.0, f"the other person waited {waited:.2f} s for /help"
    await bot.settle(timeout=60)
    assert len(busy.messages) - before >= 25  # every /win answered, paced
    assert [e for e in bot.emulator.errors if e.error_code == 429] == []  # none provoked


async def test_a_429_in_one_chat_does_not_delay_another(bot: BotHarness) -> None:
    first = await onboard(bot, first_name="First")
    second = await onboard(bot, first_name="Second")
    await asyncio.sleep(5)
    await bot.settle()
    loop = asyncio.get_running_loop()
    bot.emulator.fail_next("sendMessage", 429, retry_after=4)  # Telegram: wait 4 s in there
    started = loop.time()
    await first.send("/help")
    await asyncio.sleep(0.2)  # its reply has had the 429 by now
    assert [f.error_code for f in bot.emulator.injected_failures] == [429]
    await second.send("/help")
    assert is_help((await second.next_message(timeout=10)).text)
    second_waited = loop.time() - started
    assert is_help((await first.next_message(timeout=10)).text)
    first_waited = loop.time() - started
    assert second_waited <= 1.0, f"the second person waited {second_waited:.2f} s"
    assert first_waited >= 4.0  # the paused chat waited Telegram's retry_after, then got it
    assert bot.emulator.errors == []


async def a_group(bot: BotHarness, title: str) -> tuple[SimGroup, SimUser]:
    """A supergroup with the bot in it (greeted) and one member."""
    admin, member = bot.user(f"{title} admin"), bot.user(f"{title} member")
    group = bot.emulator.group(title, supergroup=True)
    group.add_member(admin, admin=True)
    group.add_member(member)
    await group.add_bot(admin)
    await group.next_message()
    return group, member


async def test_a_429_in_one_group_holds_up_no_other_chat(bot: BotHarness) -> None:
    """Telegram tells one busy group to wait: that group waits, another group and a person
    are answered at once."""
    busy, busy_member = await a_group(bot, "Busy")
    other, other_member = await a_group(bot, "Other")
    person = await onboard(bot, first_name="Dana")
    await asyncio.sleep(5)  # the chats' own bursts refill
    await bot.settle()
    loop = asyncio.get_running_loop()
    bot.emulator.fail_next("sendMessage", 429, retry_after=4)
    started = loop.time()
    await busy.send(busy_member, "/help@rebound_test_bot")
    await asyncio.sleep(0.3)  # its reply has had the 429 by now
    assert [f.error_code for f in bot.emulator.injected_failures] == [429]
    await other.send(other_member, "/help@rebound_test_bot")
    await person.send("/help")
    assert "/win" in (await other.next_message(timeout=10)).text
    assert (await person.next_message(timeout=10)).text
    others_waited = loop.time() - started
    assert "/win" in (await busy.next_message(timeout=10)).text
    busy_waited = loop.time() - started
    assert others_waited <= 1.5, f"the other chats waited {others_waited:.2f} s"
    assert busy_waited >= 4.0  # Telegram's retry_after, then the reply
    assert bot.emulator.errors == []


async def test_a_busy_group_gets_20_messages_a_minute_and_no_429(bot: BotHarness) -> None:
    """25 members ask at once: the bot answers 20 within the group's minute, the rest when
    Telegram allows, each one, without a single 429; a person is answered meanwhile."""
    group, _ = await a_group(bot, "Busy")
    members = [bot.user(f"Member {n}") for n in range(25)]
    person = await onboard(bot, first_name="Dana")
    await asyncio.sleep(5)
    await bot.settle()
    loop = asyncio.get_running_loop()
    before = len(group.messages)
    started = loop.time()
    for member in members:
        await group.send(member, "/help@rebound_test_bot")
    await asyncio.sleep(3)
    asked = loop.time()
    await person.send("/help")
    assert is_help((await person.next_message(timeout=10)).text)
    assert loop.time() - asked <= 1.5  # the group's queue is the group's alone
    while len(group.messages) - before < 25:
        assert loop.time() - started < 90, f"{len(group.messages) - before} of 25 answered"
        await asyncio.sleep(0.5)
    sent_at = [
        call.at
        for call in bot.emulator.calls
        if call.method == "sendMessage" and call.params.get("chat_id") == group.id
    ][-25:]
    assert sent_at[-1] - sent_at[0] >= 55  # the last five waited for the group's minute
    assert [e for e in bot.emulator.errors if e.error_code == 429] == []


def at_most_20_a_minute(times: list[float]) -> bool:
    """No 21 sends within any 60 seconds (Telegram's limit for one group)."""
    times = sorted(times)
    return all(later - first >= 60 for first, later in zip(times, times[20:], strict=False))


async def test_two_busy_groups_and_a_due_checkin_each_keep_to_their_own_minute(
    bot: BotHarness,
) -> None:
    """Two groups at once, a basic group and a supergroup, 22 members asking in each, and
    the basic group's daily check-in falling due in the middle of it: each group gets every
    answer and the check-in within its own 20 a minute (the limit is per group, so one busy
    group does not wait for the other), a person is answered at once, and not one 429."""
    admin = bot.user("Basic admin")
    basic = bot.emulator.group("Basic", supergroup=False)
    basic.add_member(admin, admin=True)
    await basic.add_bot(admin)
    await basic.next_message()
    await basic.send(admin, "/groupsettings@rebound_test_bot")
    view = await basic.next_message()
    await basic.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    other, _ = await a_group(bot, "Super")
    person = await onboard(bot, first_name="Dana")
    async with bot.sessions() as session:
        query = select(Group.next_checkin_at).where(Group.chat_id == basic.id)
        due = (await session.execute(query)).scalar_one()
    assert due is not None
    await asyncio.sleep(5)
    await bot.settle()
    loop = asyncio.get_running_loop()
    counts = {basic.id: len(basic.messages), other.id: len(other.messages)}
    started = loop.time()
    for n in range(22):
        await basic.send(bot.user(f"B{n}"), "/help@rebound_test_bot")
        await other.send(bot.user(f"S{n}"), "/help@rebound_test_bot")
    bot.clock.current = due
    checkin = asyncio.create_task(dispatch_due(bot.instances[-1]))
    await asyncio.sleep(2)
    asked = loop.time()
    await person.send("/help")
    while not is_help((await person.next_message(timeout=10)).text):
        pass  # (the person's own check-in fell due at the same moment: it comes too)
    assert loop.time() - asked <= 1.5  # the groups' queues are theirs alone
    assert await asyncio.wait_for(checkin, timeout=120) == 2  # the group's and the person's
    while (
        len(basic.messages) - counts[basic.id] < 23 or len(other.messages) - counts[other.id] < 22
    ):
        assert loop.time() - started < 120, "not every answer came"
        await asyncio.sleep(0.5)
    assert any("check-in" in m.text.lower() for m in basic.messages[counts[basic.id] :])
    for group in (basic, other):
        sent = [
            call.at
            for call in bot.emulator.calls
            if call.method == "sendMessage" and call.params.get("chat_id") == group.id
        ]
        assert at_most_20_a_minute(sent), group.title
    assert [e for e in bot.emulator.errors if e.error_code == 429] == []
