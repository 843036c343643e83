"""What a method implementation is: an async function of the emulator state and decoded params."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.emulator.state import State


@dataclass
class Described:
    """A successful answer that also carries Telegram's "description" (setWebhook does this)."""

    result: Any
    description: str


Method = Callable[[State, dict[str, Any]], Awaitable[Any]]
