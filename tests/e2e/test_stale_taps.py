"""A tap that no longer means anything (a button from an older release, data of a shape no
button has, plain junk, a run of a flow that is over) gets one kind answer, in the person's
language, from the one place that gives it (handlers.taps.stale), and changes nothing stored.
Buttons already sitting in chats from before the callback codec keep working."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import Base, InboxUpdate
from bot.emulator.sim import SimUser
from tests.e2e.harness import BotHarness, onboard, person_texts, seen

GARBLED = [
    "ss:0:tz",  # /settings, a version never sent
    "ss:2:tz",  # ... or one from a later release than this one
    "pl:0:done:1",
    "hs:1:jump:2",  # a verb no button has
    "ci:1:mood:9",  # a mood off the scale
    "ci:1:mood",  # a mood button without its mood
    "fd:1:7:explode",
    "sg:1:rm:sql",  # removing a strength by something that is not an id
    "cr:3:resume",
    "zz:9:nothing:at-all",  # no feature's prefix
    "::::",
    "x" * 64,
    "🙂" * 16,
]


async def stored(bot: BotHarness) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, but the update inbox (which notes each update it takes)."""
    async with bot.sessions() as session:
        return {
            table.name: sorted(
                (tuple(row) for row in (await session.execute(select(table))).all()), key=repr
            )
            for table in Base.metadata.sorted_tables
            if table.name != InboxUpdate.__tablename__
        }


async def tap_stale(bot: BotHarness, user: SimUser, data: str, message_id: int) -> None:
    answers = len(user.callback_answers)
    await user.tap_data(data, message_id=message_id)
    await bot.settle()
    assert len(user.callback_answers) == answers + 1, data
    assert user.callback_answers[-1].text == seen(person_texts(user)("toasts.stale_button")), data


async def test_stale_and_garbled_taps_get_the_kind_answer_and_change_nothing(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("/settings")
    settings = await user.next_message()
    await bot.settle()
    before, buttons = await stored(bot), settings.button_labels()
    for data in GARBLED:
        await tap_stale(bot, user, data, settings.message_id)
    await user.expect_silence()  # a toast, no message
    assert settings.button_labels() == buttons  # the message keeps its buttons
    assert await stored(bot) == before
    await user.tap(person_texts(user)("settings.buttons.timezone"), message=settings)
    assert seen(person_texts(user)("onboarding.ask_timezone")) in (await user.next_message()).text
    # Onboarding's buttons, from a run that is over, while the settings flow is open: the same
    # answer, and the open question stays as it was.
    await bot.settle()
    before = await stored(bot)
    await tap_stale(bot, user, "ob:1:abcd:tz:skip", settings.message_id)
    await user.expect_silence()
    assert await stored(bot) == before


@pytest.mark.parametrize("locale", ["es", "de", "ru"])
async def test_the_kind_answer_is_in_the_persons_language(bot: BotHarness, locale: str) -> None:
    user = await onboard(bot, language_code=locale)
    await user.send("/settings")
    settings = await user.next_message()
    await bot.settle()
    before = await stored(bot)
    for data in ("ss:0:tz", "::::", "ob:1:abcd:tz:skip"):
        await tap_stale(bot, user, data, settings.message_id)
    assert person_texts(user)("toasts.stale_button") != person_texts(bot.user())(
        "toasts.stale_button"
    )  # not the English one
    await user.expect_silence()
    assert await stored(bot) == before


async def test_buttons_written_before_the_codec_still_work(bot: BotHarness) -> None:
    user = await onboard(bot)
    texts = person_texts(user)
    await user.send("/feedback")
    menu = await user.next_message()
    await user.tap_data("fq:1:for:new", message_id=menu.message_id)  # "for a new debrief"
    assert seen(texts("feedback.intro")) in (await user.next_message()).text
