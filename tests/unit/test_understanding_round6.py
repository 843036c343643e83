"""Round 6 of issue 16's QA, read in each language: applications sent are progress (good news
to log, not venting; with no reply in sight they stay venting), a "no" told with its reason
carries the reason, and words aimed at the bot are not the writer's self-doubt."""

from __future__ import annotations

import pytest

from bot.services import listening
from bot.services.listening import Situation
from bot.services.understanding import read


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("just applied to 10 jobs today", "en"),
        ("sent 5 applications", "en"),
        ("I applied to 4 roles this morning", "en"),
        ("hoy mandé 4 solicitudes", "es"),
        ("me postulé a 3 ofertas hoy", "es"),
        ("heute 3 Bewerbungen verschickt", "de"),
        ("hab mich heute auf 5 Stellen beworben", "de"),
        ("отправил 6 откликов", "ru"),
        ("откликнулась сегодня на 4 вакансии", "ru"),
    ],
)
def test_applications_sent_are_progress(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic, reading.language) == ("good_news", "progress", language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("applied to 150 jobs, 3 interviews, 0 offers", "en"),
        ("applied to 10 jobs today and heard nothing back", "en"),
        ("mandé 20 solicitudes y ninguna respuesta", "es"),
        ("30 Bewerbungen verschickt und nichts gehört", "de"),
        ("разослал 100 резюме и ни одного ответа", "ru"),
    ],
)
def test_applications_without_an_answer_are_not_progress_to_celebrate(
    text: str, language: str
) -> None:
    assert read(text, language).topic != "progress"


@pytest.mark.parametrize(
    ("text", "language", "reason"),
    [
        ("they said I'm overqualified", "en", "overqualified"),
        ("they said I'm too junior", "en", "experience"),
        ("not enough experience", "en", "experience"),
        ("they went with an internal candidate", "en", "internal"),
        ("dijeron que estoy sobrecualificado", "es", "overqualified"),
        ("me dijeron que me falta experiencia", "es", "experience"),
        ("eligieron a un candidato interno", "es", "internal"),
        ("sie sagten, ich sei überqualifiziert", "de", "overqualified"),
        ("zu wenig Berufserfahrung, hieß es", "de", "experience"),
        ("die Stelle wurde intern besetzt", "de", "internal"),
        ("сказали, что я слишком опытный", "ru", "overqualified"),
        ("не хватило опыта, сказали", "ru", "experience"),
        ("взяли внутреннего кандидата", "ru", "internal"),
        ("they said the role was put on hold", "en", "budget"),
        ("pusieron el puesto en pausa", "es", "budget"),
        ("die Stelle wurde auf Eis gelegt", "de", "budget"),
        ("вакансию заморозили", "ru", "budget"),
    ],
)
def test_a_no_told_with_its_reason_carries_it(text: str, language: str, reason: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.reason, reading.clear) == ("rejection", reason, True)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("you're useless", "en"),
        ("this bot is stupid", "en"),
        ("you don't understand anything", "en"),
        ("eres inútil", "es"),
        ("no sirves para nada", "es"),
        ("du bist nutzlos", "de"),
        ("du verstehst gar nichts", "de"),
        ("ты бесполезный", "ru"),
        ("тупой бот", "ru"),
    ],
)
def test_lashing_out_at_the_bot_is_about_the_bot(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic) == ("greeting", "at_bot")


@pytest.mark.parametrize(
    ("text", "language"),
    [("I'm useless", "en"), ("soy inútil", "es"), ("ich bin nutzlos", "de")],
)
def test_calling_oneself_useless_is_still_self_doubt(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic) == ("venting", "self_doubt")


def test_the_reply_to_a_reason_speaks_to_it_and_lashing_out_offers_help() -> None:
    now = Situation(onboarded=True)
    [reply] = listening.respond(read("they said I'm overqualified", "en"), now)
    assert reply.params["tip"].key == "listen.rejection.reason.overqualified"  # type: ignore[union-attr]
    [plain] = listening.respond(read("they said no", "en"), now)
    assert plain.params["tip"].key == "listen.rejection.tip"  # type: ignore[union-attr]
    [owned] = listening.respond(read("you're useless", "en"), now)
    assert owned.key == "listen.greeting.at_bot"
    assert owned.buttons[-1][0].label == "listen.buttons.help"
    [effort] = listening.respond(read("sent 5 applications", "en"), now)
    assert effort.key == "listen.good_news.progress"
    assert effort.buttons[0][0].data == listening.pack(listening.WIN, "progress")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("they said i wasn't a culture fit", "en"),
        ("they wanted someone who speaks german", "en"),
        ("dijeron que no encajo con la cultura", "es"),
        ("congelaron la vacante", "es"),
        ("ich passe nicht ins Team, hieß es", "de"),
        ("sie wollten jemanden mit Deutschkenntnissen", "de"),
        ("сказали что нужен кто-то с английским", "ru"),
    ],
)
def test_other_reasons_for_a_no_are_still_a_no(text: str, language: str) -> None:
    assert read(text, language).kind == "rejection"


def test_a_russian_i_am_useless_is_self_doubt() -> None:
    reading = read("я бесполезный", "ru")
    assert (reading.kind, reading.topic) == ("venting", "self_doubt")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("they said no after the final round", "en"),  # with "again": late_again (round 7)
        ("me rechazaron después de la entrevista final", "es"),
        ("Absage nach der letzten Runde", "de"),
        ("отказали после финального собеседования", "ru"),
    ],
)
def test_a_no_at_the_last_stage_says_how_close_it_was(text: str, language: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.stage) == ("rejection", "final_round")
    [reply] = listening.respond(reading, Situation(onboarded=True))
    assert reply.params["tip"].key == "listen.rejection.late_stage"  # type: ignore[union-attr]
