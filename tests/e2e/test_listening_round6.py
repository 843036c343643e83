"""What people type, round 6 (issue 16 QA, four languages): applications sent are effort to
acknowledge and log, not venting; a "no" told with its reason ("overqualified", "too junior",
"an internal candidate") gets a word on that reason, and the reason reaches the debrief (ticked
in advance where the debrief asks it, else kept as the note); lashing out at the bot ("you're
useless") is owned in a short reply with what Rebound does and /help, outside and inside a
flow. Texts come from the content catalogue in the person's language; what is stored is
checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import Win
from tests.e2e.harness import BotHarness, label, leads, one_of, shown, tap_keys
from tests.e2e.listening_kit import (
    debrief_answered_to,
    debriefs,
    onboarded,
    onboarded_says,
    open_debrief,
)

# (locale, applications sent)
PROGRESS = [
    ("en", "just applied to 10 jobs today"),
    ("es", "hoy mandé 4 solicitudes"),
    ("de", "heute 3 Bewerbungen verschickt"),
    ("ru", "отправил 6 откликов"),
]


async def wins(bot: BotHarness, user_id: int) -> list[str]:
    async with bot.sessions() as session:
        query = select(Win.kind).where(Win.user_id == user_id)
        return list((await session.execute(query)).scalars())


@pytest.mark.parametrize(("locale", "sent"), PROGRESS)
async def test_applications_sent_are_effort_to_log_not_venting(
    harness_any_db: BotHarness, locale: str, sent: str
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, sent, locale)
    assert one_of(reply.text, shown("listen.good_news.progress", locale)), reply.text
    assert not one_of(reply.text, shown("listen.good_news.offer", locale))
    assert label("listen.buttons.just_saying", locale) not in reply.button_labels()  # no venting
    await user.tap(label("listen.buttons.log_it", locale))
    logged = await user.next_message()
    assert one_of(logged.text, shown("listen.win_logged.progress", locale))
    await bot.settle()
    assert await wins(bot, user.id) == ["progress"]
    assert await debriefs(bot, user.id) == []


# (locale, a no for an internal candidate, a no for being overqualified)
REASONS = [
    ("en", "they went with an internal candidate", "they said I'm overqualified"),
    ("es", "eligieron a un candidato interno", "dijeron que estoy sobrecualificado"),
    ("de", "die Stelle wurde intern besetzt", "sie sagten, ich sei überqualifiziert"),
    ("ru", "взяли внутреннего кандидата", "сказали, что я слишком опытный"),
]


@pytest.mark.parametrize(("locale", "internal", "overqualified"), REASONS)
async def test_a_no_told_with_its_reason_reaches_the_debrief(
    harness_any_db: BotHarness, locale: str, internal: str, overqualified: str
) -> None:
    bot = harness_any_db
    user = await onboarded(bot, locale)

    await user.send(overqualified)
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.rejection.reason.overqualified", locale)), reply.text
    assert label("listen.buttons.debrief_now", locale) in reply.button_labels()
    [record] = await debriefs(bot, user.id)
    assert record.from_news and record.note == overqualified and record.outside == []
    await user.tap(label("listen.buttons.not_now", locale))
    await user.next_message()

    await user.send(internal)  # the same untouched debrief, now with the reason it has a box for
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.rejection.reason.internal", locale)), reply.text
    await user.tap(label("listen.buttons.debrief_now", locale))
    asked = await user.next_message()
    assert one_of(asked.text, leads("reflection.ask_company", locale))
    outside = await debrief_answered_to(bot, user, "outside", locale)
    assert one_of(outside.text, leads("reflection.ask_outside", locale))
    ticked = f"✓ {label('reflection.outside.internal', locale)}"
    assert ticked in outside.button_labels()  # ticked in advance; the question is still asked
    await tap_keys(bot, user, locale, "flow.done")
    [record] = await debriefs(bot, user.id)
    assert record.completed_at is not None
    assert (record.company, record.outside, record.note) == ("Acme", ["internal"], overqualified)


# (locale, lashing out at the bot)
AT_BOT = [
    ("en", "you're useless"),
    ("es", "eres inútil"),
    ("de", "du bist nutzlos"),
    ("ru", "ты бесполезный"),
]


@pytest.mark.parametrize(("locale", "words"), AT_BOT)
async def test_lashing_out_at_the_bot_is_owned_with_what_it_can_do(
    harness_any_db: BotHarness, locale: str, words: str
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, words, locale)
    assert one_of(reply.text, shown("listen.greeting.at_bot", locale)), reply.text
    assert "/help" in reply.text
    assert label("listen.buttons.help", locale) in reply.button_labels()
    assert not one_of(reply.text, shown("listen.venting.self_doubt", locale))

    await open_debrief(user, locale)
    await user.send(words)  # at the company question: owned, never stored as the company
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.at_bot", locale))
    assert one_of(again.text, leads("reflection.ask_company", locale))
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.note) == (None, None)  # not kept as a note either

    await user.send("Acme")
    await bot.settle()
    await tap_keys(bot, user, locale, "reflection.stage.final_round")
    await user.send(words)  # at a tap question: owned and asked again, not "tap a button"
    await bot.settle()
    mood = user.last_message
    assert mood is not None
    assert one_of(mood.text, shown("listen.in_flow.at_bot", locale))
    assert one_of(mood.text, leads("reflection.ask_mood", locale))
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.mood, record.note) == ("Acme", None, None)
