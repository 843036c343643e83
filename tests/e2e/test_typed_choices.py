"""Buttons answered in words (issue 16, the lead's demo run): "ok sure" at "Shall we set up?",
"every day is fine" at "How often?", "email please" and "keep it short" while drafting a
feedback request, "auf Deutsch bitte" in /settings. A typed answer that names one button is
taken as that tap; one that names two ("sure, later") or none is asked again, with nothing
stored. The same for the offer under a reply to typed words: "yeah let's do it" after rejection
news starts the debrief, "not now" is [Not now], "yes please" logs good news as a win, while it
is fresh (half an hour). Texts come from the content catalogue in the person's language."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn, FeedbackRequest, Win
from bot.emulator import SimUser
from tests.e2e.harness import (
    BotHarness,
    begin_onboarding,
    first_lines,
    label,
    leads,
    onboard,
    one_of,
    person_texts,
    seen,
    shown,
    tap_keys,
)
from tests.e2e.listening_kit import at_whom_to_write


async def at_time_question(bot: BotHarness, **kwargs: Any) -> SimUser:
    """A new person in Berlin, asked when to check in."""
    user = await begin_onboarding(bot, **kwargs)
    await user.send("Berlin")
    await user.next_message()
    return user


CONSENT = [
    ("en", "ok sure", True),
    ("en", "yes please!", True),
    ("en", "nah, maybe later", False),
    ("en", "ok, but not now", False),
    ("de", "ja gerne", True),
    ("de", "nicht jetzt", False),
    ("es", "sí, claro", True),
    ("es", "ahora no", False),
    ("ru", "да, давай", True),
    ("ru", "не сейчас", False),
]


@pytest.mark.parametrize(("locale", "typed", "agreed"), CONSENT)
async def test_a_typed_yes_or_no_answers_the_welcome(
    harness_any_db: BotHarness, locale: str, typed: str, agreed: bool
) -> None:
    bot = harness_any_db
    await bot.start()
    user = bot.user(language_code=locale)
    texts = person_texts(user)
    await user.send("/start")
    await user.next_message()
    await user.send(typed)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert seen(texts("flow.tap_please")) not in reply.text
    stored = await bot.stored_user(user.id)
    if agreed:
        assert seen(texts("onboarding.ask_timezone")) in reply.text
        assert stored is not None and stored.consented_at == bot.clock.now()
    else:
        assert seen(texts("onboarding.ask_timezone")) not in reply.text
        assert stored is None or stored.consented_at is None
        assert await bot.flow_state(user.id) is None


async def test_yes_and_no_in_one_answer_is_asked_again(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = bot.user()
    await user.send("/start")
    await user.next_message()
    await user.send("sure, later")
    await bot.settle()
    reply = user.last_message
    assert reply is not None and reply.text == seen(label("flow.tap_please"))
    stored = await bot.stored_user(user.id)
    assert stored is None or stored.consented_at is None
    # The welcome's buttons still work.
    await user.tap(label("onboarding.buttons.agree"))
    await bot.settle()
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.consented_at is not None


@pytest.mark.parametrize(
    ("locale", "typed", "frequency"),
    [
        ("en", "every day is fine", "daily"),
        ("en", "weekdays pls", "weekdays"),
        ("en", "mon-fri", "weekdays"),
        ("en", "none for now", "off"),
        ("de", "jeden Tag", "daily"),
        ("es", "entre semana", "weekdays"),
        ("ru", "по будням", "weekdays"),
    ],
)
async def test_how_often_in_words(
    harness_any_db: BotHarness, locale: str, typed: str, frequency: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await at_time_question(bot, language_code=locale)
    await user.tap("09:00")
    await user.next_message()
    await user.send(typed)
    await bot.settle()
    stored = await bot.stored_user(user.id)
    assert stored is not None
    assert stored.checkin_frequency == frequency
    assert stored.onboarded_at == bot.clock.now()


async def test_not_every_day_is_asked_again(bot: BotHarness) -> None:
    user = await at_time_question(bot)
    await user.tap("09:00")
    await user.next_message()
    await user.send("not every day")
    await bot.settle()
    reply = user.last_message
    assert reply is not None and reply.text == seen(label("flow.tap_please"))
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.onboarded_at is None


async def test_channel_and_tone_in_words(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await at_whom_to_write(bot, user)
    await tap_keys(bot, user, "en", "feedback.recipient.hr")
    await user.send("Maria")
    await bot.settle()
    await user.send("Alex Kim")
    await bot.settle()
    await user.send("linkedin I think")
    await bot.settle()
    asked = user.last_message
    assert asked is not None and one_of(asked.text, leads("feedback.ask_tone")), asked.text
    await user.send("keep it short")
    await bot.settle()
    async with bot.sessions() as session:
        query = select(FeedbackRequest).where(FeedbackRequest.user_id == user.id)
        [request] = (await session.execute(query)).scalars()
    assert (request.channel, request.tone) == ("linkedin", "brief")


# --- The offer under a reply, answered in words ------------------------------------------------


async def wins(bot: BotHarness, user_id: int) -> list[Win]:
    async with bot.sessions() as session:
        return list((await session.execute(select(Win).where(Win.user_id == user_id))).scalars())


@pytest.mark.parametrize(("locale", "yes"), [("en", "yeah let's do it"), ("de", "ja, gerne")])
async def test_yes_after_rejection_news_starts_the_debrief(
    harness_any_db: BotHarness, locale: str, yes: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    news = {"en": "got rejected by Monzo after the second round", "de": "Absage von Monzo bekommen"}
    await user.send(news[locale])
    await bot.settle()
    offer = user.last_message
    assert offer is not None
    assert label("listen.buttons.debrief_now", locale) in offer.button_labels()

    await user.send(yes)
    await bot.settle()
    state = await bot.flow_state(user.id)
    assert state is not None and state.flow == "rf"
    reply = user.last_message
    assert reply is not None and reply.buttons  # the debrief's next question, to tap
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.offer is None  # answered once


async def test_not_now_in_words_is_the_not_now_button(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("just got the rejection email from Stripe")
    await bot.settle()
    await user.send("not now")
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert one_of(reply.text, leads("reflection.not_now_with_time")), reply.text
    assert await bot.flow_state(user.id) is None


async def test_yes_and_no_thanks_to_logging_good_news(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("I got an offer!!!")
    await bot.settle()
    await user.send("yes please")
    await bot.settle()
    [win] = await wins(bot, user.id)
    assert win.kind == "offer"
    reply = user.last_message
    assert reply is not None and one_of(reply.text, shown("listen.win_logged.offer"))

    await user.send("they invited me to a second interview!")
    await bot.settle()
    await user.send("nah")
    await bot.settle()
    reply = user.last_message
    assert reply is not None and one_of(reply.text, shown("listen.offer_declined"))
    assert len(await wins(bot, user.id)) == 1


async def test_a_yes_long_after_the_offer_is_not_taken_as_one(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("I got an offer!!!")
    await bot.settle()
    bot.clock.advance(timedelta(minutes=45))
    await user.send("yes")
    await bot.settle()
    assert await wins(bot, user.id) == []
    reply = user.last_message
    assert reply is not None and not one_of(reply.text, shown("listen.win_logged.offer"))


async def test_yes_after_venting_is_not_an_offer_taken(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("this job hunt is wearing me down")
    await bot.settle()
    await user.send("yes")
    await bot.settle()
    assert await bot.flow_state(user.id) is None
    assert await wins(bot, user.id) == []


async def test_ok_thanks_after_an_offer_is_a_thank_you(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("I got an offer!!!")
    await bot.settle()
    await user.send("ok thanks")
    await bot.settle()
    assert await wins(bot, user.id) == []
    reply = user.last_message
    assert reply is not None and one_of(reply.text, shown("listen.greeting.thanks"))


@pytest.mark.parametrize(
    ("locale", "typed", "stored"),
    [
        ("en", "mornings are best", time(8, 0)),
        ("en", "in the evening please", time(19, 0)),
        ("en", "after work", time(18, 0)),
        ("de", "abends", time(19, 0)),
        ("ru", "утром", time(8, 0)),
    ],
)
async def test_a_part_of_the_day_is_a_check_in_time_the_person_sees(
    harness_any_db: BotHarness, locale: str, typed: str, stored: time
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await at_time_question(bot, language_code=locale)
    await user.send(typed)
    await bot.settle()
    row = await bot.stored_user(user.id)
    assert row is not None and row.checkin_time == stored
    await user.tap(label("onboarding.frequency.daily", locale))
    await bot.settle()
    done = user.last_message
    assert done is not None and stored.strftime("%H:%M") in done.text  # what was chosen


async def test_a_night_is_no_check_in_time(bot: BotHarness) -> None:
    user = await at_time_question(bot)
    await user.send("at night")
    await bot.settle()
    reply = user.last_message
    assert reply is not None and one_of(reply.text, leads("onboarding.ask_time")), reply.text
    row = await bot.stored_user(user.id)
    assert row is not None and row.checkin_time is None


async def test_they_replied_offers_to_log_what_they_said(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("so I sent the feedback email to Monzo and they actually replied")
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert reply.button_labels() == [
        label("listen.buttons.log_feedback"),
        label("listen.buttons.log_it"),
    ]
    await user.send("yes")
    await bot.settle()
    asked = user.last_message
    assert asked is not None and one_of(asked.text, leads("feedback.ask_log")), asked.text
    state = await bot.flow_state(user.id)
    assert state is not None and state.step == "reply"


@pytest.mark.parametrize(
    ("typed", "mood"),
    [
        ("kinda meh, didn't sleep well but I did prep for Thursday's interview", 3),
        ("ugh. long day, recruiters ghosting me again and I'm just so fed up with all of it", 2),
    ],
)
async def test_a_feeling_told_at_the_checkin_is_its_mood(
    harness_any_db: BotHarness, typed: str, mood: int
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("/checkin")
    await user.next_message()
    await user.send(typed)
    taken = await user.next_message()
    face = label(f"checkin.mood.{mood}")
    assert one_of(taken.text, shown("checkin.typed_mood", face=face)), taken.text
    await bot.settle()
    async with bot.sessions() as session:
        query = select(CheckIn.mood).where(CheckIn.user_id == user.id)
        assert list((await session.execute(query)).scalars()) == [mood]


async def test_yes_in_the_language_the_offer_was_made_in(harness_any_db: BotHarness) -> None:
    """Telegram in English, news told in German and answered in German: "ja, lass uns" too."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("Hab heute wieder eine Absage bekommen, von Zalando")
    await bot.settle()
    # The offer, then the line saying German is kept from now on (listen13: first words).
    offer, switched = user.messages[-2:]
    assert label("listen.buttons.debrief_now", "de") in offer.button_labels()
    assert one_of(switched.text, shown("listen.language_switched", "de")), switched.text
    await user.send("ja, lass uns")
    await bot.settle()
    state = await bot.flow_state(user.id)
    assert state is not None and state.flow == "rf"


async def test_later_in_the_offers_language_is_answered_in_it(harness_any_db: BotHarness) -> None:
    """Telegram in English, news told in Spanish, "más tarde": the answer in Spanish."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("me acaban de rechazar de Mercado Libre, estoy fatal")
    await bot.settle()
    await user.send("más tarde")
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert one_of(reply.text, leads("reflection.not_now_with_time", "es")), reply.text
    assert await bot.flow_state(user.id) is None


WELCOME_NEWS = [
    ("en", "just got rejected by Stripe, not in the mood for setup", "listen.buttons.set_up_now"),
    ("en", "not now, can we just talk about the rejection?", "listen.buttons.set_up"),
    ("en", "i want to talk about what happened", "listen.buttons.set_up"),
    ("de", "können wir erst über die Absage reden?", "listen.buttons.set_up"),
    ("es", "quiero hablar del rechazo primero", "listen.buttons.set_up"),
    ("ru", "давай сначала поговорим об отказе", "listen.buttons.set_up"),
]


@pytest.mark.parametrize(("locale", "typed", "button"), WELCOME_NEWS)
async def test_news_or_a_wish_to_talk_at_the_welcome_is_answered_not_asked_again(
    harness_any_db: BotHarness, locale: str, typed: str, button: str
) -> None:
    """ "Shall we set up?" answered with a no just heard, or a wish to talk about it (the lead's
    demo run: "Please tap one of the buttons", or a debrief's aside "looking back while it's
    fresh" and the welcome again): the words are answered as outside any flow, the welcome's
    buttons go, and nothing is stored but that the person came."""
    bot = harness_any_db
    await bot.start()
    user = bot.user(language_code=locale)
    texts = person_texts(user)
    await user.send("/start")
    welcome = await user.next_message()
    assert welcome.buttons
    await user.send(typed)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert seen(texts("flow.tap_please")) not in reply.text
    assert not one_of(reply.text, first_lines("onboarding.welcome", locale)), reply.text
    assert label(button, locale) in reply.button_labels()
    assert await bot.flow_state(user.id) is None
    stored = await bot.stored_user(user.id)
    assert stored is None or stored.consented_at is None
    shown_now = {m.message_id: m for m in user.messages}
    assert not shown_now[welcome.message_id].buttons  # the welcome asks no more

    # Set-up is a tap away, and goes as it always does.
    await user.tap(label(button, locale))
    await bot.settle()
    assert user.last_message is not None and user.last_message.buttons
