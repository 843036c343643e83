""" "Can I talk to someone?" read in the eight languages the detector covers (question topic
"talk"), what is not that (talking to a recruiter, "are you real?", crisis words), and what
bot.services.listening answers with it, without Telegram or a database."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.db.models import User
from bot.services import crisis, listening
from bot.services.replies import Ref, Say
from bot.services.understanding import QUESTION_TOPICS, read

CONTENT = load_content()

# (language, text): every one is "question"/"talk", read in its own language.
ASKED = [
    ("en", "can i talk to someone"),
    ("en", "I need someone to talk to"),
    ("en", "is there a real person here?"),
    ("en", "I just need to talk"),
    ("en", "I have no one to talk to"),
    ("en", "is this a bot or a real person?"),
    ("en", "help, I need someone to talk to"),
    ("es", "¿puedo hablar con alguien?"),
    ("es", "necesito hablar con alguien"),
    ("es", "no tengo a nadie con quien hablar"),
    ("es", "solo necesito hablar"),
    ("de", "kann ich mit jemandem reden?"),
    ("de", "ich brauche jemanden zum Reden"),
    ("de", "gibt es hier einen echten Menschen?"),
    ("de", "ich will einfach nur reden"),
    ("ru", "мне не с кем поговорить"),
    ("ru", "можно поговорить с кем-нибудь?"),
    ("ru", "мне нужно с кем-то поговорить"),
    ("ru", "кто-нибудь живой тут есть?"),
    ("fr", "je peux parler à quelqu'un ?"),
    ("fr", "j'ai besoin de parler à quelqu'un"),
    ("fr", "je n'ai personne à qui parler"),
    ("pt", "posso falar com alguém?"),
    ("pt", "preciso falar com alguém"),
    ("pt", "não tenho ninguém com quem conversar"),
    ("uk", "можна з кимось поговорити?"),
    ("uk", "мені ні з ким поговорити"),
    ("uk", "мені треба з кимось поговорити"),
    ("hi", "क्या मैं किसी से बात कर सकता हूँ?"),
    ("hi", "मुझे किसी से बात करनी है"),
    ("hi", "मेरे पास बात करने के लिए कोई नहीं है"),
]


@pytest.mark.parametrize(("language", "text"), ASKED)
def test_asking_for_someone_to_talk_to_is_read_in_every_language(language: str, text: str) -> None:
    reading = read(text, language)
    assert (reading.kind, reading.topic, reading.language) == ("question", "talk", language)
    assert reading.clear


def test_romanised_hindi_is_read_too() -> None:
    """Latin letters read as English to the language model; the Hindi list is still tried."""
    assert read("kisi se baat karni hai", "hi").topic == "talk"


QA_ROUND = [
    "can i talk to someone",
    "I need someone to talk to",
    "is there a real person here?",
    "I just need to talk",
    "¿puedo hablar con alguien?",
    "kann ich mit jemandem reden?",
    "мне не с кем поговорить",
    "можно поговорить с кем-нибудь?",
]


@pytest.mark.parametrize("text", QA_ROUND)
def test_the_qa_rounds_messages_are_no_crisis_and_reach_the_talk_reply(text: str) -> None:
    """The crisis check runs first and decides alone: where it is unsure ("no tengo a nadie
    con quien hablar" is, and asks "are you safe?"), that is its call, not this topic's."""
    assert crisis.assess(text).level == "none"
    assert read(text).topic == "talk"


@pytest.mark.parametrize(
    ("text", "kind", "topic"),
    [
        ("can I talk to the hiring manager about feedback?", "question", "feedback"),
        ("how do I talk to my manager about the rejection", "question", "after_no"),
        ("are you a real person?", "greeting", "small_talk"),  # about the bot, answered so
        ("bist du ein echter Mensch?", "greeting", "small_talk"),
        ("talk to you later", "unsure", None),
        ("I talked to the recruiter today", "unsure", None),
        ("I need to talk to the recruiter", "unsure", None),
        ("nobody to talk to and I want to die", "distress", None),  # the crisis check first
    ],
)
def test_what_is_not_asking_for_a_person(text: str, kind: str, topic: str | None) -> None:
    reading = read(text, "en")
    assert (reading.kind, reading.topic) == (kind, topic)


def test_talk_is_a_topic_with_patterns_in_every_language() -> None:
    assert "talk" in QUESTION_TOPICS
    for section in ("listen.question.talk", "listen.in_flow.question.talk", "listen.group.talk"):
        counts = {locale: len(CONTENT.variants(section, locale)) for locale in CONTENT.catalogs}
        assert len(set(counts.values())) == 1 and min(counts.values()) >= 2, (section, counts)


TALK = read("can i talk to someone", "en")


def helplines_of(say: Say) -> str:
    ref = say.params["helplines"]
    assert isinstance(ref, Ref)
    return ref.key


def test_the_reply_names_the_lines_of_their_country_and_offers_to_listen() -> None:
    [reply] = listening.respond(TALK, listening.Situation(onboarded=True), None, "DE")
    assert reply.key == "listen.question.talk"
    assert helplines_of(reply) == "crisis.talk_lines.DE"
    assert [b.label for row in reply.buttons for b in row] == [
        "listen.buttons.vent",
        "listen.buttons.check_in",
    ]
    assert reply.buttons[0][0].data == listening.pack(listening.VENT)
    text = CONTENT.texts("en")("listen.question.talk", helplines="LINES")
    assert "LINES" in text and "bot" in text.casefold()


def test_someone_not_set_up_gets_it_too_with_set_up_second() -> None:
    [reply] = listening.respond(TALK, listening.Situation(onboarded=False))
    assert helplines_of(reply) == f"crisis.talk_lines.{crisis.INTERNATIONAL}"
    assert [b.label for row in reply.buttons for b in row] == [
        "listen.buttons.vent",
        "listen.buttons.set_up",
    ]


@pytest.mark.parametrize(
    ("timezone", "language_code", "country"),
    [
        ("Europe/Berlin", "en", "DE"),
        ("America/New_York", "ru", "US"),
        (None, "de", "DE"),
        (None, "en", crisis.INTERNATIONAL),
        ("UTC", None, crisis.INTERNATIONAL),
    ],
)
def test_whose_lines_come_from_the_time_zone_else_the_language(
    timezone: str | None, language_code: str | None, country: str
) -> None:
    person = User(id=1, timezone=timezone, language_code=language_code)
    assert listening.helplines_of(person) == country


def test_in_a_flow_the_lines_come_at_once_and_the_question_waits() -> None:
    heard = listening.Heard(TALK, None, "ES")
    first, second = heard.aside(kept=False)
    assert first.key == "listen.in_flow.question.talk"
    assert helplines_of(first) == "crisis.talk_lines.ES"
    assert second.key == "listen.in_flow.back_to_it"
    noted = heard.noted()
    assert noted is not None
    answer = noted.params["answer"]
    assert isinstance(answer, Ref) and answer.key == "listen.in_flow.question.talk"
    assert helplines_of(Say(answer.key, answer.params)) == "crisis.talk_lines.ES"


def test_in_a_group_nothing_personal_and_a_private_chat_one_tap_away() -> None:
    reply = listening.group_reply(TALK, "some_bot")
    assert reply is not None and reply.key == "listen.group.talk"
    assert reply.params == {}  # no lines, no name, none of their words
    [[button]] = reply.buttons
    assert button.url == "https://t.me/some_bot?start=talk"
    for locale in CONTENT.catalogs:
        for variant in range(len(CONTENT.variants("listen.group.talk", locale))):
            text = CONTENT.texts(locale)("listen.group.talk", variant=variant)
            assert "{" not in text and len(text) < 200
