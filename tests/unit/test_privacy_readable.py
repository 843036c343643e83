"""/export's readable copy speaks the person's language (issue 21): stage, mood, reasons and a
feedback request's state are labels from that language's catalogue, never the stored ids."""

from __future__ import annotations

import html

import pytest

from bot.content import load_content
from bot.render import Renderer
from bot.services import privacy

CONTENT = load_content()
DOCUMENT = {
    "user": {"timezone": "Europe/Madrid"},
    "debriefs": [
        {
            "created_at": "2026-01-15T09:00:00",
            "company": "Acme",
            "role": None,
            "stage": "final_round",
            "mood": 2,
            "went_well": ["rapport", "examples"],
            "reasons": ["tech_depth"],
            "outside": ["internal"],
            "went_well_note": None,
            "reasons_note": "the system design part",
        }
    ],
    "feedback_requests": [{"company": None, "status": "followed_up", "reply_text": None}],
}
IDS = ("final_round", "tech_depth", "followed_up")  # ids no label could contain


@pytest.mark.parametrize("locale", sorted(CONTENT.catalogs))
def test_the_readable_copy_shows_labels_in_the_persons_language(locale: str) -> None:
    texts = CONTENT.texts(locale)
    renderer = Renderer(texts)
    readable = "\n\n".join(html.unescape(renderer.text(p)) for p in privacy.markdown(DOCUMENT))

    labels = [
        texts("reflection.stage.final_round"),
        texts("reflection.mood.2"),
        texts("reflection.went_well.rapport"),
        texts("reflection.went_well.examples"),
        texts("reflection.reason.tech_depth"),
        texts("reflection.outside.internal"),
        texts("feedback.state.followed_up"),
    ]
    for label in labels:
        assert html.unescape(label) in readable, (locale, label)
    assert not any(raw in readable for raw in IDS), readable
    assert "the system design part" in readable and "Acme" in readable
    nothing = texts("common.nothing")
    assert readable.count(nothing) >= 3  # no role, no company, no reply
