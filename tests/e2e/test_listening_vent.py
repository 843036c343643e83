"""Asking to let it out ("can I just vent?", "kann ich erstmal einfach nur reden?", the lead's
demo run: "I'm not sure I understood that"): a yes and nothing to do, in the person's language,
outside a flow and inside one (the question stays, nothing is kept as its answer)."""

from __future__ import annotations

import pytest

from bot.db.models import Rejection
from tests.e2e.harness import BotHarness, one_of, shown
from tests.e2e.listening_kit import debriefs, onboarded, onboarded_says, open_debrief

ASKS = [
    ("en", "can I just vent for a bit?"),
    ("de", "kann ich erstmal einfach nur reden?"),
    ("es", "¿puedo desahogarme un rato?"),
    ("ru", "можно я просто выговорюсь?"),
]


@pytest.mark.parametrize(("locale", "asked"), ASKS)
async def test_asking_to_vent_gets_a_yes_and_no_task(
    harness_any_db: BotHarness, locale: str, asked: str
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, asked, locale)
    assert one_of(reply.text, shown("listen.question.vent", locale)), reply.text
    assert not reply.buttons  # no task, no menu: they write next
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.offer is None


@pytest.mark.parametrize(("locale", "asked"), ASKS)
async def test_asking_to_vent_in_a_debrief_keeps_the_question_open(
    harness_any_db: BotHarness, locale: str, asked: str
) -> None:
    bot = harness_any_db
    user = await onboarded(bot, locale)
    await open_debrief(user, locale)  # at "Which company and role?"
    await user.send(asked)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert one_of(reply.text, shown("listen.in_flow.question.vent", locale)), reply.text
    assert reply.buttons  # the question again, to answer when they are ready
    records: list[Rejection] = await debriefs(bot, user.id)
    assert all(record.company != asked for record in records)
