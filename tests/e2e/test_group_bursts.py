"""Bursts in a group (issue 19 item 5): /cheer and /win have per-group cooldowns, so a busy
moment never spends the group's 20 messages a minute; past one, the group hears one short,
kind note, then nothing until the wait is over."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.content import load_content
from bot.db.models import Group, GroupWin
from bot.emulator import SimGroup, SimUser
from bot.services import groups
from tests.e2e.harness import BotHarness

TEXTS = load_content().texts("en")
BOT = "rebound_test_bot"
CHEERS = {TEXTS("group.cheer", variant=n) for n in range(TEXTS.count("group.cheer"))}


async def a_group(bot: BotHarness, members: int) -> tuple[SimGroup, list[SimUser]]:
    admin = bot.user("Sam")
    group = bot.emulator.group("Job seekers", supergroup=True)
    group.add_member(admin, admin=True)
    people = [bot.user(f"M{n}") for n in range(members)]
    for person in people:
        group.add_member(person)
    await group.add_bot(admin)
    await group.next_message()
    # The process's first text loads the language models (seconds on a busy machine).
    await admin.send("/help")
    await admin.next_message(timeout=60)
    return group, people


async def test_cheer_once_per_few_minutes_then_one_note_then_quiet(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    group, (a, b, c) = await a_group(bot, 3)
    await group.send(a, f"/cheer@{BOT}")
    assert (await group.next_message()).text in CHEERS
    bot.clock.advance(timedelta(minutes=1))
    await group.send(b, f"/cheer@{BOT}")  # it is still on screen: said once
    assert (await group.next_message()).html == TEXTS("group.cheer_wait")
    await group.send(c, f"/cheer@{BOT}")
    await group.send(a, f"/cheer@{BOT}")
    await bot.settle()
    await group.expect_silence()
    bot.clock.advance(groups.CHEER_COOLDOWN)
    await group.send(c, f"/cheer@{BOT}")
    assert (await group.next_message()).text in CHEERS
    await group.send(a, f"/cheer@{BOT}")  # a new wait: one note again
    assert (await group.next_message()).html == TEXTS("group.cheer_wait")
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert stored.cheered_at == bot.clock.now()


async def test_wins_beyond_the_burst_get_one_note_and_are_not_counted(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    group, people = await a_group(bot, groups.WIN_BURST + 2)
    for n, person in enumerate(people[: groups.WIN_BURST]):
        await group.send(person, f"/win@{BOT} Win number {n}")
        assert f"Win number {n}" in (await group.next_message()).text
    late, later = people[groups.WIN_BURST :]
    await group.send(late, f"/win@{BOT} A late win")
    assert (await group.next_message()).html == TEXTS("group.win_wait")
    await group.send(later, f"/win@{BOT} Another one")
    await group.send(late, f"/win@{BOT} A late win")
    await bot.settle()
    await group.expect_silence()

    bot.clock.advance(groups.WIN_WINDOW)  # the minute is over: shared again, celebrated
    await group.send(late, f"/win@{BOT} A late win")
    celebration = await group.next_message()
    assert "A late win" in celebration.text and "M" + str(groups.WIN_BURST) in celebration.text
    async with bot.sessions() as session:
        wins = (await session.execute(select(func.count()).select_from(GroupWin))).scalar_one()
    assert wins == groups.WIN_BURST + 1  # the ones waved off were not counted
