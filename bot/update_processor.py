"""Updates from one chat are handled in order; different chats may run side by side, up to a
bound. Also counts finished updates, so the demo and tests can wait until the bot is done.

One chat is a two-stage pipeline: an update holds the chat's *work* lock while it reads and
writes the database, and once its transaction is committed it trades it for the chat's *send*
lock (:func:`handoff`) to send its replies, which it gives up once they are out (:func:`sent`).
The chat's next update can do its database work while the previous replies are still on the
network, and still sends after them: the locks are first come, first served, so replies keep
the order of the updates."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
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


@dataclass
class _Chat:
    work: asyncio.Lock = field(default_factory=asyncio.Lock)
    send: asyncio.Lock = field(default_factory=asyncio.Lock)
    updates: int = 0  # in this chat's pipeline now; the chat is forgotten at zero


@dataclass
class _Slot:
    """One update's place in its chat's pipeline."""

    chat: _Chat
    working: bool = False
    sending: bool = False

    async def handoff(self) -> None:
        if self.working and not self.sending:
            await self.chat.send.acquire()
            self.sending = True
            self.chat.work.release()
            self.working = False

    def done_sending(self) -> None:
        if self.sending:
            self.chat.send.release()
            self.sending = False

    def release(self) -> None:
        if self.working:
            self.chat.work.release()
            self.working = False
        self.done_sending()


_CURRENT: ContextVar[_Slot | None] = ContextVar("rebound_update_slot", default=None)


async def handoff() -> None:
    """The update's writes are committed: let the chat's next update start its database work
    while this one sends. A no-op outside the processor."""
    slot = _CURRENT.get()
    if slot is not None:
        await slot.handoff()


def sent() -> None:
    """The update's replies are out: the chat's next update may send its own while this one
    finishes its bookkeeping (noting which message asks the open question). A no-op outside
    the processor."""
    slot = _CURRENT.get()
    if slot is not None:
        slot.done_sending()


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int, metrics: Metrics | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.metrics = metrics or Metrics()
        # Runs after an update's handlers, still in the chat's turn (bot.intake marks it).
        self.after: Callable[[object], Awaitable[None]] | None = None
        self._chats: dict[int, _Chat] = {}
        self.handled = 0
        self._changed = asyncio.Event()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        chat = self._chats.setdefault(key, _Chat())
        chat.updates += 1
        slot = _Slot(chat)
        token = _CURRENT.set(slot)
        try:
            await chat.work.acquire()
            slot.working = True
            started = time.perf_counter()
            await coroutine
            if self.after is not None:
                await self.after(update)
            self.metrics.handler_seconds.observe(time.perf_counter() - started)
            self.metrics.count_update(update)
        finally:
            _CURRENT.reset(token)
            slot.release()
            chat.updates -= 1
            if not chat.updates:
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
