"""A person whose Telegram is in Spanish, German or Russian never reads English (issue 21): set
up, a debrief, a feedback draft, a check-in and /export, every message, button and the export's
readable copy checked for English by its function words (words no Spanish, German or Russian
sentence uses)."""

from __future__ import annotations

import re

import pytest

from bot.content import load_content
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import BotHarness, onboard

CONTENT = load_content()
# Unmistakably English: function words that are not words of Spanish, German or Russian ("in",
# "an", "die", "was", "will", "also", "so", "man", Spanish "has" are, so they are not here).
ENGLISH = frozenset(
    (
        *("the", "you", "your", "you're", "i'm", "i'll", "don't", "it's", "and", "with"),
        *("what", "this", "that", "these", "those", "would", "have", "been", "is", "are"),
        *("were", "just", "when", "which", "about", "from", "there", "their", "they", "them"),
    )
)
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
TYPED = ("Acme", "Maria", "Alex Kim")  # what the person typed comes back, as typed


def english_words(text: str) -> list[str]:
    for typed in TYPED:
        text = text.replace(typed, "")
    return [w for w in WORD.findall(text.lower().replace("’", "'")) if w in ENGLISH]


def everything_seen(user: SimUser) -> list[str]:
    """Every message (as it reads now) and every button label the person was shown."""
    seen = []
    for message in user.messages:
        seen.append(message.text)
        seen.extend(message.button_labels())
        if message.document is not None and message.document.filename.endswith(".md"):
            seen.append(message.document.content.decode("utf-8"))
    return seen


def label(locale: str, key: str) -> str:
    return CONTENT.texts(locale)(key, variant=0)


async def tap(bot: BotHarness, user: SimUser, locale: str, *keys: str) -> BotMessage:
    for key in keys:
        await user.tap(label(locale, key))
        await bot.settle()
    assert user.last_message is not None
    return user.last_message


@pytest.mark.parametrize("locale", ["es", "de", "ru"])
async def test_a_whole_week_in_the_persons_language_has_no_english(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)

    await user.send("/reflect")
    await bot.settle()
    await tap(bot, user, locale, "reflection.buttons.start")
    await user.send("Acme, Designer")
    await bot.settle()
    await tap(bot, user, locale, "reflection.stage.final_round")
    await user.tap("😕 2")
    await bot.settle()
    await tap(bot, user, locale, "reflection.went_well.rapport", "flow.done")
    await tap(bot, user, locale, "reflection.reason.nerves", "flow.done")
    offer = await tap(bot, user, locale, "reflection.outside.internal", "flow.done")
    assert label(locale, "reflection.buttons.draft_now") in offer.button_labels()

    await tap(bot, user, locale, "reflection.buttons.draft_now", "feedback.recipient.hr")
    await user.send("Maria")
    await bot.settle()
    await user.send("Alex Kim")
    await bot.settle()
    draft = await tap(bot, user, locale, "feedback.channel.email", "feedback.tone.formal")
    assert "Maria" in draft.text and "Alex Kim" in draft.text
    await tap(bot, user, locale, "feedback.buttons.sent")

    await user.send("/checkin")
    await bot.settle()
    await tap(bot, user, locale, "checkin.mood.4")

    await user.send("/export")
    await bot.settle()
    [readable] = [m for m in user.messages if m.document and m.document.filename.endswith(".md")]
    assert readable.document is not None
    assert label(locale, "reflection.stage.final_round") in readable.document.content.decode()

    found = {text[:80]: words for text in everything_seen(user) if (words := english_words(text))}
    assert found == {}, f"English in {locale}: {found}"


def test_the_check_finds_english_and_passes_the_other_languages() -> None:
    assert english_words("Your settings are saved, and you can change them.") == [
        "your",
        "are",
        "and",
        "you",
        "them",
    ]
    assert english_words("I'm here when you need me") == ["i'm", "when", "you"]
    for locale in ("es", "de", "ru"):  # a few long texts of each catalogue read as not English
        for key in ("onboarding.welcome", "help.private", "privacy.delete_confirm"):
            assert english_words(CONTENT.texts(locale)(key, variant=0)) == [], (locale, key)
