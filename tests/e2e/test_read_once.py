"""What a typed message costs (issue 17, section 4): the crisis check reads it once, and the
inbox stores the JSON Telegram sent instead of rebuilding it from PTB's objects."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from telegram import Update

from bot.services import crisis
from tests.e2e.harness import BotHarness, onboard
from tests.e2e.test_crisis import CRISIS
from tests.e2e.test_reflection import open_debrief


@pytest.fixture
def assessed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each text went through the crisis check (the gate's ``assess`` and the
    understanding's ``detect`` alike)."""
    counts: Counter[str] = Counter()
    real = crisis.assess

    def counting(text: str) -> crisis.Assessment:
        counts[text] += 1
        return real(text)

    monkeypatch.setattr(crisis, "assess", counting)
    return counts


async def test_a_typed_answer_is_read_for_a_crisis_once(
    bot: BotHarness, assessed: Counter[str]
) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Acme")
    assert "Acme" in (await user.next_message()).text  # the stage question, about Acme
    await user.send("I went for a walk today")  # no flow question open: listened to
    await user.next_message()
    assert assessed["Acme"] == 1
    assert assessed["I went for a walk today"] == 1


async def test_a_crisis_is_still_answered_with_care(
    bot: BotHarness, assessed: Counter[str]
) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send(CRISIS)
    care = await user.next_message()
    assert "you matter" in care.text.lower()
    assert assessed[CRISIS] == 1  # the gate answered; nothing read it again


async def test_the_inbox_stores_what_telegram_sent(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polling hands the inbox the JSON objects of getUpdates' answer
    (bot.telegram_http.UpdatesRequest): no update is rebuilt with ``to_dict()``."""

    def rebuilt(_self: Update, *_args: Any, **_kwargs: Any) -> dict[str, Any]:
        raise AssertionError("an update was rebuilt for the inbox")

    monkeypatch.setattr(Update, "to_dict", rebuilt)
    user = await onboard(bot)
    await user.send("/help")
    assert (await user.next_message()).text
