"""The summary card rendered as the person reads it, without Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.content import load_content
from bot.db.models import PlanAction, Rejection
from bot.emulator.html import parse_html
from bot.render import Renderer
from bot.services.reflection import card

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_card_shows_their_words_and_next_steps() -> None:
    record = Rejection(
        id=7,
        company="Acme <Labs>",
        stage="technical",
        mood=2,
        went_well=["rapport"],
        reasons=["tech_depth", "nerves"],
        outside=[],
        completed_at=NOW,
    )
    actions = [
        PlanAction(reason="tech_depth", variant=1, status="open", created_at=NOW),
        PlanAction(reason="nerves", variant=0, status="open", created_at=NOW),
    ]
    texts = load_content().texts("en")
    html = Renderer(texts).text(card(record, actions, seed=1))
    plain, _ = parse_html(html)
    assert "Acme <Labs>" in plain  # escaped in HTML, exact for the reader
    assert "Technical / task" in plain
    assert "😕 2" in plain
    assert "Good rapport" in plain
    assert "Technical depth, Nerves" in plain
    assert texts("reflection.actions.tech_depth", variant=1) in plain
    assert texts("reflection.actions.nerves", variant=0) in plain
    assert plain.count("• ") == 2
    assert "Outside your control" in plain
    assert texts("common.nothing") in plain  # nothing chosen there


def test_card_shows_the_notes_they_typed_escaped_and_trimmed() -> None:
    long_note = "I kept thinking about the whiteboard question " * 8
    record = Rejection(
        id=8,
        company=None,
        stage=None,
        mood=None,
        went_well=[],
        went_well_note="Good <b>rapport</b> & questions",
        reasons=["nerves"],
        reasons_note=long_note,
        note="six months of applying",
        outside=[],
        completed_at=NOW,
    )
    texts = load_content().texts("en")
    html = Renderer(texts).text(card(record, [], seed=0))
    plain, _ = parse_html(html)
    assert "Good <b>rapport</b> & questions" in plain  # shown as typed, not as markup
    assert "six months of applying" in plain
    shown_note = plain.split("“")[2].split("”")[0]
    assert shown_note.endswith("…") and len(shown_note) <= 160
    assert long_note.startswith(shown_note[:-1])
    assert not shown_note[:-1].endswith(" ")


def test_card_without_notes_has_no_notes_section() -> None:
    record = Rejection(
        id=9, went_well=["calm"], reasons=[], outside=[], completed_at=NOW, answered=[]
    )
    texts = load_content().texts("en")
    plain, _ = parse_html(Renderer(texts).text(card(record, [], seed=0)))
    assert "“" not in plain
    assert "Stayed calm" in plain
