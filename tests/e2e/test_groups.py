"""In a group, personal set-up is offered in private through a deep link."""

from __future__ import annotations

from tests.e2e.harness import BotHarness


async def test_start_in_a_group_points_to_the_private_chat(bot: BotHarness) -> None:
    admin = bot.user("Sam")
    group = bot.emulator.group("Job seekers Berlin")
    group.add_member(admin, admin=True)
    await group.add_bot(admin)
    await group.send(admin, "/start@rebound_test_bot")
    intro = await group.next_message()
    assert "help people bounce back" in intro.text
    [[button]] = intro.buttons
    assert button.url == "https://t.me/rebound_test_bot?start=settings"
    await group.send(admin, "/help@rebound_test_bot")
    assert "Rebound in this group" in (await group.next_message()).text
    await group.send(admin, "/help@some_other_bot")
    await group.expect_silence()
    # Nothing personal was stored for the group or its member.
    assert await bot.stored_user(admin.id) is None
