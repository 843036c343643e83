"""What Telegram shows about the bot before anyone writes: its profile texts, and the command
menus per kind of chat (group admins alone see /groupsettings)."""

from __future__ import annotations

from tests.e2e.harness import BotHarness


async def test_profile_says_what_it_does_and_what_it_is_not(bot: BotHarness) -> None:
    description = bot.emulator.description()
    assert "Turned down after an interview?" in description
    assert "not a therapist and not an emergency service" in description
    assert "<" not in description  # plain text: Telegram shows tags as typed
    assert len(description) <= 512
    short = bot.emulator.short_description()
    assert short.startswith('After an interview "no"') and len(short) <= 120
    assert bot.emulator.description("de") == description  # no German version: the default


async def test_groupsettings_is_in_the_admins_menu_only(bot: BotHarness) -> None:
    everyone = dict(bot.emulator.commands("all_group_chats"))
    admins = dict(bot.emulator.commands("all_chat_administrators"))
    private = dict(bot.emulator.commands("all_private_chats"))
    assert "groupsettings" not in everyone and "groupsettings" not in private
    assert admins["groupsettings"] == "Daily check-in and weekly recap settings"
    assert set(everyone) == {"win", "cheer", "reflect", "help"}
    assert set(admins) == set(everyone) | {"groupsettings"}
