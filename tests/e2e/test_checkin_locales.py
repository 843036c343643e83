"""A person whose Telegram is in Spanish, German or Russian gets the daily check-in, the mood
reply and the small step in that language, not in English (issue 21)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.dispatch import dispatch_due
from tests.e2e.harness import CONTENT, BotHarness, label, onboard, shown

FRIDAY = datetime(2026, 3, 27, 0, 0, tzinfo=UTC)
LOCALES = ["es", "de", "ru"]


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_check_in_and_the_mood_reply_come_in_the_persons_language(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    bot.clock.current = FRIDAY
    await bot.start()
    texts = CONTENT.texts(locale)
    user = await onboard(bot, language_code=locale)  # Berlin, 09:00, every day
    app = bot.instances[-1]
    while bot.clock.now() < FRIDAY + timedelta(hours=8):  # 09:00 in Berlin
        bot.clock.advance(timedelta(minutes=15))
        await dispatch_due(app)
    await bot.settle()

    prompt = user.messages[-1]
    assert prompt.text in shown("checkin.prompt", locale)
    buttons = {texts(f"checkin.buttons.{b}") for b in ("win", "interview", "rejection")}
    assert buttons <= set(prompt.button_labels())
    assert label("checkin.buttons.win") not in prompt.button_labels()

    await user.tap(texts("checkin.mood.4"), message=prompt)  # 🙂: a good day
    await bot.settle()
    reply = user.messages[-1]
    said, nudge = reply.text.split("\n\n")  # a word for the mood, then the small step
    assert said in shown("checkin.reply.high", locale)
    intro, step = nudge.split("\n")
    assert intro in shown("checkin.nudge_general_intro", locale)
    ideas = [
        t
        for k in CONTENT.catalogs[locale].texts
        if k.startswith("checkin.ideas.")
        for t in shown(k, locale)
    ]
    assert step in ideas
    labels = [texts(f"checkin.buttons.{b}") for b in ("done", "snooze", "not_relevant")]
    assert reply.button_labels() == labels

    await user.tap(texts("checkin.buttons.done"), message=reply)
    await bot.settle()
    assert user.messages[-1].text in shown("checkin.nudge_done", locale)
