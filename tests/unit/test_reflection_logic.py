"""The pure parts of the debrief: company/role, reframe, next actions, patterns."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.content import load_content
from bot.services.reflection import (
    ACTION_VARIANTS,
    OUTSIDE,
    REASONS,
    STAGES,
    DebriefFacts,
    Patterns,
    choose_actions,
    choose_reframe,
    find_patterns,
    mood_band,
    split_company_role,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme", ("Acme", None)),
        ("Acme, product designer", ("Acme", "product designer")),
        ("Product designer at Acme", ("Acme", "Product designer")),
        ("Engineer @ Globex GmbH", ("Globex GmbH", "Engineer")),
        ("Initech - QA lead", ("Initech", "QA lead")),
        ("Müller & Söhne — Buchhalterin", ("Müller & Söhne", "Buchhalterin")),
        ("Data analyst at", ("Data analyst at", None)),
        ("Acme!! 🚀", ("Acme", None)),  # the cheer around a name is not part of it
        ("Designer at Globex 🎉", ("Globex", "Designer")),
        ("Booking.com!", ("Booking.com", None)),
        ("Umbrella <Corp>", ("Umbrella <Corp>", None)),  # its own marks stay
        ("🚀", ("🚀", None)),  # nothing but a mark: kept as typed
        ("   ", (None, None)),
    ],
)
def test_company_and_role_are_split_sensibly(
    text: str, expected: tuple[str | None, str | None]
) -> None:
    assert split_company_role(text) == expected


@pytest.mark.parametrize(
    ("outside", "stage", "key"),
    [
        (["unknown", "internal"], "final_round", "reflection.reframe.internal"),
        (["budget"], None, "reflection.reframe.budget"),
        (["gut", "experience"], "technical", "reflection.reframe.experience"),
        ([], "final_round", "reflection.reframe.final_round"),
        ([], "application", "reflection.reframe.early"),
        (["unknown"], "technical", "reflection.reframe.unknown"),
        ([], None, "reflection.reframe.generic"),
    ],
)
def test_reframe_fits_their_own_answers(outside: list[str], stage: str | None, key: str) -> None:
    assert choose_reframe(outside, stage) == key


def test_actions_follow_reasons_rotate_and_cap_at_three() -> None:
    assert choose_actions(["nerves", "research"], [], Counter()) == [("nerves", 0), ("research", 0)]
    used = Counter({"nerves": 4})
    assert choose_actions(["nerves"], [], used) == [("nerves", 4 % ACTION_VARIANTS)]
    four = ["off_guard", "tech_depth", "examples", "nerves"]
    assert [r for r, _ in choose_actions(four, [], Counter())] == four[:3]


def test_repeated_reasons_come_first_and_fallbacks() -> None:
    picked = choose_actions(["nerves", "research"], ["tech_depth"], Counter())
    assert [r for r, _ in picked] == ["tech_depth", "nerves", "research"]
    assert choose_actions(["not_sure"], [], Counter()) == [("not_sure", 0)]
    assert choose_actions([], [], Counter()) == [("general", 0)]


def test_patterns_need_three_debriefs() -> None:
    two = [DebriefFacts("final_round", ("tech_depth",))] * 2
    assert find_patterns(two) == Patterns(None, ())
    history = [
        DebriefFacts("final_round", ("tech_depth", "nerves")),
        DebriefFacts("final_round", ("tech_depth",)),
        DebriefFacts("technical", ("tech_depth", "not_sure")),
        DebriefFacts("final_round", ("not_sure",)),
    ]
    patterns = find_patterns(history)
    assert patterns.stage == ("final_round", 3, 4)
    assert patterns.reasons == (("tech_depth", 3),)
    assert patterns.any


def test_no_pattern_when_nothing_repeats_and_not_sure_never_counts() -> None:
    history = [
        DebriefFacts(stage, ("not_sure",)) for stage in ("application", "technical", "offer")
    ]
    assert find_patterns(history) == Patterns(None, ())


def test_mood_bands() -> None:
    assert [mood_band(m) for m in range(1, 6)] == ["low", "low", "mid", "high", "high"]


def test_content_has_every_option_and_action_variant() -> None:
    content = load_content()
    keys = content.all_keys()
    texts = content.texts("en")
    for stage in STAGES:
        assert f"reflection.stage.{stage}" in keys
    for value in OUTSIDE:
        assert f"reflection.outside.{value}" in keys
        assert value == "unknown" or f"reflection.reframe.{value}" in keys
    for reason in (*REASONS, "general"):
        assert reason == "general" or f"reflection.reason.{reason}" in keys
        assert texts.count(f"reflection.actions.{reason}") == ACTION_VARIANTS
    for band in ("low", "mid", "high"):
        assert texts.count(f"reflection.mood_reply.{band}") >= 2
