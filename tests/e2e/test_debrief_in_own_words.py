"""A debrief answered in a person's own words (the lead's demo run of 2026-12-07 evening, a
52-year-old operations manager): a second interview is the interview stage, a mood number
with more said after it is the mood, and a guess at the reason typed at "What was outside your
control?" is kept with the debrief's notes instead of "Please tap one of the buttons".
Both databases; what the person sees and what is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn
from tests.e2e.harness import BotHarness, label, leads, onboard, one_of, shown
from tests.e2e.listening_kit import debrief_at_stage, debriefs, onboarded_at_checkin

SECOND_INTERVIEW = {
    "en": "second interview, with the ops director and someone from HR",
    "de": "zweites Gespräch mit der Abteilungsleitung",
    "es": "segunda entrevista con el director",
    "ru": "второе собеседование с директором",
}
MOOD_AND_MORE = {
    "en": "honestly about a 2. I'm 52 and starting to wonder if it's my age",
    "de": "so eine 2. bin 52 und frag mich, ob es am Alter liegt",
    "es": "como un 2, tengo 52 años y ya no sé",
    "ru": "где-то на 2. мне 52, может, дело в возрасте",
}
OUTSIDE_GUESS = {
    "en": "maybe they wanted someone younger, cheaper",
    "de": "vielleicht wollten sie jemand Jüngeren, Billigeren",
    "es": "quizá querían a alguien más joven y más barato",
    "ru": "может, хотели кого-то помоложе и подешевле",
}


@pytest.mark.parametrize("locale", sorted(SECOND_INTERVIEW))
async def test_a_debrief_typed_in_own_words_is_taken_as_said(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await debrief_at_stage(user, locale, "Brightwell Logistics")

    await user.send(SECOND_INTERVIEW[locale])
    mood_question = await user.next_message()
    assert one_of(mood_question.text, shown("reflection.ask_mood", locale))
    assert label("reflection.stage.first_interview", locale) in mood_question.text  # ✅ echo

    await user.send(MOOD_AND_MORE[locale])
    went_well = await user.next_message()
    assert not one_of(went_well.text, shown("flow.tap_please", locale))
    assert one_of(went_well.text, shown("reflection.ask_went_well", locale))

    await user.tap(label("flow.done", locale))
    await user.next_message()
    await user.tap(label("flow.done", locale))
    outside = await user.next_message()
    assert one_of(outside.text, shown("reflection.ask_outside", locale))

    await user.send(OUTSIDE_GUESS[locale])
    heard = await user.next_message()
    # a guess that it was their age: acknowledged (not "Please tap"), kept, asked again
    assert not one_of(heard.text, shown("flow.tap_please", locale))
    assert one_of(heard.text, shown("listen.in_flow.kept", locale))
    assert one_of(heard.text, leads("reflection.ask_outside", locale))
    await user.tap(label("flow.done", locale))
    card = await user.next_message()
    assert OUTSIDE_GUESS[locale] in card.text  # their words on the summary card

    [record] = await debriefs(bot, user.id)
    assert (record.stage, record.mood) == ("first_interview", 2)
    assert record.completed_at is not None
    assert record.note is not None and OUTSIDE_GUESS[locale] in record.note


async def test_a_request_asked_for_after_news_is_offered_for_that_company(
    harness_any_db: BotHarness,
) -> None:
    """News told, no debrief finished, then "should I ask them why?" and [Draft a feedback
    request]: the request is offered for Brightwell (before: "Which company and role?", as if
    the bot had not just heard)."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("Brightwell Logistics turned me down after the second interview")
    await user.next_message()
    await user.send("should I ask them why? feels a bit desperate")
    answer = await user.next_message()
    assert label("listen.buttons.draft_feedback") in answer.button_labels()
    await user.tap(label("listen.buttons.draft_feedback"))
    which = await user.next_message()
    assert one_of(which.text, shown("feedback.ask_which"))
    assert which.button_labels() == ["Brightwell Logistics", label("feedback.another")]
    await user.tap("Brightwell Logistics")
    first = await user.next_message()
    assert not one_of(first.text, shown("feedback.ask_company"))
    [record] = await debriefs(bot, user.id)
    assert record.company == "Brightwell Logistics" and record.completed_at is None


MONEY = {
    "en": "bit flat. haven't heard anything and the bills are piling up",
    "de": "bin platt. nichts gehört und die Rechnungen stapeln sich",
    "es": "regular. no sé nada y no puedo pagar el alquiler",
    "ru": "так себе. тишина, а деньги заканчиваются",
}


@pytest.mark.parametrize("locale", sorted(MONEY))
async def test_a_check_in_answered_with_money_worries_is_a_low_mood_heard(
    harness_any_db: BotHarness, locale: str
) -> None:
    """Before: "I'm not sure I understood that" and a menu; "flat" named no mood and bills
    piling up were no feeling. Now the check-in keeps a low mood and answers it."""
    bot = harness_any_db
    await bot.start()
    user = await onboarded_at_checkin(bot, locale)
    await user.send(MONEY[locale])
    reply = await user.next_message()
    assert not one_of(reply.text, shown("listen.unsure", locale))
    async with bot.sessions() as session:
        moods = list((await session.execute(select(CheckIn.mood))).scalars())
    assert moods and moods[0] is not None and moods[0] <= 3
