"""A crisis message in the middle of anything gets care at once; the flow waits; the words
are kept nowhere."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.db.models import FlowState, Rejection
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
