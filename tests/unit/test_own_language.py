"""Which language a person plainly writes in (understanding.language.plainly), and when their
words may still choose it (bot.services.own_language)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db.models import User
from bot.services import own_language
from bot.services.understanding.language import plainly

INTERFACE = ("en", "es", "de", "ru")
NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)

PLAIN = [
    ("hola, me rechazaron otra vez", "es"),
    ("gracias", "es"),
    ("sí, vale", "es"),
    ("no muy bien, como un 2", "es"),
    ("привет, мне опять отказали", "ru"),
    ("привет", "ru"),
    ("мне отказали", "ru"),
    ("danke, ich brauche eine Pause", "de"),
    ("ja, gerne, los geht's", "de"),
    ("Just got the rejection email from Stripe", "en"),
    ("this job hunt is killing me lol", "en"),
    ("привіт, мені знову відмовили", "uk"),  # Ukrainian: never switched to Russian
]


@pytest.mark.parametrize(("text", "language"), PLAIN)
def test_plain_words_name_their_language(text: str, language: str) -> None:
    assert plainly(text) == language


# Too short, shared by several languages, or a name: no language at all.
NOT_PLAIN = [
    "ok",
    "lol",
    "hi",
    "thanks",
    "ok thanks",
    "meh",
    "👍",
    "😭😭😭",
    "Acme",
    "Madrid",
    "Berlin",
    "Google",
    "Mercado Libre",
    "Zürich office",
    "09:00",
    "hallo",
    "no",
]


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_short_or_shared_words_name_none(text: str) -> None:
    assert plainly(text) is None


def person(**kwargs: object) -> User:
    return User(id=1, **kwargs)


def test_words_switch_to_a_language_of_ours_other_than_the_one_shown() -> None:
    user = person()
    assert own_language.switch(user, "hola, me rechazaron otra vez", "en", INTERFACE) == "es"
    assert user.locale == "es"


def test_words_in_the_shown_language_or_one_we_do_not_offer_switch_nothing() -> None:
    for text, written in (
        ("hola, me rechazaron otra vez", "es"),
        ("привіт, мені знову відмовили", "uk"),
        ("ok", None),
    ):
        user = person()
        assert own_language.switch(user, text, "es", INTERFACE) is None
        assert user.locale is None and user.words_language == written


def test_the_first_plain_words_decide_once() -> None:
    """English typed first: Spanish typed later switches nothing ("q puedes hacer tu")."""
    user = person()
    assert (
        own_language.switch(user, "how do i follow up if they havent replied", "en", INTERFACE)
        is None
    )
    assert user.words_language == "en" and not own_language.may_switch(user, NOW)


def test_russian_looking_words_never_make_a_ukrainian_app_russian() -> None:
    user = person(language_code="uk")
    assert own_language.switch(user, "привет, мне опять отказали", "en", INTERFACE) is None
    assert user.locale is None and user.words_language == "ru"


def test_only_the_first_messages_of_someone_who_chose_nothing_may_switch() -> None:
    assert own_language.may_switch(person(), NOW)  # not set up yet
    assert own_language.may_switch(person(onboarded_at=NOW - timedelta(hours=3)), NOW)
    assert not own_language.may_switch(person(onboarded_at=NOW - timedelta(days=2)), NOW)
    assert not own_language.may_switch(person(locale="en"), NOW)  # chosen, or switched once
    assert not own_language.may_switch(person(words_language="en"), NOW)  # words told it


def test_the_way_back_is_stored_as_a_choice() -> None:
    user = person(locale="es")
    assert own_language.choose(user, "en", INTERFACE) == "en"
    assert user.locale == "en" and not own_language.may_switch(user, NOW)
    assert own_language.choose(user, "fr", INTERFACE) is None and user.locale == "en"
