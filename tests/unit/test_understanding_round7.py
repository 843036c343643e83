"""Round 7 of issue 16's QA, read in each language: a repeated no, feedback told without a no,
a mood report typed where a name is asked, a reason told inside a debrief, ideas, bug reports
and praise about the bot, loneliness said plainly; and what each gets back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.runtime import flow_specs
from bot.services import listening
from bot.services.flow_engine import Step
from bot.services.listening import Situation
from bot.services.replies import Ref, Say
from bot.services.understanding import Reading, read

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
SPECS = flow_specs()
SET_UP = Situation(onboarded=True)


def step(flow: str, name: str) -> Step:
    return SPECS[flow].flow.step(name)


def tip(says: list[Say]) -> str:
    value = says[0].params["tip"]
    assert isinstance(value, Ref)
    return value.key


def labels(says: list[Say]) -> list[str]:
    return [b.label for say in says for row in say.buttons for b in row]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("rejected again", "en"),
        ("another no", "en"),
        ("third rejection this week", "en"),
        ("ugh, not again. another rejection email", "en"),
        ("otra vez me rechazaron", "es"),
        ("otro rechazo más", "es"),
        ("schon wieder eine Absage", "de"),
        ("die dritte Absage diese Woche", "de"),
        ("опять отказ", "ru"),
        ("очередной отказ от Яндекса", "ru"),
    ],
)
def test_a_repeated_no_is_read_as_one_more(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.again) == ("rejection", True)
    assert tip(listening.respond(reading, SET_UP)) == "listen.rejection.again"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("they went with another candidate", "en"),
        ("rejected by Stripe", "en"),
        ("me rechazaron en Globant", "es"),
        ("leider eine Absage von SAP", "de"),
        ("мне отказали", "ru"),
    ],
)
def test_a_first_no_is_not_read_as_one_more(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.again) == ("rejection", False)
    assert tip(listening.respond(reading, SET_UP)) != "listen.rejection.again"


def test_a_reason_comes_before_again_and_the_last_stage_is_said_with_it() -> None:
    reason = read("rejected again, they said I'm overqualified", "en")
    assert reason.again and tip(listening.respond(reason, SET_UP)).endswith("overqualified")
    # One more no, at the final round: both are true, so the word speaks to both.
    late = read("they said no again after the final round", "en")
    assert late.again and tip(listening.respond(late, SET_UP)) == "listen.rejection.late_again"
    once = read("they said no after the final round", "en")
    assert tip(listening.respond(once, SET_UP)) == "listen.rejection.late_stage"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("they said my system design answer was weak", "en"),
        ("the recruiter told me to work on my SQL", "en"),
        ("the hiring manager said my portfolio was weak", "en"),
        ("me dijeron que mi inglés está flojo", "es"),
        ("el reclutador me recomendó mejorar mi SQL", "es"),
        ("sie meinten, meine Systemdesign-Antwort war zu schwach", "de"),
        ("der Recruiter hat mir geraten, an meinem SQL zu arbeiten", "de"),
        ("сказали, что мой английский слабоват", "ru"),
        ("рекрутер посоветовал подтянуть SQL", "ru"),
    ],
)
def test_feedback_without_a_no_is_feedback_to_log(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic) == ("good_news", "feedback")
    [reply] = listening.respond(reading, SET_UP)
    assert reply.key == "listen.good_news.feedback"
    assert labels([reply]) == ["listen.buttons.log_feedback"]
    assert reply.buttons[0][0].data == listening.pack(listening.LOG_FEEDBACK)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("they said I was too junior", "experience"),
        ("they said I'm overqualified", "overqualified"),
    ],
)
def test_a_no_told_with_its_reason_stays_a_no_not_feedback(text: str, reason: str) -> None:
    reading = read(text, "en")
    assert (reading.kind, reading.reason, reading.also) == ("rejection", reason, None)


def test_feedback_is_not_celebrated_anywhere() -> None:
    reading = Reading("good_news", topic="feedback", clear=True)
    [aside, _] = listening.aside_replies(reading, kept=True)
    assert aside.key == "listen.in_flow.feedback"
    group = listening.group_reply(reading, "rebound_bot")
    assert group is not None and group.key == "listen.group.feedback"
    assert listening.typed_mood(reading, "they said my SQL was weak", "en") is None


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        ("can you add reminders on weekends?", "en", "idea"),
        ("it would be nice if the bot had a dark mode", "en", "idea"),
        ("found a bug: the button did nothing", "en", "bug"),
        ("the button doesn't work", "en", "bug"),
        ("¿puedes añadir recordatorios los fines de semana?", "es", "idea"),
        ("encontré un fallo: el botón no hace nada", "es", "bug"),
        ("kannst du Erinnerungen am Wochenende einbauen?", "de", "idea"),
        ("hab einen Bug gefunden: der Button tut nichts", "de", "bug"),
        ("можешь добавить напоминания на выходных?", "ru", "idea"),
        ("нашёл баг: кнопка ничего не делает", "ru", "bug"),
    ],
)
def test_ideas_and_bug_reports_get_an_honest_answer(text: str, language: str, topic: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic) == ("question", topic)
    [reply] = listening.respond(reading, SET_UP)
    assert reply.key == f"listen.question.{topic}"
    assert labels([reply]) == ["listen.buttons.help"]
    group = listening.group_reply(reading, "rebound_bot")
    assert group is not None and group.key == "listen.group.product"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("this bot is great", "en"),
        ("love this bot", "en"),
        ("you're so helpful", "en"),
        ("este bot es genial", "es"),
        ("me encanta este bot", "es"),
        ("dieser Bot ist echt toll", "de"),
        ("klasse Bot", "de"),
        ("классный бот", "ru"),
        ("ты очень помогаешь", "ru"),
    ],
)
def test_praise_for_the_bot_is_thanked_not_celebrated_as_news(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic) == ("greeting", "praise")
    [reply] = listening.respond(reading, SET_UP)
    assert reply.key == "listen.greeting.praise"
    assert reply.buttons  # what we could do next
    group = listening.group_reply(reading, "rebound_bot")
    assert group is not None and group.key == "listen.group.praise"


@pytest.mark.parametrize(
    ("text", "language", "kind", "topic"),
    [
        ("you're useless", "en", "greeting", "at_bot"),
        ("thanks, you're so helpful", "en", "greeting", "thanks"),
        ("can you remind me at 5", "en", "question", "remind"),
        ("I got an offer!!!", "en", "good_news", "offer"),
        ("qué puedes hacer", "es", "question", "bot"),
    ],
)
def test_neighbours_keep_their_reading(text: str, language: str, kind: str, topic: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic) == (kind, topic)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I have no one to talk to", "en"),
        ("I feel so alone", "en"),
        ("no tengo a nadie con quien hablar", "es"),
        ("me siento muy sola", "es"),
        ("ich hab niemanden zum Reden", "de"),
        ("ich fühle mich so einsam", "de"),
        ("мне не с кем поговорить", "ru"),
        ("мне так одиноко", "ru"),
    ],
)
def test_loneliness_said_plainly_is_someone_to_talk_to(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic) == ("question", "talk")
    [reply] = listening.respond(reading, SET_UP)
    assert reply.key == "listen.question.talk"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("pretty good, sent 3 applications", "en"),
        ("not bad, applied to 2 jobs", "en"),
        ("meh tbh", "en"),
        ("bastante bien, mandé 3 solicitudes", "es"),
        ("ganz gut, 3 Bewerbungen verschickt", "de"),
        ("неплохо, отправил 3 отклика", "ru"),
    ],
)
def test_a_mood_report_where_a_name_is_asked_is_an_aside(text: str, language: str) -> None:
    reading = read(text, language)
    assert listening.in_flow_choice(reading, step("rf", "company"), text, NOW) == "aside"
    [ack, kept] = listening.Heard(reading, None, text=text).aside(kept=True)
    assert ack.key in (
        "listen.in_flow.progress",
        "listen.in_flow.mood",
        "listen.in_flow.venting.so_so",
    )
    assert kept.key == "listen.in_flow.kept"


@pytest.mark.parametrize(
    "text", ["Good Eggs", "Designer at Acme 🚀", "Acme, designer", "Fine Arts Ltd", "Google"]
)
def test_names_that_hold_a_mood_word_stay_answers(text: str) -> None:
    reading = read(text, "en")
    assert listening.in_flow_choice(reading, step("rf", "company"), text, NOW) == "answer"


def test_a_reason_told_in_a_flow_is_offered_for_ticking() -> None:
    told = listening.Heard(read("they went with an internal candidate", "en"))
    assert told.reason() == "internal"
    ticked = told.ticked("reflection.outside.internal")
    assert ticked.key == "listen.in_flow.reason_ticked"
    assert ticked.params["reason"] == Ref("reflection.outside.internal")
    assert listening.Heard(read("so tired of this", "en")).reason() is None
    spec = SPECS["rf"]
    assert spec.reason_step("internal") == "outside"  # type: ignore[attr-defined]
    assert spec.reason_step("overqualified") is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("please let me know when they reply", "en"),
        ("please make it stop", "en"),
        ("I told them to work on their onboarding", "en"),
        ("kannst du das für mich machen?", "de"),
    ],
)
def test_everyday_requests_are_not_ideas_for_the_bot(text: str, language: str) -> None:
    reading = read(text, language)
    assert reading.topic not in ("idea", "bug", "feedback")
