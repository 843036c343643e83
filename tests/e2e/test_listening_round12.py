"""What people type, round 12 (issue 16, listen12): no one to practise with is a need met with
how to practise alone; "what do I do now?" right after good news asks what comes after that
news, not after a no; what went well, typed at the debrief's question ("we really clicked"), is
ticked there; the set-up summary names the place as people say it, not "(Europe/London)"; a
debrief on a mood of 1-2 ends with rest instead of steps, which come back when the mood lifts.
What the person sees and what is stored are both checked, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import PlanAction, Rejection, Win
from bot.services import checkins
from tests.e2e.harness import (
    CONTENT,
    BotHarness,
    begin_onboarding,
    label,
    leads,
    onboard,
    one_of,
    seen,
    shown,
    tap_keys,
)
from tests.e2e.listening_kit import debriefs, open_debrief


async def wins(bot: BotHarness, user_id: int) -> list[str]:
    async with bot.sessions() as session:
        query = select(Win.kind).where(Win.user_id == user_id).order_by(Win.id)
        return list((await session.execute(query)).scalars())


async def steps(bot: BotHarness, user_id: int) -> list[str]:
    async with bot.sessions() as session:
        query = select(PlanAction.status).where(PlanAction.user_id == user_id)
        return list((await session.execute(query)).scalars())


# (locale, no one to practise with, in their words)
NO_ONE_TO_PRACTISE_WITH = [
    ("en", "i don't really have anyone who could do a mock interview with me"),
    ("de", "ich habe niemanden, mit dem ich ein Probeinterview üben kann"),
    ("es", "no tengo a nadie con quien practicar la entrevista"),
    ("ru", "мне не с кем порепетировать собеседование"),
]


@pytest.mark.parametrize(("locale", "text"), NO_ONE_TO_PRACTISE_WITH)
async def test_no_one_to_practise_with_is_met_with_how_to_practise_alone(
    harness_any_db: BotHarness, locale: str, text: str
) -> None:
    """It was "I'm not sure I understood that": a need, answered with practising out loud,
    answers rather than a script, and the preparation actions."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await user.send(text)
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.question.practice", locale)), reply.text
    assert not one_of(reply.text, leads("listen.unsure", locale))
    assert reply.button_labels() == [
        label("listen.buttons.match", locale),
        label("listen.buttons.plan", locale),
    ]


# (locale, good news, what comes after it, "what now?")
GOOD_NEWS_THEN_WHAT_NOW = [
    ("en", "I got an offer!!!", "offer", "what do I do now?"),
    ("en", "I got through to the next round!", "next_round", "ok so what now"),
    ("es", "¡Me han hecho una oferta!", "offer", "¿y ahora qué hago?"),
    ("de", "Ich bin in der nächsten Runde!", "next_round", "und was mache ich jetzt?"),
    ("ru", "Мне сделали оффер!", "offer", "и что мне теперь делать?"),
]


@pytest.mark.parametrize(("locale", "news", "topic", "what_now"), GOOD_NEWS_THEN_WHAT_NOW)
async def test_what_now_right_after_good_news_is_about_that_news(
    harness_any_db: BotHarness, locale: str, news: str, topic: str, what_now: str
) -> None:
    """It got the after-a-no answer ("take a breath; it's normal to feel flat")."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await user.send(news)
    await user.next_message()
    await user.send(what_now)
    reply = await user.next_message()
    assert one_of(reply.text, shown(f"listen.question.after_good.{topic}", locale)), reply.text
    assert not one_of(reply.text, shown("listen.question.after_no", locale))
    log_it = label("listen.buttons.log_it", locale)
    expected = [log_it] if topic == "offer" else [label("listen.buttons.prepare", locale), log_it]
    assert reply.button_labels() == expected
    await user.tap(log_it, message=reply)
    logged = await user.next_message()
    assert one_of(logged.text, shown(f"listen.win_logged.{topic}", locale)), logged.text
    assert await wins(bot, user.id) == [topic]


async def test_what_now_after_logging_the_win_offers_no_second_win(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("I got an offer!!!")
    offer = await user.next_message()
    await user.tap(label("listen.buttons.log_it"), message=offer)
    await user.next_message()
    await user.send("what do I do now?")
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.question.after_good.offer")), reply.text
    assert reply.button_labels() == []  # logged already: nothing to log twice
    assert await wins(bot, user.id) == ["offer"]


async def test_what_now_after_a_no_is_still_the_after_a_no_answer(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("they rejected me")
    await user.next_message()
    await user.send("what do I do now?")
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.question.after_no")), reply.text


async def at_went_well(bot: BotHarness, user: object, locale: str = "en", mood: str = "🙂 4"):
    from bot.emulator import SimUser

    assert isinstance(user, SimUser)
    await open_debrief(user, locale)
    await user.send("Acme")
    await bot.settle()
    await tap_keys(bot, user, locale, "reflection.stage.final_round")
    await user.tap(mood)
    await bot.settle()


# (locale, typed at "What went well?", the options ticked, kept as a note too)
WENT_WELL_TYPED = [
    ("en", "the rapport was good", ["rapport"], False),
    ("en", "we really clicked", ["rapport"], False),
    (
        "en",
        "we really clicked and my examples landed, the CTO even asked to see my old side project",
        ["rapport", "examples"],
        True,
    ),
    ("es", "nos caímos muy bien y me mantuve tranquila", ["rapport", "calm"], False),
    (
        "de",
        "die Chemie hat gestimmt und ich war gut vorbereitet",
        ["rapport", "preparation"],
        False,
    ),
    ("ru", "нашли общий язык, я не нервничал", ["rapport", "calm"], False),
]


@pytest.mark.parametrize(("locale", "text", "ticked", "noted"), WENT_WELL_TYPED)
async def test_what_went_well_typed_is_ticked(
    harness_any_db: BotHarness, locale: str, text: str, ticked: list[str], noted: bool
) -> None:
    """It was kept as a note only ("Noted ✅"), the options left unticked."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await at_went_well(bot, user, locale)
    await user.send(text)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    texts = CONTENT.texts(locale)
    names = [texts(f"reflection.went_well.{v}") for v in ticked]
    key = "listen.in_flow.options_ticked_noted" if noted else "listen.in_flow.options_ticked"
    assert seen(texts(key, options=", ".join(names))) in reply.text, reply.text
    assert seen(texts("reflection.ask_went_well")).split("\n")[0] in reply.text
    for name in names:  # shown ticked on the question asked again
        assert any(name in b and b != name for b in reply.button_labels()), reply.button_labels()
    await tap_keys(bot, user, locale, "flow.done", "flow.done", "flow.done")
    [record] = await debriefs(bot, user.id)
    assert record.went_well == ticked
    assert (record.went_well_note == text) is noted


async def test_a_feeling_at_what_went_well_is_acknowledged_not_ticked(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await at_went_well(bot, user)
    await user.send("honestly nothing, I feel like such a failure")
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert not one_of(reply.text, leads("listen.in_flow.options_ticked"))
    await tap_keys(bot, user, "en", "flow.done", "flow.done", "flow.done")
    [record] = await debriefs(bot, user.id)
    assert record.went_well == []


# (locale, the place typed, what the summary says in brackets)
PLACES = [
    ("en", "Manchester", "UK time, UTC+00:00"),
    ("de", "Berlin", "Berlin, UTC+01:00"),
    ("es", "Madrid", "Madrid, UTC+01:00"),
    ("ru", "UTC+3", "UTC+03:00"),
]


@pytest.mark.parametrize(("locale", "place", "said"), PLACES)
async def test_the_set_up_summary_names_the_place_as_people_say_it(
    harness_any_db: BotHarness, locale: str, place: str, said: str
) -> None:
    """It ended "(Europe/London)"."""
    bot = harness_any_db
    await bot.start()
    user = await begin_onboarding(bot, language_code=locale)
    await user.send(place)
    await user.next_message()
    await user.tap("09:00")
    await user.next_message()
    await tap_keys(bot, user, locale, "onboarding.frequency.daily")
    done = user.last_message
    assert done is not None
    assert f"({said})" in done.text, done.text
    assert "Europe/" not in done.text


async def test_a_debrief_on_a_low_mood_ends_with_rest_and_the_steps_wait(
    harness_any_db: BotHarness,
) -> None:
    """Mood 1 ("fatal la verdad") still ended with two next steps added to the plan."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await at_went_well(bot, user, mood="😣 1")
    await tap_keys(bot, user, "en", "flow.done")
    await tap_keys(bot, user, "en", "reflection.reason.examples", "flow.done", "flow.done")
    card = next(m for m in reversed(user.messages) if m.text.startswith("📝"))
    assert one_of(card.text, leads("reflection.low_ending")), card.text
    assert "Next steps" not in card.text
    assert await steps(bot, user.id) and set(await steps(bot, user.id)) == {checkins.RESTING}
    await user.send("/plan")
    await bot.settle()
    plan = user.last_message
    assert plan is not None and one_of(plan.text, leads("plan.empty")), plan.text

    await user.send("/checkin")  # the mood lifts: the steps come back
    await bot.settle()
    prompt = user.last_message
    assert prompt is not None
    await user.tap("🙂", message=prompt)
    await bot.settle()
    assert set(await steps(bot, user.id)) == {"open"}


async def test_a_debrief_on_a_good_mood_still_adds_its_steps(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await at_went_well(bot, user, mood="🙂 4")
    await tap_keys(bot, user, "en", "flow.done")
    await tap_keys(bot, user, "en", "reflection.reason.examples", "flow.done", "flow.done")
    card = next(m for m in reversed(user.messages) if m.text.startswith("📝"))
    assert "Next steps" in card.text
    assert set(await steps(bot, user.id)) == {"open"}
    records: list[Rejection] = await debriefs(bot, user.id)
    assert records[0].mood == 4


# (Telegram language, a yes typed at "Shall we set up?", "how often?" typed, the language the
# set-up goes on in: "sí, vale" is plainly Spanish, which chooses it (listen13); "dale" and
# "ok" are too short to tell)
TYPED_IN_ANOTHER_LANGUAGE = [
    ("en", "sí, vale", "cada día", "es"),
    ("en", "dale", "entre semana", "en"),
    ("de", "ok", "каждый день", "de"),
]


@pytest.mark.parametrize(("app", "yes", "often", "locale"), TYPED_IN_ANOTHER_LANGUAGE)
async def test_set_up_answered_in_words_of_another_language(
    harness_any_db: BotHarness, app: str, yes: str, often: str, locale: str
) -> None:
    """A Spanish speaker whose Telegram is in English answered "sí, vale" and got "Please tap
    one of the buttons on the question above." four times (listen12's demo run): a word or two
    is too short to tell its language, so every language's yes is read; where the words are
    plainly one of our languages, the set-up goes on in it."""
    bot = harness_any_db
    await bot.start()
    user = bot.user(language_code=app)
    await user.send("/start")
    await user.next_message()
    await user.send(yes)
    ask_zone = await user.next_message()
    texts = CONTENT.texts(locale)
    assert seen(texts("onboarding.ask_timezone")) in ask_zone.text, ask_zone.text
    if locale != app:  # the line saying so, with the way back
        switched = await user.next_message()
        assert one_of(switched.text, shown("listen.language_switched", locale)), switched.text
    await user.send("Madrid")
    await user.next_message()
    await user.tap("09:00")
    await user.next_message()
    await user.send(often)
    await bot.settle()
    done = user.last_message
    assert done is not None
    assert one_of(done.text, leads("onboarding.done", locale)), done.text


# (Telegram language, a yes typed under /reflect's "Shall we take 2 minutes?")
YES_TO_THE_OPENER = [("en", "yes"), ("en", "давай"), ("es", "vale, vamos"), ("de", "ja")]


@pytest.mark.parametrize(("locale", "yes"), YES_TO_THE_OPENER)
async def test_a_yes_typed_under_reflect_starts_the_debrief(
    harness_any_db: BotHarness, locale: str, yes: str
) -> None:
    """A typed "давай" under /reflect's [Let's do it] / [Not now] got "I'm not sure I understood
    that" with a menu (listen12's demo run as a Russian speaker); now it is the tap."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await user.send("/reflect")
    await user.next_message()
    await user.send(yes)
    await bot.settle()
    asked = user.last_message
    assert asked is not None
    assert seen(CONTENT.texts(locale)("reflection.ask_company")) in asked.text, asked.text


async def test_not_now_typed_under_reflect_is_the_not_now(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("/reflect")
    await user.next_message()
    await user.send("not now")
    reply = await user.next_message()
    assert one_of(reply.text, leads("reflection.not_now_with_time")), reply.text
    assert await debriefs(bot, user.id) == []


# (locale, Done typed on each of the debrief's three multi-select questions)
DONE_TYPED = [
    ("en", ("done", "that's it", "Done")),
    ("es", ("listo", "ya está", "siguiente")),
    ("de", ("fertig", "weiter", "das war's")),
    ("ru", ("готово", "дальше", "всё")),
]


@pytest.mark.parametrize(("locale", "said"), DONE_TYPED)
async def test_done_typed_on_a_multi_select_question_is_the_done_button(
    harness_any_db: BotHarness, locale: str, said: tuple[str, str, str]
) -> None:
    """'done' typed at "What went well?" got "Noted ✅ Add more, or tap Done" and was kept as a
    note saying "done", four times over (listen12's demo run): the debrief never ended."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await at_went_well(bot, user, locale)
    for words in said:
        await user.send(words)
        await bot.settle()
    card = next(m for m in reversed(user.messages) if m.text.startswith("📝"))
    assert card.text
    [record] = await debriefs(bot, user.id)
    assert record.completed_at is not None
    assert record.went_well_note is None and record.reasons_note is None and record.note is None
