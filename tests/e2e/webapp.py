"""Opening the Mini App in tests: a running Rebound with REBOUND_WEBAPP_URL set, its /app/
served by the health-port server on loopback, and init data the emulator signs for a person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from bot.config import Settings
from bot.emulator import SimUser
from bot.server import OpsServer
from tests.e2e.harness import BotHarness

PUBLIC_URL = "https://rebound.example/app/"


def enable_webapp(harness: BotHarness) -> None:
    """Before the first instance starts: the settings switch the Mini App on."""
    harness.settings = Settings(**{**harness.settings.model_dump(), "webapp_url": PUBLIC_URL})


def auth(harness: BotHarness, user: SimUser) -> dict[str, str]:
    """The header the page sends, with init data signed now (the bot's clock)."""
    signed = user.web_app_init_data(int(harness.clock.now().timestamp()))
    return {"Authorization": f"tma {signed}"}


@asynccontextmanager
async def app_server(harness: BotHarness) -> AsyncIterator[httpx.AsyncClient]:
    """The health-port server of the running instance, and a client for it."""
    server = OpsServer(harness.instances[-1], listen="127.0.0.1", port=0)
    port = await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        await server.stop()


async def journey(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = await client.get("/app/api/me", headers=headers)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document
