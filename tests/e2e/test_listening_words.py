"""What people type, round 4 (issue 16 QA, four languages): a goodnight is a goodbye, not a
hello; "naja", "bueno pues", "ну такое" are a so-so mood, answered as one (no debrief pushed);
"can you remind me at 5" gets an honest answer and the check-in time one tap away; a pasted
rejection email names its firm in the signature only; the cheer around a typed company name
("Acme!! 🚀") is not part of it. Texts come from the content catalogue in the person's
language; what is stored is checked."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from bot.db.models import Rejection
from tests.e2e.harness import (
    BotHarness,
    begin_onboarding,
    first_lines,
    label,
    onboard,
    one_of,
    shown,
)
from tests.e2e.listening_kit import debriefs, onboarded_says, open_debrief

# (locale, a goodnight, a so-so mood, a reminder asked for, a time typed at the question)
SPOKEN = [
    ("en", "good night!", "could be better", "can you remind me at 5", "5pm", time(17, 0)),
    (
        "es",
        "buenas noches",
        "bueno pues",
        "¿me puedes recordar a las 5?",
        "a las 9 y media",
        time(9, 30),
    ),
    ("de", "gute Nacht", "geht so", "kannst du mich um 5 erinnern?", "20 Uhr", time(20, 0)),
    ("ru", "доброй ночи", "ну такое", "можешь напомнить мне в 5?", "в полдевятого", time(8, 30)),
]


@pytest.mark.parametrize(("locale", "night", "so_so", "remind", "typed", "stored"), SPOKEN)
async def test_goodnight_a_so_so_mood_and_a_reminder_are_answered_as_what_they_are(
    bot: BotHarness, locale: str, night: str, so_so: str, remind: str, typed: str, stored: time
) -> None:
    user, bye = await onboarded_says(bot, night, locale)
    assert one_of(bye.text, shown("listen.greeting.bye", locale))  # not "Hello! 👋"
    assert bye.buttons == []

    await user.send(so_so)
    mood = await user.next_message()
    assert one_of(mood.text, shown("listen.venting.so_so", locale))
    assert mood.button_labels() == [
        label("listen.buttons.just_saying", locale),
        label("listen.buttons.check_in", locale),
    ]

    await user.send(remind)
    answer = await user.next_message()
    assert one_of(answer.text, shown("listen.question.remind", locale))
    assert answer.button_labels() == [
        label("listen.buttons.checkin_time", locale),
        label("listen.buttons.help", locale),
    ]
    await user.tap(label("listen.buttons.checkin_time", locale))
    question = await user.next_message()
    assert one_of(question.text, shown("onboarding.ask_time", locale, local_time="13:00"))
    await user.send(typed)
    await user.next_message()
    person = await bot.stored_user(user.id)
    assert person is not None and person.checkin_time == stored
    assert await debriefs(bot, user.id) == []


async def test_a_so_so_word_typed_at_the_company_question_is_not_the_company(
    bot: BotHarness,
) -> None:
    user = await onboard(bot, language_code="es")
    await open_debrief(user, "es")
    await user.send("bueno pues")
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.venting.so_so", "es"))
    assert one_of(again.text, shown("reflection.ask_company", "es"))
    await user.send("Cabify!! 🚀")
    stage = await user.next_message()
    assert one_of(stage.text, shown("reflection.ask_stage", "es", company="Cabify"))
    [record] = await debriefs(bot, user.id)
    assert record.company == "Cabify"


@pytest.mark.parametrize(
    ("locale", "email", "company"),
    [
        (
            "en",
            "Thank you for your interest in the Product Designer role. After careful "
            "consideration we have decided to move forward with other candidates.\n\n"
            "Best regards,\nSarah\nTalent Team | Monzo",
            "Monzo",
        ),
        (
            "de",
            "Sehr geehrte Frau Müller,\n\nvielen Dank für Ihre Bewerbung. Leider müssen wir "
            "Ihnen mitteilen, dass wir uns für andere Kandidaten entschieden haben.\n\n"
            "Mit freundlichen Grüßen\nPersonalabteilung\nSAP SE",
            "SAP SE",
        ),
        (
            "ru",
            "Здравствуйте, Анна!\n\nБлагодарим за интерес к вакансии. К сожалению, мы приняли "
            "решение продолжить с другими кандидатами.\n\nС уважением,\nHR-отдел\nOzon",
            "Ozon",
        ),
    ],
)
async def test_a_pasted_email_names_its_firm_in_the_signature(
    harness_any_db: BotHarness, locale: str, email: str, company: str
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, email, locale)
    lines = first_lines("listen.rejection.with_company", locale, company=company)
    assert one_of(reply.text, lines)
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.completed_at) == (company, None)
    await user.tap(label("listen.buttons.debrief_now", locale))
    stage = await user.next_message()
    assert one_of(stage.text, shown("reflection.ask_stage", locale, company=company))
    async with bot.sessions() as session:
        [stored] = (await session.execute(select(Rejection))).scalars().all()
    assert stored.company == company


async def test_a_hello_typed_at_the_time_zone_question_is_greeted_not_a_place_error(
    bot: BotHarness,
) -> None:
    user = await begin_onboarding(bot, language_code="es")
    await user.send("hola!")
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.greeting", "es"))
    assert not one_of(again.text, shown("onboarding.timezone_problem.unknown", "es"))
    await user.send("Madrid")
    await user.next_message()
    person = await bot.stored_user(user.id)
    assert person is not None and person.timezone == "Europe/Madrid"


@pytest.mark.parametrize(("locale", "words"), [("de", "Hallo!"), ("ru", "привет")])
async def test_a_new_persons_first_hello_says_who_i_am_in_their_language(
    bot: BotHarness, locale: str, words: str
) -> None:
    user = bot.user("Kim", language_code=locale)
    await user.send(words)
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.first_hello", locale))
    assert one_of(reply.text, shown("listen.setup", locale))
    assert reply.button_labels() == [label("listen.buttons.set_up", locale)]
    assert await debriefs(bot, user.id) == []  # nothing kept from a first hello


async def test_a_voice_note_and_a_photo_are_answered_for_what_they_are_in_spanish(
    bot: BotHarness,
) -> None:
    user = await onboard(bot, language_code="es")
    await user.send_voice()
    assert one_of((await user.next_message()).text, shown("fallback.not_read_voice", "es"))
    await user.send_photo()  # often a screenshot of the email
    assert one_of((await user.next_message()).text, shown("fallback.not_read_photo", "es"))
    await user.send_sticker()
    assert one_of((await user.next_message()).text, shown("fallback.not_read_sticker", "es"))
    assert await debriefs(bot, user.id) == []


async def test_in_a_group_a_mention_does_not_turn_russian_into_english(bot: BotHarness) -> None:
    """Mentioned or answered, the bot replies in the language written (the @username's Latin
    letters used to make "@bot спасибо" English), with nothing stored."""
    admin, member = bot.user("Ana"), bot.user("Оля", language_code="en")
    group = bot.emulator.group("Поиск работы", supergroup=True)
    group.add_member(admin, creator=True)
    group.add_member(member)
    await group.add_bot(admin, as_admin=True)
    await bot.settle()

    async def say(text: str, reply_to: int | None = None) -> list[str]:
        before = len(group.messages)
        await group.send(member, text, reply_to=reply_to)
        await bot.settle()
        return [m.text for m in group.messages[before:]]

    [news] = await say("@rebound_test_bot мне опять отказали 😞")
    assert one_of(news, shown("listen.group.rejection", "ru"))
    bot_post = group.messages[-1].message_id
    [thanks] = await say("@rebound_test_bot спасибо", reply_to=bot_post)
    assert one_of(thanks, shown("listen.group.thanks", "ru"))
    [night] = await say("спокойной ночи", reply_to=bot_post)
    assert one_of(night, shown("listen.group.bye", "ru"))
    assert await debriefs(bot, member.id) == []


@pytest.mark.parametrize(
    ("locale", "words"),
    [("en", "stop messaging me"), ("es", "pausa dos semanas"), ("ru", "не пиши мне больше")],
)
async def test_asking_in_words_for_a_break_offers_the_pause_and_it_pauses(
    bot: BotHarness, locale: str, words: str
) -> None:
    user, answer = await onboarded_says(bot, words, locale)
    assert one_of(answer.text, shown("listen.question.pause", locale))
    assert answer.button_labels() == [label("listen.buttons.pause", locale)]
    await user.tap(label("listen.buttons.pause", locale))
    assert one_of((await user.next_message()).text, shown("checkin.paused_open", locale))
    person = await bot.stored_user(user.id)
    assert person is not None and person.paused and person.paused_until is None
