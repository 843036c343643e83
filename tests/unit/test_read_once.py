"""The seams that let a typed message be read once (issue 17, section 4): the understanding
takes the crisis check's answer, and the poller pairs PTB's updates with Telegram's JSON."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.intake import with_json
from bot.services import understanding

CRISIS = "honestly I don't see the point anymore, I want to end my life"


def test_the_understanding_takes_the_crisis_checks_answer() -> None:
    assert understanding.read(CRISIS).kind == "distress"  # read here when not given
    assert understanding.read(CRISIS, distress=True).kind == "distress"
    assert understanding.read("Acme", distress=True).kind == "distress"
    assert understanding.read(CRISIS, distress=False).kind != "distress"
    assert understanding.read("thanks!", "en", distress=False) == understanding.read("thanks!")


def _update(update_id: int, text: str) -> dict[str, Any]:
    chat = {"id": 7, "type": "private", "first_name": "Alex"}
    person = {"id": 7, "is_bot": False, "first_name": "Alex"}
    message = {"message_id": update_id, "date": 1_700_000_000, "chat": chat, "from": person}
    return {"update_id": update_id, "message": {**message, "text": text}}


def test_updates_are_paired_with_the_json_telegram_sent() -> None:
    sent = [_update(1, "Acme"), _update(2, "Back")]
    updates = [Update.de_json(data, None) for data in sent]
    paired = with_json(updates, sent)
    assert [data for data, _ in paired] == sent
    assert all(data is original for (data, _), original in zip(paired, sent, strict=True))
    assert [update for _, update in paired] == updates


def test_without_the_same_json_each_update_is_rebuilt() -> None:
    sent = [_update(1, "Acme"), _update(2, "Back")]
    updates = [Update.de_json(data, None) for data in sent]
    for kept in ([], sent[:1], [sent[1], sent[0]], [sent[0], "not an object"]):
        paired = with_json(updates, kept)
        assert [data for data, _ in paired] == [u.to_dict() for u in updates]
        assert [data["message"]["text"] for data, _ in paired] == ["Acme", "Back"]
