"""Nothing lost: a restart resumes where the person was; two instances share one flow."""

from __future__ import annotations

from datetime import time

from tests.e2e.harness import BotHarness, begin_onboarding, leads, one_of


async def test_restart_mid_onboarding_resumes_at_the_same_question(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    first = await bot.start()
    user = await begin_onboarding(bot)
    await user.send("Berlin")
    assert one_of((await user.next_message()).text, leads("onboarding.ask_time"))

    await bot.stop(first)
    await bot.start()  # a new process on the same database
    await user.send("7:45")
    assert "How often?" in (await user.next_message()).text
    row = await bot.stored_user(user.id)
    assert row is not None and row.timezone == "Europe/Berlin" and row.checkin_time == time(7, 45)


async def test_two_instances_continue_the_same_flow(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    a = await bot.start()
    user = await begin_onboarding(bot)

    await bot.stop_polling(a)
    b = await bot.start()
    await user.send("Tokyo")
    assert "it's 21:00 there now" in (await user.next_message()).text

    await bot.stop_polling(b)
    await bot.start(a)
    await user.tap("18:00")
    assert "How often?" in (await user.next_message()).text
    row = await bot.stored_user(user.id)
    assert row is not None and row.timezone == "Asia/Tokyo" and row.checkin_time == time(18, 0)


async def test_answers_typed_faster_than_the_replies_arrive(harness_any_db: BotHarness) -> None:
    """Two answers sent back to back: the second is handled while the first one's reply is
    still on its way. Both are stored in order, the replies come in order, and the question the
    second answer settled does not keep its buttons (whichever of the two noticed first)."""
    bot = harness_any_db
    await bot.start()
    user = await begin_onboarding(bot)
    bot.emulator.latency = 0.05  # a real network round trip, so the two turns overlap
    await user.send("Berlin")
    await user.send("7:45")
    asked = await user.next_message()
    assert one_of(asked.text, leads("onboarding.ask_time"))
    assert "How often?" in (await user.next_message()).text
    await bot.settle()
    assert user.messages[-2].message_id == asked.message_id
    assert user.messages[-2].buttons == []  # answered by typing: no stale time buttons
    row = await bot.stored_user(user.id)
    assert row is not None and row.timezone == "Europe/Berlin" and row.checkin_time == time(7, 45)
