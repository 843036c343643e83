"""The feedback tagger: themes from real-sounding replies, and generic form replies."""

from __future__ import annotations

import pytest

from bot.services.feedback_tags import TAGS, read_feedback


@pytest.mark.parametrize(
    ("reply", "tags", "generic"),
    [
        (
            "Your system design answers lacked depth and the examples were a bit vague.",
            ("technical", "examples"),
            False,
        ),
        (
            "The panel felt your answers were rambling; we'd like more concise, structured ones.",
            ("communication",),
            False,
        ),
        (
            "We were looking for someone more senior with 5+ years in fintech.",
            ("experience",),
            False,
        ),
        (
            "Thank you. We have decided to move forward with another candidate whose profile "
            "more closely matches our needs.",
            (),
            True,
        ),
        (
            "Many strong applicants; we went another direction, but your SQL skills impressed us.",
            ("technical",),
            True,
        ),
        ("Tu motivación y el fit cultural fueron buenos.", ("fit",), False),
        ("You seemed NERVOUS and unsure about our product.", ("research", "nerves"), False),
        ("", (), False),
    ],
)
def test_reading_feedback(reply: str, tags: tuple[str, ...], generic: bool) -> None:
    reading = read_feedback(reply)
    assert reading.tags == tags
    assert reading.generic is generic


def test_words_inside_other_words_do_not_match() -> None:
    assert read_feedback("The codename was fitting; startling energy").tags == ("nerves",)
    assert set(TAGS) == {
        "technical",
        "examples",
        "communication",
        "experience",
        "fit",
        "research",
        "nerves",
    }


def test_odd_unicode_and_huge_text_do_not_crash() -> None:
    assert read_feedback("🙂" * 5000 + "\u202e\u200d").tags == ()
    assert "technical" in read_feedback("Téchnical déPTH " * 2000).tags
