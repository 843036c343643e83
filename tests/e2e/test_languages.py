"""Which language Rebound speaks (issue 21): Telegram's on first contact, then the one chosen in
/settings, which switches the very next message and which no later update's ``language_code``
changes; a group speaks the language its admin chose in /groupsettings."""

from __future__ import annotations

import pytest

from bot.db.models import Group
from bot.services import flows
from tests.e2e.harness import CONTENT, BotHarness, onboard, seen

LANGUAGE_BUTTONS = ["English", "Español", "Deutsch", "Русский"]


async def test_choosing_a_language_switches_the_next_message_and_is_kept(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    de, es = CONTENT.texts("de"), CONTENT.texts("es")
    user = await onboard(bot, language_code="de-AT")  # a regional variant: German

    await user.send("/settings")
    summary = await user.next_message()
    assert f"{seen(de('settings.this_language'))}" in summary.text
    await user.tap(de("settings.buttons.language"))
    ask = await user.next_message()
    assert ask.text == seen(de("settings.ask_language"))
    assert ask.button_labels()[:4] == LANGUAGE_BUTTONS

    await user.tap("Español")
    saved = await user.next_message()  # the confirmation itself is in the new language
    assert saved.text.startswith(seen(es("settings.language_saved")))
    assert "Idioma: Español" in saved.text
    assert seen(de("settings.language_saved")) not in saved.text

    await user.send("/help")
    assert (await user.next_message()).text == seen(es("help.private"))
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.locale == "es" and stored.language_code == "de-AT"

    user.info.language_code = "ru"  # they change their Telegram app's language: the choice stays
    await user.send("/help")
    assert (await user.next_message()).text == seen(es("help.private"))
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.locale == "es" and stored.language_code == "ru"


async def test_without_a_choice_the_language_follows_telegram(harness: BotHarness) -> None:
    bot = harness
    await bot.start()
    user = bot.user(language_code="ru")
    await user.send("/help")
    assert (await user.next_message()).text == seen(CONTENT.texts("ru")("help.private"))
    user.info.language_code = "pt-BR"  # no Portuguese content: English
    await user.send("/help")
    assert (await user.next_message()).text == seen(CONTENT.texts("en")("help.private"))


async def test_a_group_speaks_the_language_its_admin_chose(harness: BotHarness) -> None:
    bot = harness
    await bot.start()
    admin, member = bot.user("Lucía", language_code="es-ES"), bot.user("Max", language_code="de")
    group = bot.emulator.group("Buscando trabajo", supergroup=True)
    group.add_member(admin, admin=True)
    group.add_member(member)
    await group.add_bot(admin)
    await group.next_message()  # the hello
    async with bot.sessions() as session:
        [stored] = (await session.execute(Group.__table__.select())).all()
    assert stored.locale == "es"  # the admin who added the bot

    await group.send(member, "/help@rebound_test_bot")  # a German member: the group's Spanish
    es, ru = CONTENT.texts("es"), CONTENT.texts("ru")
    assert (await group.next_message()).text == seen(es("help.group", bot="rebound_test_bot"))

    await group.send(admin, "/groupsettings@rebound_test_bot")
    view = await group.next_message()
    assert view.button_labels()[-4:] == ["English", "✓ Español", "Deutsch", "Русский"]
    await group.tap(admin, "Русский", message=view)
    await bot.settle()
    changed = group.messages[-1]
    assert changed.button_labels()[-4:] == ["English", "Español", "Deutsch", "✓ Русский"]
    await group.send(member, "/help@rebound_test_bot")
    assert (await group.next_message()).text == seen(ru("help.group", bot="rebound_test_bot"))


async def test_an_apology_comes_in_the_chosen_language(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = harness
    await bot.start()
    user = await onboard(bot, language_code="en")
    await user.send("/settings")
    await user.next_message()
    await user.tap("Language")
    await user.next_message()
    await user.tap("Русский")
    await user.next_message()

    async def broken(*args: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(flows, "handle_text", broken)
    await user.send("что-нибудь")
    assert (await user.next_message()).text == seen(CONTENT.texts("ru")("errors.apology"))
