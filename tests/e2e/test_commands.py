"""/help, /settings, /cancel, unknown commands, odd messages, stale buttons, blocking, errors."""

from __future__ import annotations

import logging

import pytest

from bot.cli import NOISY_LOGGERS as NOISY
from bot.cli import configure_logging
from bot.services import flows
from tests.e2e.harness import BotHarness, begin_onboarding, label, onboard, one_of, shown


async def test_help_groups_commands_and_says_what_it_is_not(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/help")
    help_text = (await user.next_message()).text
    assert "Getting started" in help_text and "Anytime" in help_text
    assert "/settings" in help_text and "/cancel" in help_text
    assert "not a therapist" in help_text


async def test_settings_change_time_zone_with_buttons(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/settings")
    summary = await user.next_message()
    assert "Time zone: Europe/Berlin" in summary.text
    await user.tap("Time zone")
    assert "Where are you?" in (await user.next_message()).text
    await user.send("Lagos")
    saved = await user.next_message()
    assert "Lagos: it's 13:00 there now" in saved.text
    assert "Saved ✅" in saved.text
    assert "Time zone: Africa/Lagos" in saved.text
    row = await bot.stored_user(user.id)
    assert row is not None and row.timezone == "Africa/Lagos"
    await user.send("/settings")
    await user.next_message()
    await user.tap("Weekly review")
    await user.next_message()
    await user.tap("Friday")
    assert "Weekly review: Friday" in (await user.next_message()).text
    row = await bot.stored_user(user.id)
    assert row is not None
    assert row.review_day == 4
    assert row.next_review_at is not None
    assert row.next_review_at.weekday() == 4
    await user.send("/settings")
    await user.next_message()
    await user.tap("All good")
    assert "Settings kept" in (await user.next_message()).text


async def test_cancel_always_works(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/cancel")
    assert "Nothing to stop" in (await user.next_message()).text
    await begin_onboarding(bot, user=user)
    await user.send("/cancel")
    assert "Stopped" in (await user.next_message()).text
    assert await bot.flow_state(user.id) is None
    row = await bot.stored_user(user.id)
    assert row is not None and row.consented_at is not None  # what was said stays saved
    await user.send("Berlin")  # no flow now: a kind reply and the way back to set-up
    assert (await user.next_message()).button_labels() == ["Set up"]


async def test_unknown_command_and_unread_message_types(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/frobnicate")
    assert one_of((await user.next_message()).text, shown("fallback.unknown_command"))
    # Each kind the bot cannot read gets its own words (issue 16 QA); a location the general line.
    for send, key in (
        (user.send_sticker, "fallback.not_read_sticker"),
        (user.send_photo, "fallback.not_read_photo"),
        (user.send_voice, "fallback.not_read_voice"),
        (user.send_location, "fallback.not_read"),
    ):
        await send()
        assert one_of((await user.next_message()).text, shown(key))
    # Inside a flow, the current question comes back after the note.
    await user.send("/start")
    await user.next_message()
    await user.tap("Sounds good")
    await user.next_message()
    await user.send_sticker()
    reminder = await user.next_message()
    assert one_of(reminder.text, shown("fallback.not_read_sticker"))
    assert "Where are you?" in reminder.text


async def test_stale_button_after_the_flow_ended(bot: BotHarness) -> None:
    user = await onboard(bot)
    welcome = user.messages[0]
    await user.tap_data("ob:1:abcd:consent:yes", message_id=welcome.message_id)
    await bot.settle()
    assert user.callback_answers[-1].text == label("toasts.stale_button")
    await user.tap_data("zz:9:nothing:at-all")
    await bot.settle()
    assert user.callback_answers[-1].text == label("toasts.stale_button")
    await user.expect_silence()


async def test_edited_messages_are_ignored_on_purpose(bot: BotHarness) -> None:
    user = bot.user()
    message_id = await user.send("/help")
    await user.next_message()
    await user.edit(message_id, "/cancel")
    await user.expect_silence()


async def test_blocking_stops_and_start_restores(bot: BotHarness) -> None:
    user = await onboard(bot)
    user.block()
    await bot.settle()
    row = await bot.stored_user(user.id)
    assert row is not None and row.active is False
    user.unblock()
    await user.send("/start")
    await user.next_message()
    row = await bot.stored_user(user.id)
    assert row is not None and row.active is True


async def test_an_error_gets_an_apology_and_no_personal_text_in_logs(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object) -> None:
        typed_text = args[4]
        raise ValueError(f"could not handle {typed_text}")

    user = bot.user()
    await user.send("/start")
    await user.next_message()
    await user.tap("Sounds good")
    await user.next_message()
    monkeypatch.setattr(flows, "handle_text", broken)
    levels = {name: logging.getLogger(name).level for name in NOISY}
    configure_logging("DEBUG")  # the most talkative production setting
    try:
        with caplog.at_level(logging.DEBUG):
            await user.send("my secret reflection")
            assert one_of((await user.next_message()).text, shown("errors.apology"))
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert "my secret reflection" not in caplog.text
    assert any("ValueError" in r.getMessage() for r in caplog.records if r.name == "rebound.errors")
