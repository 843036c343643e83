"""What people type, round 5 (issue 16 QA, four languages): talk about rejection that is not
news ("reading a book about rejection", "my friend got rejected") starts no debrief; "tips for
the interview?" without a question word is the preparing answer; at the company question, "I
don't know" skips it, a faint "meh" is a feeling and a question is a question, none of them
stored as the company; words typed right after the check-in question ("meh", "no está mal",
"nicht so gut", "так себе") are its answer. Texts come from the content catalogue in the
person's language; what is stored is checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn
from tests.e2e.harness import BotHarness, label, leads, onboard, one_of, person_texts, seen, shown
from tests.e2e.listening_kit import (
    debriefs,
    onboarded,
    onboarded_at_checkin,
    onboarded_says,
    open_debrief,
)

# (locale, talk about rejection, someone else's no, tips asked without a question word)
NOT_NEWS = [
    (
        "en",
        "reading a book about rejection",
        "my friend got rejected from google",
        "any tips for a panel interview?",
    ),
    (
        "es",
        "leyendo un libro sobre el rechazo",
        "a mi amiga la rechazaron en bbva",
        "consejos para una entrevista en ingles?",
    ),
    (
        "de",
        "lese gerade ein Buch über Absagen",
        "mein Bruder hat eine Absage von SAP bekommen",
        "tipps fürs vorstellungsgespräch?",
    ),
    ("ru", "читаю книгу про отказы", "другу отказали в яндексе", "советы к собеседованию?"),
]


@pytest.mark.parametrize(("locale", "book", "friend", "tips"), NOT_NEWS)
async def test_talk_about_rejection_is_not_news_and_tips_are_a_question(
    bot: BotHarness, locale: str, book: str, friend: str, tips: str
) -> None:
    user = await onboard(bot, language_code=locale)
    for text in (book, friend):
        await user.send(text)
        reply = await user.next_message()
        assert one_of(reply.text, leads("listen.unsure", locale)), text
        assert label("listen.buttons.debrief_now", locale) not in reply.button_labels()
    assert await debriefs(bot, user.id) == []  # nothing prefilled from someone else's news

    await user.send(tips)
    answer = await user.next_message()
    assert one_of(answer.text, leads("listen.question.prepare", locale))


# (locale, "I don't know", a faint feeling, a question typed where a name is asked)
AT_THE_COMPANY_QUESTION = [
    ("en", "idk tbh", "meh", "what should i put here?"),
    ("es", "no me acuerdo", "meh", "qué pongo aquí?"),
    ("de", "keine Ahnung", "meh", "was soll ich hier schreiben?"),
    ("ru", "не помню", "мда", "а что сюда писать?"),
]


@pytest.mark.parametrize(("locale", "unknown", "faint", "asked"), AT_THE_COMPANY_QUESTION)
async def test_the_company_question_is_skipped_on_i_dont_know_and_never_stores_a_feeling(
    harness_any_db: BotHarness, locale: str, unknown: str, faint: str, asked: str
) -> None:
    bot = harness_any_db
    user = await onboarded(bot, locale)
    await open_debrief(user, locale)

    await user.send(faint)
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.venting.so_so", locale))
    assert one_of(again.text, leads("reflection.ask_company", locale))

    await user.send(asked)
    again = await user.next_message()
    assert one_of(again.text, leads("reflection.ask_company", locale))
    assert not one_of(again.text, leads("reflection.ask_stage", locale))

    await user.send(unknown)
    stage = await user.next_message()
    assert one_of(stage.text, shown("listen.in_flow.skipped", locale))
    assert label("reflection.stage.final_round", locale) in stage.button_labels()
    state = await bot.flow_state(user.id)
    assert state is not None and (state.flow, state.step) == ("rf", "stage")
    assert [record.company for record in await debriefs(bot, user.id)] in ([], [None])


async def checkin_moods(bot: BotHarness, user_id: int) -> list[int | None]:
    async with bot.sessions() as session:
        query = select(CheckIn.mood).where(CheckIn.user_id == user_id)
        return list((await session.execute(query)).scalars())


# (locale, words typed right after "how are you today?", the mood they give)
TYPED_MOODS = [
    ("en", "meh", 3),
    ("es", "no está mal", 4),
    ("de", "nicht so gut", 2),
    ("ru", "так себе", 3),
]


@pytest.mark.parametrize(("locale", "typed", "mood"), TYPED_MOODS)
async def test_words_typed_right_after_the_checkin_question_are_its_answer(
    harness_any_db: BotHarness, locale: str, typed: str, mood: int
) -> None:
    bot = harness_any_db
    user = await onboarded_at_checkin(bot, locale)
    await user.send(typed)
    taken = await user.next_message()
    face = label(f"checkin.mood.{mood}", locale)
    assert one_of(taken.text, shown("checkin.typed_mood", locale, face=face))
    assert label("listen.buttons.check_in", locale) not in taken.button_labels()  # not re-offered
    await bot.settle()
    assert await checkin_moods(bot, user.id) == [mood]

    await user.send(typed)  # answered: the same words now are just words again
    again = await user.next_message()
    assert not one_of(again.text, shown("checkin.typed_mood", locale, face=face))
    assert await checkin_moods(bot, user.id) == [mood]


async def test_news_typed_after_the_checkin_question_is_news_not_a_mood(bot: BotHarness) -> None:
    user = await onboarded_at_checkin(bot)
    await user.send("ugh google said no")
    reply = await user.next_message()
    assert label("listen.buttons.debrief_now") in reply.button_labels()
    await user.send("not great tbh")  # the question still waits: this is its answer
    taken = await user.next_message()
    assert one_of(taken.text, shown("checkin.typed_mood", face=label("checkin.mood.2")))
    await bot.settle()
    assert await checkin_moods(bot, user.id) == [2]


async def test_a_no_from_a_dream_job_is_no_offer_and_ukrainian_is_not_answered_in_russian(
    bot: BotHarness,
) -> None:
    user, reply = await onboarded_says(
        bot, "rejected from my dream job. i dont even know what to do now"
    )
    assert label("listen.buttons.debrief_now") in reply.button_labels()
    assert label("listen.buttons.log_it") not in reply.button_labels()  # never "🎉 An offer!"

    await user.send("я так втомився")  # Ukrainian the model takes for Russian
    tired = await user.next_message()
    assert one_of(tired.text, shown("listen.venting.exhausted", "en"))  # no Ukrainian content yet
    assert not one_of(tired.text, shown("listen.unsure", "ru"))


# (locale, the stage typed instead of tapped, the mood typed instead of tapped, stored mood)
TYPED_TAPS = [
    ("en", "final round", "not great", 2),
    ("es", "la final", "fatal", 1),
    ("de", "Telefoninterview", "geht so", 3),
    ("ru", "финал", "неплохо", 4),
]


@pytest.mark.parametrize(("locale", "stage", "mood_words", "mood"), TYPED_TAPS)
async def test_a_stage_and_a_mood_typed_at_the_debrief_are_taken_as_the_buttons_they_name(
    harness_any_db: BotHarness, locale: str, stage: str, mood_words: str, mood: int
) -> None:
    bot = harness_any_db
    user = await onboarded(bot, locale)
    await open_debrief(user, locale)
    await user.send("Acme")
    await user.next_message()
    await user.send(stage)
    asked = await user.next_message()
    assert one_of(asked.text, leads("reflection.ask_mood", locale))  # not "tap a button"
    expected = {"en": "final_round", "es": "final_round", "de": "phone_screen", "ru": "final_round"}
    # The person sees which button the words were taken as, before the next question.
    taken = label(f"reflection.stage.{expected[locale]}", locale)
    assert asked.text.startswith(seen(person_texts(user)("flow.typed_pick", option=taken)))
    await user.send(mood_words)
    await bot.settle()
    assert user.last_message is not None
    assert one_of(user.last_message.text, leads("reflection.ask_went_well", locale))
    assert label(f"reflection.mood.{mood}", locale) in user.last_message.text
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.stage, record.mood) == ("Acme", expected[locale], mood)


# (locale, "they want to move forward", nobody replies, hopeful today)
MOVING_ON = [
    (
        "en",
        "recruiter called, they want to move forward!!",
        "nobody ever replies",
        "feeling kinda hopeful today",
    ),
    (
        "es",
        "me llamó la recruiter, quieren seguir!!",
        "nadie contesta nunca",
        "hoy me siento con esperanza",
    ),
    (
        "de",
        "recruiterin hat angerufen, die wollen weitermachen!!",
        "keiner antwortet je",
        "heute bin ich hoffnungsvoll",
    ),
    ("ru", "рекрутер позвонил, хотят дальше!!", "никто не отвечает", "сегодня есть надежда"),
]


@pytest.mark.parametrize(("locale", "forward", "silence", "hopeful"), MOVING_ON)
async def test_moving_forward_silence_and_hope_are_read_in_every_language(
    bot: BotHarness, locale: str, forward: str, silence: str, hopeful: str
) -> None:
    user = await onboard(bot, language_code=locale)
    for good in (forward, hopeful):
        await user.send(good)
        reply = await user.next_message()
        assert label("listen.buttons.log_it", locale) in reply.button_labels(), good
    await user.send(silence)
    fed_up = await user.next_message()
    assert one_of(fed_up.text, shown("listen.venting.frustrated", locale))
    assert await debriefs(bot, user.id) == []
