"""Updates from one chat are handled in order; different chats run side by side, up to
``max_concurrent_updates`` at once. Also counts finished updates, so the demo and tests can
wait until the bot is done.

One chat is a two-stage pipeline: an update holds the chat's *work* lock while it reads and
writes the database, and once its transaction is committed it trades it for the chat's *send*
lock (:func:`handoff`) to send its replies, which it gives up once they are out (:func:`sent`).
The chat's next update can do its database work while the previous replies are still on the
network, and still sends after them: the locks are first come, first served, so replies keep
the order of the updates.

A global slot is taken only once it is the update's turn in its chat (the work lock is held),
and given back at the handoff: a chat holds at most one slot, so one chat's backlog never
delays the others (PTB's stock ``process_update`` takes the slot first, so a chat's backlog
could fill every slot while each waited for the chat), and a reply waiting on the network or
on Telegram's per-chat pace holds no slot at all.
"""

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
    arrived: int = 0  # updates that entered it so far: each update's number in its chat


class _Slots:
    """The global bound, with a count of the slots taken."""

    def __init__(self, size: int) -> None:
        self._semaphore = asyncio.BoundedSemaphore(size)
        self.taken = 0

    async def take(self) -> None:
        await self._semaphore.acquire()
        self.taken += 1

    def give(self) -> None:
        self.taken -= 1
        self._semaphore.release()


@dataclass
class _InHand:
    """One update's place in its chat's pipeline."""

    chat: _Chat
    slots: _Slots
    number: int  # in its chat's order
    coalesce: bool = False
    slot: bool = False
    working: bool = False
    sending: bool = False

    async def begin(self) -> None:
        """The chat's turn first, then a slot."""
        await self.chat.work.acquire()
        self.working = True
        await self.slots.take()
        self.slot = True

    def _give_slot(self) -> None:
        if self.slot:
            self.slots.give()
            self.slot = False

    async def handoff(self) -> None:
        if self.working and not self.sending:
            self._give_slot()
            await self.chat.send.acquire()
            self.sending = True
            self.chat.work.release()
            self.working = False

    def done_sending(self) -> None:
        if self.sending:
            self.chat.send.release()
            self.sending = False

    def release(self) -> None:
        self._give_slot()
        if self.working:
            self.chat.work.release()
            self.working = False
        self.done_sending()


_CURRENT: ContextVar[_InHand | None] = ContextVar("rebound_update_in_hand", default=None)


async def handoff() -> None:
    """The update's writes are committed: give back its slot, and let the chat's next update
    start its database work while this one sends. A no-op outside the processor."""
    current = _CURRENT.get()
    if current is not None:
        await current.handoff()


def sent() -> None:
    """The update's replies are out: the chat's next update may send its own while this one
    finishes its bookkeeping (noting which message asks the open question). A no-op outside
    the processor."""
    current = _CURRENT.get()
    if current is not None:
        current.done_sending()


def coalesce_replies() -> None:
    """Flood control (handlers.gatekeeping): the current update is handled as usual, but when
    a later update of its chat has already come in, that one answers for both (see
    :func:`superseded`). A no-op outside the processor."""
    current = _CURRENT.get()
    if current is not None:
        current.coalesce = True


def superseded() -> bool:
    """True when the current update's replies are to be left to a later update of its chat:
    flood control asked for it, and one has come in (it sends after this one: the pipeline
    keeps the chat's order)."""
    current = _CURRENT.get()
    return current is not None and current.coalesce and current.chat.arrived > current.number


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int, metrics: Metrics | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.metrics = metrics or Metrics()
        # Runs after an update's handlers, still in the chat's turn (bot.intake marks it).
        self.after: Callable[[object], Awaitable[None]] | None = None
        self._chats: dict[int, _Chat] = {}
        # The global bound, taken once it is the update's turn in its chat (the base class's
        # own semaphore is private and taken before: see process_update).
        self._slots = _Slots(max_concurrent_updates)
        self.handled = 0
        self._changed = asyncio.Event()

    @property
    def current_concurrent_updates(self) -> int:
        """Updates holding a slot now (the base class counts its own semaphore, unused here)."""
        return self._slots.taken

    # PTB marks process_update @final, but documents it as the public entry point that the
    # Application calls (tests/unit/test_update_processor.py checks that it still does). The
    # base version takes the global slot before do_process_update can wait for the chat.
    async def process_update(  # type: ignore[misc]
        self, update: object, coroutine: Awaitable[Any]
    ) -> None:
        """Wait for the chat's turn, then for a global slot, then handle the update."""
        key = chat_key(update)
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat()
        chat.updates += 1
        chat.arrived += 1
        in_hand = _InHand(chat, self._slots, chat.arrived)
        token = _CURRENT.set(in_hand)
        try:
            await in_hand.begin()
            await self.do_process_update(update, coroutine)
        finally:
            _CURRENT.reset(token)
            in_hand.release()
            chat.updates -= 1
            if not chat.updates:
                del self._chats[key]  # nobody waiting: forget the chat, memory stays flat
            self.handled += 1
            self._changed.set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle one update; called with its chat's turn and a slot held (until the handoff)."""
        started = time.perf_counter()
        await coroutine
        if self.after is not None:
            await self.after(update)
        self.metrics.handler_seconds.observe(time.perf_counter() - started)
        self.metrics.count_update(update)

    async def wait_for(self, count: int) -> None:
        """Until at least ``count`` updates have been handled."""
        while self.handled < count:
            self._changed.clear()
            await self._changed.wait()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
