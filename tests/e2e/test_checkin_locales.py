"""A person whose Telegram is in Spanish, German or Russian gets the daily check-in, the mood
reply and the small step in that language, not in English (issue 21)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.content import load_content
from bot.dispatch import dispatch_due
from tests.e2e.harness import BotHarness, onboard

FRIDAY = datetime(2026, 3, 27, 0, 0, tzinfo=UTC)
CONTENT = load_content()
LOCALES = ["es", "de", "ru"]


def versions(locale: str, key: str, **params: object) -> list[str]:
    """Every version of ``key`` in ``locale`` as the person reads it (HTML tags removed)."""
    texts = CONTENT.texts(locale)
    assert texts.locale == locale
    return [
        re.sub(r"<[^>]+>", "", texts(key, variant=i, **params)) for i in range(texts.count(key))
    ]


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
    assert prompt.text in versions(locale, "checkin.prompt")
    buttons = {texts(f"checkin.buttons.{b}") for b in ("win", "interview", "rejection")}
    assert buttons <= set(prompt.button_labels())
    assert "🏆 Log a win" not in prompt.button_labels()

    await user.tap(texts("checkin.mood.4"), message=prompt)  # 🙂: a good day
    await bot.settle()
    reply = user.messages[-1]
    said, nudge = reply.text.split("\n\n")  # a word for the mood, then the small step
    assert said in versions(locale, "checkin.reply.high")
    intro, step = nudge.split("\n")
    assert intro in versions(locale, "checkin.nudge_general_intro")
    ideas = [
        t
        for k in CONTENT.catalogs[locale].texts
        if k.startswith("checkin.ideas.")
        for t in versions(locale, k)
    ]
    assert step in ideas
    labels = [texts(f"checkin.buttons.{b}") for b in ("done", "snooze", "not_relevant")]
    assert reply.button_labels() == labels

    await user.tap(texts("checkin.buttons.done"), message=reply)
    await bot.settle()
    assert user.messages[-1].text in versions(locale, "checkin.nudge_done")
