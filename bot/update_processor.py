"""Updates from one chat are handled in order; different chats may run side by side, up to a
bound. Also counts finished updates, so the demo and tests can wait until the bot is done."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.metrics import Metrics


def chat_key(update: object) -> int:
    """The chat an update belongs to (its user's id for chat-less updates, 0 for none)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int, metrics: Metrics | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.metrics = metrics or Metrics()
        # Runs after an update's handlers, still in the chat's turn (bot.intake marks it).
        self.after: Callable[[object], Awaitable[None]] | None = None
        self._chats: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # lock, [updates holding it]
        self.handled = 0
        self._changed = asyncio.Event()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        lock, users = self._chats.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                started = time.perf_counter()
                await coroutine
                if self.after is not None:
                    await self.after(update)
                self.metrics.handler_seconds.observe(time.perf_counter() - started)
                self.metrics.count_update(update)
        finally:
            users[0] -= 1
            if not users[0]:
                del self._chats[key]  # nobody waiting: forget the chat, memory stays flat
            self.handled += 1
            self._changed.set()

    async def wait_for(self, count: int) -> None:
        """Until at least ``count`` updates have been handled."""
        while self.handled < count:
            self._changed.clear()
            await self._changed.wait()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
