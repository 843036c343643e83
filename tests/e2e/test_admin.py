"""/admin exists only for operators: counts without personal content, confirmed broadcasts."""

from __future__ import annotations

from bot.dispatch import dispatch_due
from tests.e2e.harness import BotHarness, onboard, one_of, shown


async def test_non_operators_see_an_unknown_command(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/admin stats")
    assert one_of((await user.next_message()).text, shown("fallback.unknown_command"))


async def test_operator_stats_and_a_confirmed_broadcast(bot: BotHarness) -> None:
    people = [await onboard(bot, first_name=f"P{i}") for i in range(3)]
    operator = people[0]
    bot.settings.admin_ids = [operator.id]
    await operator.send("/admin stats")
    stats = (await operator.next_message()).text
    assert "People: 3 (active and set up: 3)" in stats
    await operator.send("/admin broadcast New: /feedback drafts <b>emails</b> for you.")
    confirm = await operator.next_message()
    assert "Send this to 3 people?" in confirm.text
    await operator.tap("Don't send", message=confirm)
    assert "Not sent" in (await operator.next_message()).text
    assert await dispatch_due(bot.instances[-1]) == 0
    await operator.send("/admin broadcast Hello everyone & welcome 🌱")
    await operator.tap("Send it", message=await operator.next_message())
    assert "Queued for 3 people" in (await operator.next_message()).text
    assert await dispatch_due(bot.instances[-1]) == 3
    await bot.settle()
    for person in people:
        assert person.messages[-1].text == "Hello everyone & welcome 🌱"
