"""What people type, round 8 (issue 16, the lead's demo run): whom a feedback request goes to
typed instead of tapped picks that option ("the hiring manager, her name is Julia Becker" is the
interviewer); the evening check-in answered with a feeling and applications sent is taken as a
mood; on the debrief's "what would you do differently?" step, words about what happened in the
interview ("I froze when they asked about salary") get the plain note acknowledgement, not the
self-worth line. Texts come from the content catalogue in the person's language; what is stored
is checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn, FeedbackRequest
from bot.emulator import SimUser
from tests.e2e.harness import BotHarness, label, leads, one_of, seen, shown, tap_keys
from tests.e2e.listening_kit import (
    at_whom_to_write,
    onboarded,
    onboarded_at_checkin,
    onboarded_says,
    open_debrief,
)

# (locale, whom the request goes to in words, the option it names)
RECIPIENTS = [
    ("en", "the hiring manager", "interviewer"),  # with a name: test_listening_lead13
    ("en", "the team lead", "interviewer"),
    ("en", "talent team", "hr"),
    ("en", "a headhunter", "agency"),
    ("es", "al reclutador", "hr"),
    ("es", "la agencia", "agency"),
    ("de", "dem Teamleiter", "interviewer"),
    ("de", "Personalabteilung", "hr"),
    ("ru", "эйчару", "hr"),
    ("ru", "хедхантеру", "agency"),
]


async def requests(bot: BotHarness, user_id: int) -> list[FeedbackRequest]:
    async with bot.sessions() as session:
        query = select(FeedbackRequest).where(FeedbackRequest.user_id == user_id)
        return list((await session.execute(query)).scalars())


@pytest.mark.parametrize(("locale", "typed", "recipient"), RECIPIENTS)
async def test_whom_the_request_goes_to_typed_picks_that_option(
    harness_any_db: BotHarness, locale: str, typed: str, recipient: str
) -> None:
    bot = harness_any_db
    user = await onboarded(bot, locale)
    asked = await at_whom_to_write(bot, user, locale)
    assert one_of(asked.text, leads("feedback.ask_recipient", locale)), asked.text

    await user.send(typed)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert seen(label("flow.tap_please", locale)) not in reply.text
    assert one_of(reply.text, leads("feedback.ask_their_name", locale)), reply.text

    await user.send("Julia Becker")
    await bot.settle()
    await user.send("Alex Kim")
    await bot.settle()
    await tap_keys(bot, user, locale, "feedback.channel.email", "feedback.tone.formal")
    [request] = await requests(bot, user.id)
    assert request.recipient == recipient


async def test_a_company_typed_at_whom_is_still_asked_to_tap(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    user = await onboarded(bot)
    await at_whom_to_write(bot, user)
    await user.send("Julia Becker")
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert one_of(reply.text, shown("flow.tap_please")), reply.text


async def checkin_moods(bot: BotHarness, user_id: int) -> list[int | None]:
    async with bot.sessions() as session:
        query = select(CheckIn.mood).where(CheckIn.user_id == user_id)
        return list((await session.execute(query)).scalars())


async def test_a_feeling_then_applications_at_the_checkin_is_taken_as_the_mood(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await onboarded_at_checkin(bot)
    await user.send("honestly still a bit raw about zalando but I applied to two more places today")
    taken = await user.next_message()
    assert one_of(taken.text, shown("checkin.typed_mood", face=label("checkin.mood.2"))), taken.text
    assert not one_of(taken.text, leads("listen.unsure"))
    await bot.settle()
    assert await checkin_moods(bot, user.id) == [2]


# (locale, what happened in the interview, typed at "what would you do differently?")
MOMENTS = [
    ("en", "I froze when they asked about salary expectations and my mind went blank"),
    ("en", "got nervous and couldn't answer the system design question"),
    ("es", "me quedé en blanco con la pregunta del sueldo"),
    ("ru", "я растерялась на вопросе про зарплату"),
]


async def at_differently(bot: BotHarness, locale: str) -> SimUser:
    user = await onboarded(bot, locale)
    await open_debrief(user, locale)
    await user.send("Acme, Designer")
    await bot.settle()
    await tap_keys(bot, user, locale, "reflection.stage.final_round", "flow.skip")
    asked = await tap_keys(bot, user, locale, "flow.done")
    assert one_of(asked.text, leads("reflection.ask_differently", locale)), asked.text
    return user


@pytest.mark.parametrize(("locale", "told"), MOMENTS)
async def test_an_interview_moment_at_differently_is_noted_as_an_answer(
    harness_any_db: BotHarness, locale: str, told: str
) -> None:
    bot = harness_any_db
    user = await at_differently(bot, locale)
    await user.send(told)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    # An answer: noted, or (since the lead's round 13) the options it names ticked too.
    answered = [
        *shown("flow.note_saved", locale),
        *leads("listen.in_flow.options_ticked", locale),
        *leads("listen.in_flow.options_ticked_noted", locale),
    ]
    assert one_of(reply.text, answered), reply.text
    for feeling in ("self_doubt", "anxious", "sad"):
        assert not one_of(reply.text, shown(f"listen.in_flow.noted_feeling.{feeling}", locale))


async def test_doubt_told_with_the_moment_still_gets_the_feeling_line(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await at_differently(bot, "en")
    await user.send("I froze, I feel like such an impostor")
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert one_of(reply.text, shown("listen.in_flow.noted_feeling.self_doubt")), reply.text


async def test_one_more_no_at_the_final_round_is_answered_as_both(
    harness_any_db: BotHarness,
) -> None:
    """ "they said no again after the final round": the reply speaks to the no's stacking up and
    to how close this one was, not to the last stage alone."""
    bot = harness_any_db
    _user, reply = await onboarded_says(bot, "they said no again after the final round")
    assert one_of(reply.text, shown("listen.rejection.late_again")), reply.text
    assert not one_of(reply.text, shown("listen.rejection.late_stage"))
    assert label("listen.buttons.debrief_now") in reply.button_labels()
