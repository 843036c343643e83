"""Names typed in a sentence: the words around them are dropped (data/name_titles.yaml)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.flow_engine import Accepted
from bot.services.names import PersonName, clean_name


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("her name is Julia Becker", "Julia Becker"),
        ("the hiring manager, her name is Julia Becker", "Julia Becker"),
        ("it's julia", "Julia"),
        ("I'm Sam Lee", "Sam Lee"),
        ("name: Tom", "Tom"),
        ("Julia Becker, the recruiter", "Julia Becker"),
        ('"Julia"', "Julia"),
        ("sie heißt Frau Schulz", "Frau Schulz"),
        ("se llama Ana García", "Ana García"),
        ("её зовут Юлия", "Юлия"),
        ("я Сергей", "Сергей"),
        # names that only look like lead-ins are kept whole
        ("Becker, Julia", "Becker, Julia"),
        ("Dr. Anna Chen", "Dr. Anna Chen"),
        ("An Nguyen", "An Nguyen"),
        ("Im Sung", "Im Sung"),
        ("Ian", "Ian"),
        ("Яна", "Яна"),
        ("surname is Lee", "surname is Lee"),
    ],
)
def test_the_name_without_the_words_around_it(typed: str, name: str) -> None:
    assert clean_name(typed) == name


def test_nothing_but_lead_in_words_keeps_the_answer_as_typed() -> None:
    assert clean_name("her name is") == "her name is"


def test_the_name_parser_stores_the_clean_name() -> None:
    parsed = PersonName(80, "reflection.trimmed")(
        "  his name is  tom  ", datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert isinstance(parsed, Accepted)
    assert parsed.value == "Tom"
