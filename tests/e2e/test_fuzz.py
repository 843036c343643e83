"""300 random updates: odd Unicode, huge texts, edits, stray buttons, media, duplicate update ids.
Nothing may crash, hang, or make a call Telegram would reject."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import pytest

from bot.emulator import SimUser
from tests.e2e.harness import BotHarness

COMMANDS = ["/start", "/help", "/settings", "/cancel", "/nope", "/start settings", "/start ../../x"]
STALE_OR_FORGED = ["ob:1:abcd:tz:skip", "ob:1:x:consent:yes", "ss:1:tz", "ob:99:x:y:z", "st:1:tz:x"]
ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz ",
    "ÄÖÜßçãõñ ",
    "Привет мир ",
    "مرحبا بالعالم ",
    "こんにちは世界 ",
    "🙂😭🔥👍🏽👨‍👩‍👧 ",
    "<>&\"'/\\{}%s%d ",
    "\u200b\u200d\u202e\ufeff\u0301",
    "0123456789:+-. ",
]


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(ALPHABETS) * rng.randint(300, 700)  # well past 4096 characters
    alphabet = "".join(rng.sample(ALPHABETS, 2))
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))).strip() or "?"


async def random_action(rng: random.Random, user: SimUser, sent: list[int]) -> None:
    roll = rng.random()
    if roll < 0.30:
        sent.append(await user.send(random_text(rng)))
    elif roll < 0.45:
        sent.append(await user.send(rng.choice(COMMANDS)))
    elif roll < 0.65:
        latest = user.last_message
        buttons = [b for row in (latest.buttons if latest else []) for b in row if b.callback_data]
        if buttons:
            await user.tap(rng.choice(buttons).text, message=latest)
        elif user.messages:
            await user.tap_data(random_text(rng).encode()[:60].decode(errors="ignore") or "x")
        else:
            sent.append(await user.send(random_text(rng)))
    elif roll < 0.75 and sent:
        await user.edit(rng.choice(sent), random_text(rng))
    elif roll < 0.85:
        await rng.choice(
            [user.send_sticker, user.send_photo, user.send_voice, user.send_location]
        )()
    elif user.messages:
        await user.tap_data(rng.choice(STALE_OR_FORGED))
    else:
        sent.append(await user.send("/start"))


def raw_message(update_id: int, user: SimUser, text: str) -> dict[str, Any]:
    """A message update as Telegram sends it, built by hand so it can be sent twice."""
    person = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": 900_000 + update_id,
            "from": person,
            "chat": {"id": user.chat_id, "type": "private", "first_name": user.first_name},
            "date": int(time.time()),
            "text": text,
            **({"entities": entities} if text.startswith("/") else {}),
        },
    }


@pytest.mark.parametrize("seed", [1, 2])
async def test_random_updates_never_crash(
    bot: BotHarness, seed: int, caplog: pytest.LogCaptureFixture
) -> None:
    bot.emulator.set_rate_limits(False)  # this test is about input, not pacing
    rng = random.Random(seed)
    users = [bot.user(f"Fuzz{i}", language_code=rng.choice(["en", "de", None])) for i in range(30)]
    sent: dict[int, list[int]] = {u.id: [] for u in users}
    with caplog.at_level(logging.ERROR, logger="rebound.errors"):
        for _ in range(150):
            user = rng.choice(users)
            await random_action(rng, user, sent[user.id])
        # Telegram may deliver the same update twice; the bot must cope.
        for n, user in enumerate(rng.sample(users, 10)):
            update = raw_message(1_000_000 + n, user, rng.choice([*COMMANDS, "Berlin", "8pm"]))
            bot.emulator.inject_update(update)
            bot.emulator.inject_update(update)
        await bot.settle(timeout=60)
    assert [r.getMessage() for r in caplog.records if r.name == "rebound.errors"] == []
    answered = [u for u in users if u.messages or u.callback_answers]
    assert len(answered) >= 25
    # Bot still works for everyone afterwards.
    probe = users[0]
    await probe.send("/help")
    await bot.settle()
    assert probe.last_message is not None
    assert "Getting started" in probe.last_message.text
