"""An employer's reply pasted in German, Spanish or Russian (issue 21): its themes are suggested,
the steps quote the reply's own words, and a standard rejection is recognised as one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import FeedbackRequest
from bot.dispatch import dispatch_due
from bot.emulator import SimUser
from tests.e2e.harness import BotHarness, debrief_to_draft, label, onboard, seen, tap_keys


async def sent_and_checked(bot: BotHarness, user: SimUser, locale: str) -> None:
    """A debrief, a feedback request marked sent, the check a week later, "Yes, log it"."""
    await debrief_to_draft(bot, user, locale)
    await tap_keys(bot, user, locale, "feedback.buttons.sent")
    bot.clock.advance(timedelta(days=8))
    assert await dispatch_due(bot.instances[0]) == 1
    await bot.settle()
    await tap_keys(bot, user, locale, "feedback.buttons.log")


@pytest.mark.parametrize(
    ("locale", "reply", "tags", "words"),
    [
        (
            "de",
            "Danke für Ihr Interesse. Uns fehlte mehr Erfahrung mit Design-Systemen im großen "
            "Maßstab, und die Beispiele waren oft zu allgemein gehalten.",
            ["examples", "experience"],
            "Design-Systemen im großen Maßstab",
        ),
        (
            "es",
            "Gracias por tu tiempo. Nos faltó más experiencia con sistemas de diseño a gran "
            "escala y ejemplos concretos de resultados.",
            ["examples", "experience"],
            "sistemas de diseño a gran escala",
        ),
        (
            "ru",
            "Спасибо за интерес. Нам не хватило опыта работы с дизайн-системами, а ответам "
            "не хватало конкретных примеров.",
            ["examples", "experience"],
            "дизайн-системами",
        ),
    ],
)
async def test_a_reply_in_the_persons_language_gets_themes_and_steps_in_its_words(
    bot: BotHarness, locale: str, reply: str, tags: list[str], words: str
) -> None:
    user = await onboard(bot, language_code=locale)
    await sent_and_checked(bot, user, locale)
    await user.send(reply)
    await bot.settle()
    suggested = user.last_message
    assert suggested is not None
    ticked = [b.removeprefix("✓ ") for b in suggested.button_labels() if b.startswith("✓")]
    assert ticked == [label(f"feedback.tag.{tag}", locale) for tag in tags]

    logged = await tap_keys(bot, user, locale, "flow.done")
    steps = [line for line in logged.text.splitlines() if line.startswith("• ")]
    assert any(words in step for step in steps), steps
    async with bot.sessions() as session:
        [request] = (await session.execute(select(FeedbackRequest))).scalars().all()
    assert request.status == "replied" and request.tags == tags


@pytest.mark.parametrize(
    ("locale", "reply"),
    [
        ("de", "Leider haben wir uns für einen anderen Kandidaten entschieden. Viel Erfolg!"),
        ("es", "Hemos decidido continuar con otros candidatos. Te deseamos mucha suerte."),
        ("ru", "К сожалению, мы решили продолжить с другим кандидатом. Удачи в поиске!"),
    ],
)
async def test_a_standard_rejection_in_the_persons_language_is_recognised(
    bot: BotHarness, locale: str, reply: str
) -> None:
    user = await onboard(bot, language_code=locale)
    await sent_and_checked(bot, user, locale)
    await user.send(reply)
    await bot.settle()
    tags = user.last_message
    assert tags is not None and not any(b.startswith("✓") for b in tags.button_labels())
    answer = await tap_keys(bot, user, locale, "flow.done")
    assert seen(label("feedback.generic_reply", locale)) in answer.text
    assert answer.button_labels() == [label("feedback.buttons.ask_interviewer", locale)]
