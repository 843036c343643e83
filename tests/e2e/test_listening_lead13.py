"""What a graduate in Toronto typed while driving the demo (issue 16, session of 2026-12-08):
what they would do differently, typed at that question ("the conflict question. i didnt have a
good story ready"), is ticked there as "What went well?" already was, instead of "Noted ✅" with
every option left open. What the person sees and what is stored are both checked, on both
databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn, FlowState, Win
from tests.e2e.harness import (
    CONTENT,
    BotHarness,
    label,
    leads,
    onboard,
    one_of,
    seen,
    shown,
    tap_keys,
)
from tests.e2e.listening_kit import (
    at_whom_to_write,
    debrief_open_at,
    debriefs,
    onboarded_at_checkin,
    onboarded_says,
)

# (locale, typed at "What would you do differently?", the options ticked, kept as a note too)
DIFFERENTLY_TYPED = [
    (
        "en",
        "the conflict question. i didnt have a good story ready",
        ["off_guard", "examples"],
        False,
    ),
    ("en", "honestly i was so nervous", ["nerves"], False),
    ("en", "should have researched the company more", ["research"], False),
    (
        "en",
        "my sql was rusty, I'd spend the weekend on joins and window functions before the next one",
        ["tech_depth"],
        True,
    ),
    (
        "de",
        "die Konfliktfrage hat mich kalt erwischt, war total nervös",
        ["off_guard", "nerves"],
        True,
    ),
    ("es", "me quedé en blanco con una pregunta difícil", ["off_guard"], False),
    (
        "ru",
        "растерялся на вопросе про конфликт и не было хороших примеров",
        ["off_guard", "examples"],
        False,
    ),
]


@pytest.mark.parametrize(("locale", "text", "ticked", "noted"), DIFFERENTLY_TYPED)
async def test_what_to_do_differently_typed_is_ticked(
    harness_any_db: BotHarness, locale: str, text: str, ticked: list[str], noted: bool
) -> None:
    """It was "Noted ✅ Add more, or tap Done", every option left unticked."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await debrief_open_at(bot, user, "differently", locale)
    await user.send(text)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    texts = CONTENT.texts(locale)
    names = [texts(f"reflection.reason.{v}") for v in ticked]
    key = "listen.in_flow.options_ticked_noted" if noted else "listen.in_flow.options_ticked"
    assert seen(texts(key, options=", ".join(names))) in reply.text, reply.text
    assert seen(texts("reflection.ask_differently")).split("\n")[0] in reply.text
    for name in names:  # shown ticked on the question asked again
        assert any(name in b and b != name for b in reply.button_labels()), reply.button_labels()
    await tap_keys(bot, user, locale, "flow.done", "flow.done")
    [record] = await debriefs(bot, user.id)
    assert record.reasons == ticked
    assert (record.reasons_note == text) is noted


async def test_a_feeling_at_what_to_do_differently_is_not_ticked(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await debrief_open_at(bot, user, "differently")
    await user.send("everything. I feel like such a failure")
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert not one_of(reply.text, leads("listen.in_flow.options_ticked"))
    await tap_keys(bot, user, "en", "flow.done", "flow.done")
    [record] = await debriefs(bot, user.id)
    assert record.reasons == []


# (locale, a check-in answered with a better and a low day in one message)
MIXED_DAY = {
    "en": "better than yesterday. still kinda sad but i went for a run",
    "de": "besser als gestern, aber immer noch traurig",
    "es": "mejor que ayer, pero sigo triste",
    "ru": "лучше, чем вчера, но всё ещё грустно",
}


@pytest.mark.parametrize("locale", sorted(MIXED_DAY))
async def test_a_check_in_naming_a_better_and_a_sad_day_is_a_middling_one(
    harness_any_db: BotHarness, locale: str
) -> None:
    """It was taken as 🙂 4 ("better" was the longest word), then "Days like this suit one of
    the trickier tasks" to someone who had just said they were still sad."""
    bot = harness_any_db
    await bot.start()
    user = await onboarded_at_checkin(bot, locale)
    await user.send(MIXED_DAY[locale])
    reply = await user.next_message()
    assert one_of(reply.text, shown("checkin.typed_mood", locale, face="😐")), reply.text
    async with bot.sessions() as session:
        moods = list((await session.execute(select(CheckIn.mood))).scalars())
    assert moods == [3]


# (locale, an interview invitation told as what they want)
INVITED = {
    "en": "omg shopify just emailed, they want to do a phone screen next week!!",
    "de": "Zalando will ein Telefoninterview mit mir machen!",
    "es": "¡quieren hacerme una entrevista la semana que viene!",
    "ru": "хотят провести со мной собеседование на следующей неделе!",
}


@pytest.mark.parametrize("locale", sorted(INVITED))
async def test_an_invitation_told_as_what_they_want_is_celebrated(
    harness_any_db: BotHarness, locale: str
) -> None:
    """It was "I may have missed what you meant" with a menu: "they want to do a phone
    screen" named no news."""
    _, reply = await onboarded_says(harness_any_db, INVITED[locale], locale)
    assert one_of(reply.text, shown("listen.good_news.interview", locale)), reply.text


# (locale, a question about one interview question, the topic answered)
INTERVIEW_QUESTIONS = [
    ("en", "can you help me prepare? i always freeze on the tell me about yourself thing", "intro"),
    ("en", "what should I say for my biggest weakness?", "weakness"),
    ("en", "any tips for salary negotiation?", "salary"),
    ("en", "they will ask why I was laid off, what do I say", "gap"),
    ("de", "wie beantworte ich die Frage nach meiner größten Schwäche?", "weakness"),
    ("de", "wie erkläre ich die Lücke im Lebenslauf?", "gap"),
    ("es", "¿cómo respondo a háblame de ti?", "intro"),
    ("es", "¿cuánto pido de salario?", "salary"),
    ("ru", "как отвечать на «расскажите о себе»?", "intro"),
    ("ru", "как объяснить перерыв в резюме?", "gap"),
]


@pytest.mark.parametrize(("locale", "text", "topic"), INTERVIEW_QUESTIONS)
async def test_a_question_about_one_interview_question_gets_the_answer_to_it(
    harness_any_db: BotHarness, locale: str, text: str, topic: str
) -> None:
    """It was the general "research the company, practise out loud" for any of them."""
    _, reply = await onboarded_says(harness_any_db, text, locale)
    assert one_of(reply.text, shown(f"listen.question.{topic}", locale)), reply.text
    assert not one_of(reply.text, shown("listen.question.prepare", locale))
    assert label("listen.buttons.match", locale) in reply.button_labels()


# (locale, preparation done, told)
PRACTISED = {
    "en": "i wrote out a STAR story for the conflict question today!",
    "de": "habe heute meine Antworten geübt",
    "es": "hoy preparé dos historias STAR",
    "ru": "сегодня отрепетировал самопрезентацию",
}


@pytest.mark.parametrize("locale", sorted(PRACTISED))
async def test_preparation_done_is_cheered_as_preparation_and_can_be_a_win(
    harness_any_db: BotHarness, locale: str
) -> None:
    """It was "I want to get this right, and I'm not sure I did" and a menu."""
    bot = harness_any_db
    user, reply = await onboarded_says(bot, PRACTISED[locale], locale)
    assert one_of(reply.text, shown("listen.good_news.practised", locale)), reply.text
    await user.tap(label("listen.buttons.log_it", locale), message=reply)
    logged = await user.next_message()
    assert one_of(logged.text, shown("listen.win_logged.practised", locale)), logged.text
    async with bot.sessions() as session:
        kinds = list((await session.execute(select(Win.kind))).scalars())
    assert kinds == ["practised"]


# (locale, what they typed, the question topic answered)
SEARCH_WORRIES = [
    ("en", "no news today", "silence"),
    ("en", "i think i need to change careers honestly", "career_change"),
    ("en", "maybe i should just give up on data analytics", "career_change"),
    ("en", "should i apply to the same company again", "reapply"),
    ("en", "everyone says just network but i dont know anyone", "network"),
    ("de", "vielleicht sollte ich die Branche wechseln", "career_change"),
    ("de", "ich kenne niemanden in der Branche", "network"),
    ("es", "¿vuelvo a postularme a la misma empresa?", "reapply"),
    ("es", "creo que voy a cambiar de sector", "career_change"),
    ("ru", "рекрутер так и не ответил", "silence"),
    ("ru", "я никого не знаю в айти", "network"),
    ("en", "i dont know what else to do", "after_no"),
    ("de", "ich weiß nicht, was ich noch machen soll", "after_no"),
    ("es", "no sé qué más hacer", "after_no"),
    ("ru", "не знаю, что делать дальше", "after_no"),
]


@pytest.mark.parametrize(("locale", "text", "topic"), SEARCH_WORRIES)
async def test_search_worries_in_own_words_get_an_answer_that_fits(
    harness_any_db: BotHarness, locale: str, text: str, topic: str
) -> None:
    """Each was "I'm not sure I understood that" (or the after-a-no answer) and a menu."""
    _, reply = await onboarded_says(harness_any_db, text, locale)
    assert one_of(reply.text, shown(f"listen.question.{topic}", locale)), reply.text


# (locale, frustration told about the search itself)
FED_UP = {
    "en": "i hate linkedin so much",
    "de": "meine Eltern fragen ständig, wann ich endlich was finde",
    "es": "odio buscar trabajo",
    "ru": "мама постоянно спрашивает, когда я найду работу",
}


@pytest.mark.parametrize("locale", sorted(FED_UP))
async def test_fed_up_with_the_search_is_heard_as_frustration(
    harness_any_db: BotHarness, locale: str
) -> None:
    _, reply = await onboarded_says(harness_any_db, FED_UP[locale], locale)
    assert one_of(reply.text, shown("listen.venting.frustrated", locale)), reply.text


# (locale, whom to write to with their name, the name)
NAMED_RECIPIENTS = [
    ("en", "the hiring manager, priya. she was really nice", "Priya"),
    ("en", "HR, her name is Julia Becker", "Julia Becker"),
    ("es", "la reclutadora, se llama Marta", "Marta"),
    ("ru", "эйчар, Ольга", "Ольга"),
]


@pytest.mark.parametrize(("locale", "text", "name"), NAMED_RECIPIENTS)
async def test_a_name_told_with_whom_to_write_to_is_not_asked_again(
    harness_any_db: BotHarness, locale: str, text: str, name: str
) -> None:
    """It was "✅ The interviewer" and then "What's their name?" about the Priya just named."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await at_whom_to_write(bot, user, locale)
    await user.send(text)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    texts = CONTENT.texts(locale)
    assert seen(texts("flow.typed_pick", option=name)) in reply.text, reply.text
    assert seen(texts("feedback.ask_their_name")).split("\n")[0] not in reply.text
    async with bot.sessions() as session:
        [row] = list((await session.execute(select(FlowState))).scalars())
    assert row.step != "their_name" and row.data.get("their_name") == name


# (locale, asked about the set-up in words, the topic, the buttons under the answer)
ABOUT_SETTINGS = [
    ("en", "how do i change my checkin time", "settings", ["checkin_time", "language"]),
    ("en", "I need to change my time zone, I moved to Vancouver", "settings", None),
    ("en", "can you speak spanish", "language", ["language"]),
    ("de", "wie kann ich die Uhrzeit vom Check-in ändern?", "settings", None),
    ("es", "¿hablas inglés?", "language", ["language"]),
    ("ru", "а по-английски говоришь?", "language", None),
]


@pytest.mark.parametrize(("locale", "text", "topic", "buttons"), ABOUT_SETTINGS)
async def test_asking_about_the_set_up_in_words_points_to_it(
    harness_any_db: BotHarness, locale: str, text: str, topic: str, buttons: list[str] | None
) -> None:
    """They were "I'm not sure I understood that" and a menu."""
    _, reply = await onboarded_says(harness_any_db, text, locale)
    assert one_of(reply.text, shown(f"listen.question.{topic}", locale)), reply.text
    if buttons is not None:
        expected = [label(f"listen.buttons.{b}", locale) for b in buttons]
        assert reply.button_labels() == expected


async def test_the_language_button_opens_the_language_question(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, "can you speak spanish")
    await user.tap(label("listen.buttons.language"), message=reply)
    asked = await user.next_message()
    assert seen(CONTENT.texts("en")("settings.ask_language")) in asked.text
    assert label("settings.language.es") in asked.button_labels()


async def test_an_interview_aced_is_not_taken_for_the_next_round(
    harness_any_db: BotHarness,
) -> None:
    """It was "🎉 Through to the next round! They liked what they saw." before any answer."""
    _, reply = await onboarded_says(harness_any_db, "i aced the technical round at RBC!!")
    assert one_of(reply.text, shown("listen.good_news.went_well")), reply.text


# (locale, the new job starting)
NEW_JOB = {
    "en": "first day at the new job tomorrow, scared lol",
    "de": "morgen ist mein erster Arbeitstag",
    "es": "mañana es mi primer día de trabajo",
    "ru": "завтра выхожу на новую работу",
}


@pytest.mark.parametrize("locale", sorted(NEW_JOB))
async def test_a_new_job_starting_is_congratulated_with_a_rest_offered(
    harness_any_db: BotHarness, locale: str
) -> None:
    """It was "🎉 An offer!" to someone starting tomorrow, with nothing about the check-ins."""
    _, reply = await onboarded_says(harness_any_db, NEW_JOB[locale], locale)
    assert one_of(reply.text, shown("listen.good_news.new_job", locale)), reply.text
    assert reply.button_labels() == [
        label("listen.buttons.log_it", locale),
        label("listen.buttons.pause", locale),
    ]
