"""Bursts in a group (issue 19 item 5): /cheer and /win have per-group cooldowns, so a busy
moment never spends the group's 20 messages a minute; past one, the group hears one short,
kind note, then nothing until the wait is over."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.config import Settings
from bot.db.models import Group, GroupWin
from bot.dispatch import dispatch_due
from bot.emulator import SimGroup, SimUser
from bot.services import groups
from handlers import groups as handlers_groups
from tests.e2e.harness import CONTENT, BotHarness, one_of, seen, shown

TELEGRAM_GROUP_PER_MINUTE = 20  # the Bot API FAQ's limit for one group

TEXTS = CONTENT.texts("en")
BOT = "rebound_test_bot"
CHEERS = {TEXTS("group.cheer", variant=n) for n in range(TEXTS.count("group.cheer"))}


async def a_group(bot: BotHarness, members: int) -> tuple[SimGroup, SimUser, list[SimUser]]:
    admin = bot.user("Sam")
    group = bot.emulator.group("Job seekers", supergroup=True)
    group.add_member(admin, admin=True)
    people = [bot.user(f"M{n}") for n in range(members)]
    for person in people:
        group.add_member(person)
    await group.add_bot(admin)
    await group.next_message()
    return group, admin, people


async def test_cheer_once_per_few_minutes_then_one_note_then_quiet(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    group, _, (a, b, c) = await a_group(bot, 3)
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
    group, _, people = await a_group(bot, groups.WIN_BURST + 2)
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


def test_count_edits_leave_half_the_group_budget_for_replies() -> None:
    per_minute = 60 / Settings.model_fields["group_edit_gap_seconds"].default
    assert per_minute <= TELEGRAM_GROUP_PER_MINUTE / 2


async def test_count_edits_are_paced_per_group_and_the_last_count_wins(
    harness_any_db: BotHarness,
) -> None:
    """Taps on yesterday's and today's check-in at once, then a burst: the group's edits stay
    a gap apart (they were paced per check-in, so two check-ins edited at the same moment),
    and both messages end up showing every tap."""
    bot = harness_any_db
    gap = bot.settings.group_edit_gap_seconds = 0.5
    await bot.start()
    group, admin, people = await a_group(bot, 8)
    await group.send(admin, f"/groupsettings@{BOT}")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    bot.clock.current = datetime(2026, 1, 16, 10, 0, tzinfo=UTC)
    assert await dispatch_due(bot.instances[-1]) == 1
    yesterday = await group.next_message()
    bot.clock.advance(timedelta(days=1))
    assert await dispatch_due(bot.instances[-1]) == 1
    today = await group.next_message()

    await group.tap(people[0], "😕", message=yesterday)
    await group.tap(people[1], "🙂", message=today)
    for person in people[2:]:
        await group.tap(person, "😀", message=today)
        await asyncio.sleep(0.1)
    await bot.settle()
    await bot.emulator.wait_idle(quiet=gap * 2)
    assert "1 checked in" in yesterday.text and "😕 1" in yesterday.button_labels()
    assert "7 checked in" in today.text
    assert today.button_labels() == ["😣", "😕", "😐", "🙂 1", "😀 6"]
    edits = [
        call.at
        for call in bot.emulator.calls
        if call.method == "editMessageText"
        and call.params.get("chat_id") == group.id
        and call.params.get("message_id") in (yesterday.message_id, today.message_id)
    ]
    assert len(edits) >= 2
    closest = min(b - a for a, b in itertools.pairwise(edits))
    assert closest >= gap * 0.9, f"two count edits {closest:.2f}s apart (gap {gap}s)"


async def test_admin_checks_are_cached_and_take_nothing_from_the_group_budget(
    bot: BotHarness,
) -> None:
    """24 members tap an admin's settings button, twice each: Telegram is asked once per
    member (getChatMember), and those questions do not queue behind the group's 20 messages
    a minute: the next /win is answered at once."""
    group, admin, people = await a_group(bot, 24)
    await group.send(admin, f"/groupsettings@{BOT}")
    view = await group.next_message()
    for person in people * 2:
        await group.tap(person, "Daily check-in on/off", message=view)
    await bot.settle(timeout=8)  # queued behind the group's budget, this took 30 s

    def asked(person: SimUser) -> int:
        return sum(
            1
            for call in bot.emulator.calls
            if call.method == "getChatMember"
            and call.params.get("chat_id") == group.id
            and call.params.get("user_id") == person.id
        )

    admins_only = TEXTS("toasts.admins_only")
    for person in people:
        assert [a.text for a in person.callback_answers] == [admins_only, admins_only]
        assert asked(person) == 1
    await group.send(people[0], f"/win@{BOT} Offer in hand")
    assert "Offer in hand" in (await group.next_message(timeout=3)).text
    assert "Daily check-in: off" in view.text

    bot.clock.advance(handlers_groups.ADMIN_CACHE)  # remembered for a short time only
    await group.tap(people[0], "Daily check-in on/off", message=view)
    await bot.settle()
    assert asked(people[0]) == 2


async def test_a_crowd_answering_the_check_in_hears_a_few_answers_not_one_each(
    harness_any_db: BotHarness,
) -> None:
    """25 members answer the daily check-in at once ("another no today", "feeling rough", a
    reply reaches the bot under privacy mode). Each answer got its own public post, 25 paced
    over more than a minute by the group's 20 a minute, ahead of everything else there. Now
    the group hears ``TALK_BURST`` of them (each with the way to a private chat), a /win in
    the same minute is celebrated at once, words of distress among them still get the care
    reply, and a minute later the bot answers again."""
    bot = harness_any_db
    await bot.start()
    group, admin, people = await a_group(bot, 26)
    await group.send(admin, f"/groupsettings@{BOT}")
    view = await group.next_message()
    await group.tap(admin, "Daily check-in on/off", message=view)
    await bot.settle()
    async with bot.sessions() as session:
        stored = (await session.execute(select(Group))).scalar_one()
    assert stored.next_checkin_at is not None
    bot.clock.current = stored.next_checkin_at
    assert await dispatch_due(bot.instances[-1]) == 1
    checkin = await group.next_message()
    words = ["got rejected again today", "feeling rough", "another no :(", "I got an offer!!"]
    crowd, last = people[:25], people[25]
    before = len(group.messages)
    for n, person in enumerate(crowd):
        await group.send(person, words[n % len(words)], reply_to=checkin.message_id)
    await group.send(crowd[0], f"/win@{BOT} Second interview at last")
    await group.send(
        crowd[1], "i dont see the point in living anymore", reply_to=checkin.message_id
    )
    await bot.settle()
    posted = group.messages[before:]
    answers = [m for m in posted if m.buttons and "?start=" in (m.buttons[0][0].url or "")]
    care = [m for m in posted if one_of(m.text, [seen(TEXTS("crisis.group_reply_short"))])]
    public_care = [m for m in posted if "?start=support" in str(m.buttons)]
    wins = [m for m in posted if "Second interview at last" in m.text]
    assert len(wins) == 1
    assert len(care) + len(public_care) == 1  # distress is answered, whatever the budget
    assert len(answers) - len(public_care) == groups.TALK_BURST
    assert len(posted) == groups.TALK_BURST + 2

    bot.clock.advance(groups.TALK_WINDOW)
    await group.send(last, "another rejection this morning", reply_to=checkin.message_id)
    answer = await group.next_message()
    assert one_of(answer.text, shown("listen.group.rejection"))
