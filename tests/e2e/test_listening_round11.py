"""What people type, round 11 (issue 16, listen11), each found by driving the demo as a person:
a win answered in words ("yes please") is not logged again by a later tap on the offer's
[Log it as a win]; details typed just after news ("the Shopify one. PM role") fill in the
debrief the news offered; turning down an offer is the person's own decision in every language
read; a plan told ("mujhe feedback maangna chahiye") is backed with the action that fits; a
place on UTC's offset (Manchester in January) is named as people know its time, not "(UTC)".
What the person sees and what is stored are both checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn, User, Win
from bot.services import listening, timezones
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
from tests.e2e.listening_kit import (
    debrief_open_at,
    debriefs,
    onboarded,
    onboarded_at_checkin,
    onboarded_says,
)


async def wins(bot: BotHarness, user_id: int) -> list[str]:
    async with bot.sessions() as session:
        query = select(Win.kind).where(Win.user_id == user_id)
        return list((await session.execute(query)).scalars())


# (locale, good news, a yes in words)
GOOD_NEWS_THEN_YES = [
    ("en", "I got an offer!!!", "yes please"),
    ("de", "Ich habe ein Angebot bekommen!", "ja bitte"),
    ("es", "¡Me han hecho una oferta!", "sí, por favor"),
    ("ru", "Мне сделали оффер!", "да, давай"),
]


@pytest.mark.parametrize(("locale", "news", "yes"), GOOD_NEWS_THEN_YES)
async def test_a_win_answered_in_words_is_not_logged_again_by_a_tap(
    harness_any_db: BotHarness, locale: str, news: str, yes: str
) -> None:
    bot = harness_any_db
    user, offer = await onboarded_says(bot, news, locale)
    assert offer.button_labels() == [label("listen.buttons.log_it", locale)], offer.text
    await user.send(yes)
    logged = await user.next_message()
    assert one_of(logged.text, shown("listen.win_logged.offer", locale)), logged.text
    assert await wins(bot, user.id) == ["offer"]

    await user.tap(label("listen.buttons.log_it", locale), message=offer)
    again = await user.next_message()
    assert one_of(again.text, shown("listen.win_already", locale)), again.text
    assert await wins(bot, user.id) == ["offer"]  # still one
    assert offer.button_labels() == [], "the answered offer keeps no buttons"


async def test_a_stale_tap_after_later_messages_still_does_not_log_twice(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, offer = await onboarded_says(bot, "I got an offer!!!")
    await user.send("yes please")
    await user.next_message()
    await user.send("hi")  # a hello in between: the offer on the person is gone
    await user.next_message()
    await user.tap(label("listen.buttons.log_it"), message=offer)
    again = await user.next_message()
    assert one_of(again.text, shown("listen.win_already")), again.text
    assert await wins(bot, user.id) == ["offer"]


async def test_a_second_piece_of_good_news_is_its_own_win(harness_any_db: BotHarness) -> None:
    """The "already logged" answer is for the same news only: a new offer's button logs."""
    bot = harness_any_db
    user = await onboarded(bot)
    await user.send("I got an offer!!!")
    await user.next_message()
    await user.send("yes please")
    await user.next_message()
    await user.send("Got another offer today!")
    second = await user.next_message()
    await user.tap(label("listen.buttons.log_it"), message=second)
    logged = await user.next_message()
    assert one_of(logged.text, shown("listen.win_logged.offer")), logged.text
    assert await wins(bot, user.id) == ["offer", "offer"]
    async with bot.sessions() as session:
        person = await session.get(User, user.id)
        assert person is not None and person.offer is not None
        assert "yes" not in person.offer  # no offer left open, only the wins remembered


# (locale, news without a company, then the details, the company and role stored, the stage)
NEWS_THEN_DETAILS = [
    ("en", "didn't get the job", "the Shopify one. PM role", "Shopify", "PM", None),
    ("en", "they said no", "it was Monzo, final round", "Monzo", None, "final_round"),
    (
        "de",
        "Ich habe eine Absage bekommen",
        "die bei Zalando. Produktmanager",
        "Zalando",
        "Produktmanager",
        None,
    ),
    ("es", "me rechazaron", "la de Glovo, puesto de PM", "Glovo", "PM", None),
    ("ru", "пришёл отказ", "Яндекс, аналитик", "Яндекс", "аналитик", None),
]


@pytest.mark.parametrize(
    ("locale", "news", "details", "company", "role", "stage"), NEWS_THEN_DETAILS
)
async def test_details_typed_after_news_fill_in_the_debrief_it_offered(
    harness_any_db: BotHarness,
    locale: str,
    news: str,
    details: str,
    company: str,
    role: str | None,
    stage: str | None,
) -> None:
    bot = harness_any_db
    user, offered = await onboarded_says(bot, news, locale)
    assert offered.button_labels()[0] == label("listen.buttons.debrief_now", locale), offered.text

    await user.send(details)
    noted = await user.next_message()
    assert one_of(noted.text, leads("listen.details.noted", locale)), noted.text
    assert company in noted.text and (role is None or role in noted.text), noted.text
    assert not one_of(noted.text, leads("listen.unsure", locale))
    assert noted.button_labels() == [
        label("listen.buttons.debrief_now", locale),
        label("listen.buttons.not_now", locale),
    ]
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.role, record.stage) == (company, role, stage)
    assert record.completed_at is None

    # [Debrief it now] goes straight past what is known: the company is not asked.
    await user.tap(label("listen.buttons.debrief_now", locale), message=noted)
    asked = await user.next_message()
    assert not one_of(asked.text, leads("reflection.ask_company", locale)), asked.text


async def test_details_long_after_the_news_are_not_taken_for_it(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await onboarded(bot)
    await user.send("didn't get the job")
    await user.next_message()
    bot.clock.advance(timedelta(minutes=listening.OFFER_MINUTES + 1))
    await user.send("the Shopify one. PM role")
    reply = await user.next_message()
    assert not one_of(reply.text, leads("listen.details.noted")), reply.text
    assert all(r.company is None for r in await debriefs(bot, user.id))


async def test_a_lone_word_after_news_is_not_taken_for_a_company(bot: BotHarness) -> None:
    """ "Brutal." right after the news is a feeling as often as a firm: not filled in."""
    user = await onboard(bot)
    await user.send("didn't get the job")
    await user.next_message()
    await user.send("Brutal.")
    reply = await user.next_message()
    assert not one_of(reply.text, leads("listen.details.noted")), reply.text
    assert all(r.company is None for r in await debriefs(bot, user.id))


# (Telegram language, their own no to an offer, the language the reply is written in: the
# care-only languages fr/pt/uk/hi read English everywhere but the care moments)
DECLINED = [
    ("de", "Ich habe ihr Angebot abgelehnt", "de"),
    ("de", "hab das Angebot von SAP ausgeschlagen", "de"),
    ("es", "rechacé su oferta", "es"),
    ("es", "le dije que no a la oferta de Glovo", "es"),
    ("ru", "я отказался от их оффера", "ru"),
    ("ru", "решила не принимать оффер", "ru"),
    ("fr", "j'ai refusé leur offre", "en"),
    ("pt", "recusei a proposta deles", "en"),
    ("uk", "я відмовився від їхнього офера", "en"),
    ("hi", "maine offer reject kar diya", "en"),
]


@pytest.mark.parametrize(("language", "typed", "locale"), DECLINED)
async def test_turning_down_an_offer_is_their_decision_not_a_rejection(
    harness_any_db: BotHarness, language: str, typed: str, locale: str
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, typed, language)
    assert one_of(reply.text, shown("listen.good_news.declined", locale)), reply.text
    assert reply.button_labels() == [label("listen.buttons.log_it", locale)]
    assert await debriefs(bot, user.id) == []  # no rejection kept for a debrief
    await user.tap(label("listen.buttons.log_it", locale), message=reply)
    logged = await user.next_message()
    assert one_of(logged.text, shown("listen.win_logged.declined", locale)), logged.text
    assert await wins(bot, user.id) == ["declined"]


# (Telegram language, a plan told in Hindi (Latin letters or Devanagari), the topic, the button)
PLANS = [
    ("en", "mujhe feedback maangna chahiye", "plan_feedback", "listen.buttons.draft_feedback"),
    ("hi", "mujhe feedback maangna chahiye", "plan_feedback", "listen.buttons.draft_feedback"),
    ("hi", "मुझे फीडबैक मांगना चाहिए", "plan_feedback", "listen.buttons.draft_feedback"),
    ("en", "kal interview ki practice karunga", "plan_prepare", "listen.buttons.prepare"),
    ("hi", "मैं कल इंटरव्यू की तैयारी करूंगा", "plan_prepare", "listen.buttons.prepare"),
    ("en", "I should ask for feedback", "plan_feedback", "listen.buttons.draft_feedback"),
    ("en", "I need to practice my answers", "plan_prepare", "listen.buttons.prepare"),
]


@pytest.mark.parametrize(("language", "typed", "topic", "button"), PLANS)
async def test_a_plan_told_is_backed_with_the_action_that_fits(
    harness_any_db: BotHarness, language: str, typed: str, topic: str, button: str
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, typed, language)
    # Hindi is a care-only language: the rest of the interface, this included, is English.
    assert one_of(reply.text, shown(f"listen.question.{topic}")), reply.text
    assert not one_of(reply.text, shown("listen.question.remind")), reply.text
    assert reply.button_labels() == [label(button)]

    await user.send("haan" if language == "hi" else "yes")  # the plan's action, said in words
    taken = await user.next_message()
    if topic == "plan_feedback":  # the request begins at once
        assert one_of(taken.text, leads("feedback.ask_company")), taken.text
    else:
        assert one_of(taken.text, shown("listen.question.prepare")), taken.text


# (Telegram language, the place typed at set-up, its zone, how its time is named)
ZONES_ON_UTC = [
    ("en", "Manchester", "Europe/London", "uk"),
    ("de", "London", "Europe/London", "uk"),
    ("es", "Lisboa", "Europe/Lisbon", "portugal"),
    ("ru", "Лондон", "Europe/London", "uk"),
    ("en", "Dublin", "Europe/Dublin", "ireland"),
    ("en", "Reykjavik", "Atlantic/Reykjavik", "iceland"),
]


@pytest.mark.parametrize(("locale", "place", "zone", "called"), ZONES_ON_UTC)
async def test_a_zone_on_utcs_offset_is_named_as_people_know_it(
    harness_any_db: BotHarness, locale: str, place: str, zone: str, called: str
) -> None:
    """Manchester in January was acknowledged "(UTC)", which reads as "set to UTC"."""
    bot = harness_any_db
    await bot.start()
    user = await begin_onboarding(bot, language_code=locale)
    await user.send(place)
    ack = await user.next_message()
    now = bot.clock.now()
    named = CONTENT.texts(locale)(f"onboarding.zone_called.{called}", offset="UTC+00:00")
    assert timezones.offset_shown(zone, now) == "UTC+00:00"  # January: on UTC's own offset
    assert f"({seen(named)})" in ack.text, ack.text
    assert "(UTC)" not in ack.text
    async with bot.sessions() as session:
        person = await session.get(User, user.id)
        assert person is not None and person.timezone == zone


async def test_a_zone_off_utc_keeps_its_plain_offset(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await begin_onboarding(bot)
    await user.send("Berlin")
    ack = await user.next_message()
    assert "(UTC+01:00)" in ack.text, ack.text


@pytest.mark.parametrize(
    "typed",
    [
        "I'm thinking of giving up on tech altogether",
        "maybe I should just give up on this career",
        "i'm ready to give up on job hunting",
    ],
)
async def test_giving_up_on_the_search_is_heard_as_a_feeling(
    harness_any_db: BotHarness, typed: str
) -> None:
    """It got "I may have missed what you meant" in the demo run."""
    bot = harness_any_db
    user, reply = await onboarded_says(bot, typed)
    assert one_of(reply.text, shown("listen.venting.exhausted")), reply.text
    assert reply.button_labels()[0] == label("listen.buttons.just_saying")
    assert await debriefs(bot, user.id) == []


# (locale, asking in words for the messages to stop)
STOP_MESSAGES = [
    ("en", "stop sending me messages"),
    ("en", "can you stop sending me check-ins"),
    ("de", "hör auf, mir Nachrichten zu schicken"),
    ("es", "deja de mandarme mensajes"),
]


@pytest.mark.parametrize(("locale", "typed"), STOP_MESSAGES)
async def test_asking_for_the_messages_to_stop_offers_the_pause(
    harness_any_db: BotHarness, locale: str, typed: str
) -> None:
    """ "stop sending me messages" got "I'm not sure I understood that" in the demo run."""
    bot = harness_any_db
    user, reply = await onboarded_says(bot, typed, locale)
    assert one_of(reply.text, shown("listen.question.pause", locale)), reply.text
    assert reply.button_labels() == [label("listen.buttons.pause", locale)]
    await user.tap(label("listen.buttons.pause", locale), message=reply)
    await user.next_message()
    async with bot.sessions() as session:
        person = await session.get(User, user.id)
        assert person is not None and person.paused


async def test_an_interview_that_went_badly_is_a_feeling_not_news(
    harness_any_db: BotHarness,
) -> None:
    """ "my interview went terribly" got "I may have missed what you meant" in the demo run;
    it is no "no" yet, so nothing is kept for a debrief."""
    bot = harness_any_db
    user, reply = await onboarded_says(bot, "my interview went terribly")
    assert one_of(reply.text, shown("listen.venting.sad")), reply.text
    assert await debriefs(bot, user.id) == []


async def test_no_interview_at_all_is_a_no_at_the_application_stage(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, "I didn't even get an interview")
    assert reply.button_labels()[0] == label("listen.buttons.debrief_now"), reply.text
    [record] = await debriefs(bot, user.id)
    assert record.stage == "application"


async def test_runner_up_is_a_no_that_came_close(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    _user, reply = await onboarded_says(bot, "they said I was the runner-up")
    assert one_of(reply.text, leads("listen.rejection.mixed.close")), reply.text
    assert reply.button_labels()[0] == label("listen.buttons.debrief_now")


async def test_how_long_to_wait_for_an_answer_is_about_following_up(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    _user, reply = await onboarded_says(bot, "wie lange soll ich auf eine Antwort warten?", "de")
    assert one_of(reply.text, shown("listen.question.follow_up", "de")), reply.text


# (locale, nerves about an interview later today)
NERVOUS_TODAY = [
    ("en", "I have an interview today and I'm so nervous"),
    ("de", "ich hab heute ein Vorstellungsgespräch und bin total nervös"),
    ("es", "hoy tengo una entrevista y estoy muy nerviosa"),
    ("ru", "сегодня собеседование, очень волнуюсь"),
]


@pytest.mark.parametrize(("locale", "typed"), NERVOUS_TODAY)
async def test_nerves_about_an_interview_today_are_met_with_getting_ready(
    harness_any_db: BotHarness, locale: str, typed: str
) -> None:
    """An interview "today" is still to come: it got the general word on anxiety and a
    [Debrief] button in the demo run, as if it were over."""
    bot = harness_any_db
    _user, reply = await onboarded_says(bot, typed, locale)
    assert one_of(reply.text, shown("listen.venting.before_interview", locale)), reply.text
    assert label("listen.buttons.prepare", locale) in reply.button_labels()
    assert label("listen.buttons.debrief", locale) not in reply.button_labels()


async def checkin_moods(bot: BotHarness, user_id: int) -> list[int | None]:
    async with bot.sessions() as session:
        query = select(CheckIn.mood).where(CheckIn.user_id == user_id)
        return list((await session.execute(query)).scalars())


# (locale, a low mood said in a word at the check-in, the mood it is)
CRUSHED = [
    ("en", "honestly pretty crushed", 1),
    ("en", "gutted", 1),
    ("en", "crushed it today", 5),  # did great: not crushed
    ("de", "am Boden zerstört", 1),
    ("es", "estoy destrozada", 1),
    ("ru", "честно, раздавлена", 1),
]


@pytest.mark.parametrize(("locale", "typed", "mood"), CRUSHED)
async def test_crushed_at_the_checkin_is_the_lowest_mood(
    harness_any_db: BotHarness, locale: str, typed: str, mood: int
) -> None:
    """ "honestly pretty crushed" at "How are you feeling right now?" was kept as a note and
    the question asked again in the demo run."""
    bot = harness_any_db
    user = await onboarded_at_checkin(bot, locale)
    await user.send(typed)
    await bot.settle()
    face = label(f"checkin.mood.{mood}", locale)
    said = [m.text for m in user.messages]
    assert any(one_of(text, shown("checkin.typed_mood", locale, face=face)) for text in said)
    assert await checkin_moods(bot, user.id) == [mood]


# (locale, a hello or thank-you typed in the middle of a debrief)
HELLO_IN_A_DEBRIEF = [("en", "thanks"), ("en", "hi there"), ("ru", "спасибо"), ("ru", "привет")]


@pytest.mark.parametrize(("locale", "typed"), HELLO_IN_A_DEBRIEF)
async def test_a_hello_in_a_debrief_is_not_kept_as_a_note(
    harness_any_db: BotHarness, locale: str, typed: str
) -> None:
    """ "привет" at 'What was outside your control?' got "I've kept what you wrote with this
    debrief" in the demo run, and was stored as the debrief's note."""
    bot = harness_any_db
    user = await onboarded(bot, locale)
    await debrief_open_at(bot, user, "went_well", locale)
    # What went well? (a page that keeps typed words as its note)
    await user.send(typed)
    await bot.settle()
    again = user.last_message
    assert again is not None
    assert one_of(again.text, shown("listen.in_flow.back_to_it", locale)), again.text
    assert not one_of(again.text, shown("listen.in_flow.kept", locale))
    await tap_keys(bot, user, locale, "flow.done", "flow.done")
    # What was outside your control? (taps only)
    await user.send(typed)
    await bot.settle()
    again = user.last_message
    assert again is not None
    assert one_of(again.text, shown("listen.in_flow.back_to_it", locale)), again.text
    [record] = await debriefs(bot, user.id)
    assert record.note is None and record.went_well_note is None
    assert record.reasons_note is None


async def test_a_second_interview_told_in_spanish_is_clear_good_news(
    harness_any_db: BotHarness,
) -> None:
    """ "me llamaron para una segunda entrevista!!" was read only faintly: at a question
    answered by tapping it got "Please tap one of the buttons"."""
    bot = harness_any_db
    _user, reply = await onboarded_says(bot, "me llamaron para una segunda entrevista!!", "es")
    assert one_of(reply.text, shown("listen.good_news.next_round", "es")), reply.text
    assert reply.button_labels()[0] == label("listen.buttons.log_it", "es")


# (locale, a message from the demo run that got the not-sure reply, what it is)
UNSURE_IN_THE_DEMO = [
    ("de", "hatte heute ein richtig gutes Gespräch", "listen.good_news.went_well"),
    ("de", "ich weiß nicht mehr weiter mit der Jobsuche", "listen.venting.sad"),
    ("es", "no sé qué hacer con mi búsqueda de empleo", "listen.venting.sad"),
    ("ru", "не знаю, что делать с поиском работы", "listen.venting.sad"),
    ("de", "ich sollte um Feedback bitten", "listen.question.plan_feedback"),
    ("de", "ich werde mich morgen auf das Gespräch vorbereiten", "listen.question.plan_prepare"),
    ("es", "voy a pedirles feedback", "listen.question.plan_feedback"),
    ("es", "me voy a preparar para la entrevista de mañana", "listen.question.plan_prepare"),
]


@pytest.mark.parametrize(("locale", "typed", "key"), UNSURE_IN_THE_DEMO)
async def test_words_from_the_demo_run_are_read(
    harness_any_db: BotHarness, locale: str, typed: str, key: str
) -> None:
    bot = harness_any_db
    _user, reply = await onboarded_says(bot, typed, locale)
    assert one_of(reply.text, shown(key, locale)), reply.text
    assert not one_of(reply.text, leads("listen.unsure", locale))
