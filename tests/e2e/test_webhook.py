"""Webhook mode end to end: the emulator POSTs updates to PTB's webhook server on loopback,
with Telegram's secret header; a request without the right secret is refused unprocessed."""

from __future__ import annotations

import socket

import httpx
from telegram import Update

from bot.app import start_without_runner
from tests.e2e.harness import BotHarness

SECRET = "a-long-random-secret_123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_webhook_round_trip_and_secret_check(harness: BotHarness) -> None:
    app = harness.new_instance()
    await start_without_runner(app)
    port = free_port()
    url = f"http://127.0.0.1:{port}/rebound"
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="rebound",
        webhook_url=url,
        secret_token=SECRET,
        allowed_updates=Update.ALL_TYPES,
    )
    user = harness.user()
    await user.send("/help")
    assert "Getting started" in (await user.next_message()).text  # delivered by webhook
    update = {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": user.id, "type": "private", "first_name": "X"},
            "from": {"id": user.id, "is_bot": False, "first_name": "X"},
            "text": "/cancel",
            "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        },
    }
    async with httpx.AsyncClient() as client:
        missing = await client.post(url, json=update)
        wrong = await client.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
    assert missing.status_code == 403
    assert wrong.status_code == 403
    await user.expect_silence()  # neither request was processed
    await harness.stop(app)
