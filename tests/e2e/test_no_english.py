"""A person whose Telegram is in Spanish, German or Russian never reads English (issue 21): set
up, a debrief, a feedback draft, a check-in and /export, every message, button and the export's
readable copy checked for English by its function words (words no Spanish, German or Russian
sentence uses)."""

from __future__ import annotations

import re

import pytest

from bot.emulator import SimUser
from tests.e2e.harness import CONTENT, BotHarness, debrief_to_draft, label, onboard, tap_keys

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


@pytest.mark.parametrize("locale", ["es", "de", "ru"])
async def test_a_whole_week_in_the_persons_language_has_no_english(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)

    draft = await debrief_to_draft(
        bot,
        user,
        locale,
        *("reflection.went_well.rapport", "flow.done", "reflection.reason.nerves", "flow.done"),
        *("reflection.outside.internal", "flow.done"),
    )
    assert "Maria" in draft.text and "Alex Kim" in draft.text
    await tap_keys(bot, user, locale, "feedback.buttons.sent")

    await user.send("/checkin")
    await bot.settle()
    await tap_keys(bot, user, locale, "checkin.mood.4")

    await user.send("/export")
    await bot.settle()
    [readable] = [m for m in user.messages if m.document and m.document.filename.endswith(".md")]
    assert readable.document is not None
    assert label("reflection.stage.final_round", locale) in readable.document.content.decode()

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
    assert english_words("I'm around when you need a hand") == ["i'm", "when", "you"]
    for locale in ("es", "de", "ru"):  # a few long texts of each catalogue read as not English
        for key in ("onboarding.welcome", "help.private", "privacy.delete_confirm"):
            assert english_words(CONTENT.texts(locale)(key, variant=0)) == [], (locale, key)
