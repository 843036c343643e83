"""/history pages through past debriefs in place; /plan lists the next steps they created."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import BotHarness, onboard
from tests.e2e.test_reflection import finish_quickly, open_debrief, tap_through


async def test_history_and_plan_when_empty(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/history")
    assert "No debriefs yet" in (await user.next_message()).text
    await user.send("/plan")
    assert "Your plan is empty" in (await user.next_message()).text


async def test_history_pages_in_place_and_opens_cards(bot: BotHarness) -> None:
    user = await onboard(bot)
    for n in range(6):
        await open_debrief(user)
        await user.send(f"Company {n}")
        await user.next_message()
        await finish_quickly(user)
        bot.clock.advance(timedelta(days=1))
    await user.send("/history")
    first = await user.next_message()
    assert "page 1 of 2" in first.text
    assert first.text.index("Company 5") < first.text.index("Company 1")  # newest first
    assert "Company 0" not in first.text
    assert first.button_labels()[-1] == "Older →"
    await user.tap("Older →")
    await bot.settle()
    assert first.edited
    assert "page 2 of 2" in first.text
    assert "Company 0" in first.text
    assert first.button_labels()[-1] == "← Newer"
    await user.tap("Company 0", message=first)
    card = await user.next_message()
    assert "Your debrief: Company 0" in card.text
    await user.tap_data("hs:1:open:99999")
    await bot.settle()
    assert user.callback_answers[-1].text == "That debrief is no longer there."


async def test_history_shows_patterns_and_plan_lists_steps(bot: BotHarness) -> None:
    user = await onboard(bot)
    for _ in range(3):
        await tap_through(bot, user)
    await user.send("/history")
    page = await user.next_message()
    assert "A pattern" in page.text
    assert "Final round" in page.text
    await user.send("/plan")
    steps = await user.next_message()
    assert "Your next steps" in steps.text
    assert steps.text.count("• ") == 3
