"""What Telegram shows about the bot before anyone writes: its profile texts, and the command
menus per kind of chat (group admins alone see /groupsettings)."""

from __future__ import annotations

from bot.app import register_commands
from tests.e2e.harness import CONTENT, BotHarness, label

NOT_A_THERAPIST = {"es": "no es terapeuta", "de": "kein Therapeut", "ru": "не психотерапевт"}


async def test_profile_says_what_it_does_and_what_it_is_not(bot: BotHarness) -> None:
    description = bot.emulator.description()
    assert description == label("profile.description")
    assert "not a therapist" in description and "not an emergency service" in description
    assert "<" not in description  # plain text: Telegram shows tags as typed
    assert len(description) <= 512
    short = bot.emulator.short_description()
    assert short == label("profile.short_description") and len(short) <= 120
    for locale in ("es", "de", "ru"):  # each shipped language has its own, from profile.yaml
        texts = CONTENT.texts(locale)
        assert bot.emulator.description(locale) == texts("profile.description", variant=0)
        assert bot.emulator.description(locale) != description
        assert NOT_A_THERAPIST[locale] in bot.emulator.description(locale)
        short = bot.emulator.short_description(locale)
        assert short == texts("profile.short_description", variant=0) and len(short) <= 120
    assert bot.emulator.description("it") == description  # no Italian version: the default


async def test_groupsettings_is_in_the_admins_menu_only(bot: BotHarness) -> None:
    everyone = dict(bot.emulator.commands("all_group_chats"))
    admins = dict(bot.emulator.commands("all_chat_administrators"))
    private = dict(bot.emulator.commands("all_private_chats"))
    assert "groupsettings" not in everyone and "groupsettings" not in private
    assert admins["groupsettings"] == label("commands.group_admins.groupsettings")
    assert set(everyone) == {"win", "cheer", "reflect", "help"}
    assert set(admins) == set(everyone) | {"groupsettings"}


async def test_menus_are_filed_under_two_letter_language_codes_only(bot: BotHarness) -> None:
    """Telegram takes ISO 639-1 codes ("de"), not "pt-br": such a locale is skipped, and the
    emulator would refuse the call (the harness fails on any refused call)."""
    content = CONTENT
    english = content.catalogs["en"]
    italian = english.model_copy(
        update={"locale": "it", "texts": {"commands.group.win": ("Festeggia un successo",)}}
    )
    content.catalogs["it"] = italian
    content.catalogs["pt-br"] = english
    await register_commands(bot.instances[-1], content)
    assert dict(bot.emulator.commands("all_group_chats", "it"))["win"] == "Festeggia un successo"
    assert bot.emulator.description("it") == bot.emulator.description()  # not translated: default
    assert bot.emulator.commands("all_group_chats", "pt-br") == []
