"""Helpers for the emulator's tests: spec shape checks and raw getUpdates."""

from __future__ import annotations

from typing import Any

import httpx

from bot.emulator.spec import BotApiSpec


def assert_shape(type_name: str, value: Any) -> None:
    """Fail unless ``value`` has exactly the fields the Bot API spec allows for ``type_name``."""
    problems = BotApiSpec.load().check_output(type_name, value)
    assert problems == [], problems


async def raw_updates(http: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """getUpdates over plain HTTP, returning the JSON updates exactly as sent."""
    body = (await http.post("/getUpdates", data={"timeout": 0, **params})).json()
    assert body["ok"] is True, body
    updates: list[dict[str, Any]] = body["result"]
    return updates
