"""Round 9 (listen9): the French, Portuguese, Ukrainian and Hindi lists read a check-in answered
in words, a no told as one more, and a message that tells a mood and effort made together; the
morning check after a crisis reply is read in those languages too."""

from __future__ import annotations

import pytest

from bot.services import listening, understanding

# (language, a check-in answered in words, the mood)
MOODS = [
    ("fr", "bof", 3),
    ("fr", "pas mal", 4),
    ("fr", "pas terrible", 2),
    ("fr", "très bien", 5),
    ("pt", "não muito bem", 2),
    ("pt", "mais ou menos", 3),
    ("pt", "ótimo", 5),
    ("uk", "не дуже добре", 2),
    ("uk", "так собі", 3),
    ("uk", "непогано", 4),
    ("hi", "ठीक नहीं", 2),
    ("hi", "ठीक ठाक", 3),
    ("hi", "बहुत अच्छा", 5),
    ("hi", "thik nahi", 2),
]


@pytest.mark.parametrize(("language", "text", "mood"), MOODS)
def test_a_checkin_answered_in_words(language: str, text: str, mood: int) -> None:
    assert understanding.mood_in(text, language) == mood


# (language, a no told as one more, the same no told as a first one)
AGAIN = [
    ("fr", "encore un refus", "ils m'ont refusé"),
    ("pt", "mais uma rejeição", "fui rejeitada"),
    ("uk", "знову відмова", "мені відмовили"),
    ("hi", "फिर से रिजेक्ट हो गया", "रिजेक्ट हो गया"),
]


@pytest.mark.parametrize(("language", "again", "first"), AGAIN)
def test_a_no_told_as_one_more(language: str, again: str, first: str) -> None:
    told = understanding.read(again, language)
    assert (told.kind, told.again) == ("rejection", True)
    once = understanding.read(first, language)
    assert (once.kind, once.again) == ("rejection", False)


@pytest.mark.parametrize(
    ("language", "text", "effort"),
    [
        (
            "en",
            "honestly still a bit raw about zalando but I applied to two more places today",
            True,
        ),
        ("en", "still raw, nothing from anyone after 10 applications", False),
        ("en", "not great tbh", False),
        ("fr", "pas terrible mais j'ai envoyé 3 candidatures", True),
        ("de", "ganz ok, aber heute 3 Bewerbungen verschickt", True),
    ],
)
def test_effort_told_next_to_a_mood(language: str, text: str, effort: bool) -> None:
    assert understanding.progress_in(text, language) is effort


@pytest.mark.parametrize(
    ("language", "text", "day"),
    [
        ("en", "a bit better today", "better"),  # crisis.care's own phrases come first
        ("fr", "un peu mieux", "better"),
        ("fr", "pareil qu'hier", "same"),
        ("pt", "não muito bem", "hard"),
        ("uk", "так само", "same"),
        ("hi", "थोड़ा बेहतर", "better"),
        ("fr", "j'ai eu une offre !", None),  # news keeps its own reply
    ],
)
def test_the_morning_check_answered_in_words(language: str, text: str, day: str | None) -> None:
    assert listening.day_answer(understanding.read(text, language), text) == day


def test_ukrainian_read_by_the_persons_own_lists_stays_ukrainian() -> None:
    """The language model calls "цей бот класний" Russian; only the Ukrainian lists read it,
    and the person's Telegram is Ukrainian, so it is answered as Ukrainian, never in Russian."""
    reading = understanding.read("цей бот класний", "uk")
    assert (reading.kind, reading.topic, reading.language) == ("greeting", "praise", "uk")


@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("ugh, Zalando just said no after the final round", "Zalando"),
        ("Monzo finally turned me down", "Monzo"),
        ("Spotify said no", "Spotify"),
        ("Just said no to a recruiter", None),
    ],
)
def test_a_name_before_just_said_no_is_the_company(text: str, company: str | None) -> None:
    """listen9's demo run: "Zalando just said no" got the reply without the name."""
    assert understanding.read(text, "en").company == company
