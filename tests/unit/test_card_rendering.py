"""The summary card rendered as the person reads it, without Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.content import load_content
from bot.db.models import PlanAction, Rejection
from bot.emulator.html import parse_html
from bot.services.reflection import card
from handlers.render import Renderer

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
