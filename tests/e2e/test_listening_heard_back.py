"""They answered, the outcome not told yet ("so I finally heard back from Spotify", listen11's
demo run: "I'm not sure I understood that"): asked how it went, nothing logged, no cheer; the
next message says it, and gets the reply that outcome gets."""

from __future__ import annotations

import pytest

from tests.e2e.harness import BotHarness, label, one_of, shown
from tests.e2e.listening_kit import onboarded_says

HEARD = [
    ("en", "so I finally heard back from Spotify", "they said no"),
    ("de", "Endlich Rückmeldung von Zalando bekommen", "leider eine Absage"),
    ("es", "¡Por fin me han contestado!", "me han rechazado"),
    ("ru", "мне наконец ответили", "отказали"),
]


@pytest.mark.parametrize(("locale", "heard", "outcome"), HEARD)
async def test_heard_back_is_asked_how_it_went_then_the_outcome_is_answered(
    harness_any_db: BotHarness, locale: str, heard: str, outcome: str
) -> None:
    bot = harness_any_db
    user, asked = await onboarded_says(bot, heard, locale)
    assert one_of(asked.text, shown("listen.good_news.heard_back", locale)), asked.text
    assert not asked.buttons  # no [Log it as a win] before they say what it was
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.offer is None

    await user.send(outcome)
    told = await user.next_message()
    assert label("listen.buttons.debrief_now", locale) in told.button_labels(), told.text
