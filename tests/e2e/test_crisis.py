"""A crisis message in the middle of anything gets care at once; the flow waits; the words
are kept nowhere."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from bot.cli import NOISY_LOGGERS as NOISY
from bot.cli import configure_logging
from bot.db.models import Base, FlowState, InboxUpdate, Rejection
from bot.emulator import SimGroup, SimUser
from tests.e2e.harness import BotHarness, onboard
from tests.e2e.test_reflection import open_debrief

CRISIS = "honestly I don't see the point anymore, I want to end my life"


async def test_crisis_mid_reflection_gets_helplines_and_the_flow_waits(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)  # Berlin: German helplines
    await open_debrief(user)
    await user.send("Acme")
    await user.next_message()  # the stage question
    await user.send(CRISIS)
    care = await user.next_message()
    assert "You matter" in care.text or "you matter" in care.text.lower()
    assert "TelefonSeelsorge" in care.text
    assert care.button_labels() == ["Pick up where we left off"]
    async with bot.sessions() as session:
        state = await session.get(FlowState, (user.id, user.id))
        record = (await session.execute(select(Rejection))).scalar_one()
    assert state is not None
    assert state.step == "stage"  # paused, not lost, not advanced
    assert "end my life" not in json.dumps(state.data)
    assert record.company == "Acme"
    assert record.stage is None
    await user.tap("Pick up where we left off", message=care)
    assert "How far did you get with Acme?" in (await user.next_message()).text
    await user.tap("Final round")
    assert "feeling" in (await user.next_message()).text


async def test_venting_after_a_rejection_is_just_venting(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("That interview was a massacre, the waiting is torture")
    reply = await user.next_message()
    assert "TelefonSeelsorge" not in reply.text
    assert "How far did you get" in reply.text


async def test_crisis_outside_any_flow_and_without_a_time_zone(bot: BotHarness) -> None:
    user = bot.user(language_code="pt-BR")
    await user.send("não quero mais viver")
    care = await user.next_message()
    assert "CVV" in care.text
    assert care.buttons == []  # nothing to resume


# --- veiled phrasings in a private chat ----------------------------------------------------------

VEILED = "I keep thinking my family would be better off without me"


async def test_veiled_phrasing_mid_reflection_pauses_and_resumes(bot: BotHarness) -> None:
    user = await onboard(bot)  # Berlin
    await open_debrief(user)
    await user.send("Globex")
    stage_question = await user.next_message()
    assert "Globex" in stage_question.text
    await user.send(VEILED)
    care = await user.next_message()
    assert "TelefonSeelsorge" in care.text
    assert "better off" not in care.text  # their words are not repeated back
    assert care.button_labels() == ["Pick up where we left off"]
    state = await bot.flow_state(user.id)
    assert state is not None and state.step == "stage"
    assert "better off" not in json.dumps(state.data)
    assert not await _inbox_holds(bot, "better off")
    # The group button's deep link works mid-flow too: support first, the flow still waits.
    await user.send("/start support")
    support = await user.next_message()
    assert "TelefonSeelsorge" in support.text
    assert support.button_labels() == ["Pick up where we left off"]
    await user.tap("Pick up where we left off", message=support)
    assert "How far did you get with Globex?" in (await user.next_message()).text


# --- groups ------------------------------------------------------------------------------------

MARKER = "zebracornflakes"
GROUP_CRISIS = f"honestly {MARKER}, everyone would be better off without me"


async def _row_counts(bot: BotHarness) -> dict[str, int]:
    """Rows per table, except the update inbox (checked by _inbox_holds)."""
    async with bot.sessions() as session:
        return {
            table.name: (
                await session.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in Base.metadata.sorted_tables
            if table.name != InboxUpdate.__tablename__
        }


async def _inbox_holds(bot: BotHarness, word: str) -> bool:
    """Whether any stored update (kept a day for crash recovery) still contains ``word``."""
    async with bot.sessions() as session:
        payloads = (await session.execute(select(InboxUpdate.payload))).scalars().all()
    assert payloads  # the inbox is in use, so the check means something
    return any(word in json.dumps(payload, ensure_ascii=False) for payload in payloads)


async def _group_with_bot(bot: BotHarness, *members: SimUser) -> SimGroup:
    admin = bot.user("Sam")
    group = bot.emulator.group("Job seekers", supergroup=True)
    group.add_member(admin, admin=True)
    for member in members:
        group.add_member(member)
    await group.add_bot(admin, as_admin=True)  # an admin bot hears every message
    await group.next_message()  # the introduction
    return group


async def test_crisis_in_a_group_gets_a_discreet_reply_and_help_in_private(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    ria = bot.user("Ria", language_code="de")
    tom = bot.user("Tom")
    group = await _group_with_bot(bot, ria, tom)
    await bot.settle()
    before = await _row_counts(bot)
    levels = {name: logging.getLogger(name).level for name in NOISY}
    configure_logging("DEBUG")
    try:
        with caplog.at_level(logging.DEBUG):
            await group.send(ria, GROUP_CRISIS)
            reply = await group.next_message()
            await bot.settle()
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert caplog.records  # logging was on
    assert MARKER not in caplog.text
    # Public: nothing of what she wrote, not her name; the directory right there; a private way.
    assert MARKER not in reply.text
    assert "better off" not in reply.text
    assert "Ria" not in reply.text
    assert "suicid" not in reply.text.lower()
    assert reply.html is not None and 'href="https://findahelpline.com"' in reply.html
    [[button]] = reply.buttons
    assert button.text == "Get support privately"
    assert button.url == "https://t.me/rebound_test_bot?start=support"
    sent = [
        c
        for c in bot.emulator.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == group.id
    ]
    assert "reply_parameters" not in sent[-1].params  # not a reply: that would quote her words
    assert "reply_to_message_id" not in sent[-1].params
    assert await _row_counts(bot) == before  # nothing stored
    assert not await _inbox_holds(bot, MARKER)
    assert await bot.stored_user(ria.id) is None

    # Once per member per half hour: more from her gets no public reply, and is not echoed.
    await group.send(ria, f"I just want to disappear forever {MARKER}")
    await group.send(ria, "/win I want to end it all")
    await group.expect_silence()
    await bot.settle()
    assert not await _inbox_holds(bot, MARKER)  # the unanswered one is not kept either
    # Someone else is not held back by her limit; ordinary venting stays venting.
    await group.send(tom, "this job search is killing me, that interview was a massacre")
    await group.expect_silence()
    await group.send(tom, "same here, I don't see the point in living anymore")
    assert "findahelpline.com" in (await group.next_message()).html  # type: ignore[operator]
    assert await _row_counts(bot) == before

    # The button: helplines for her place (German app language) at once, no onboarding.
    await ria.send("/start support")
    support = await ria.next_message()
    assert "TelefonSeelsorge" in support.text
    assert "not a therapist" not in support.text
    assert support.buttons == []
    await ria.expect_silence()


async def test_group_reply_stays_in_its_forum_topic(bot: BotHarness) -> None:
    admin = bot.user("Ana")
    member = bot.user("Lee")
    forum = bot.emulator.group("Hiring help", forum=True)
    forum.add_member(admin, admin=True)
    await forum.add_bot(admin, as_admin=True)
    await forum.next_message()
    topic = await forum.create_topic("Venting")
    await forum.send(member, "I won't be around much longer", thread_id=topic)
    reply = await forum.next_message()
    assert reply.thread_id == topic
    assert "around" not in reply.text
