"""The bot's update queue: long polling with Telegram's offset/conflict rules, and webhook state.

Updates wait here until the bot confirms them (a later getUpdates offset, or a 2xx webhook answer).
"Fetched" tracks whether the bot has received an update at least once, which ``wait_idle`` needs.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.emulator.errors import conflict
from bot.emulator.wakeup import Signal

# Update kinds Telegram leaves out unless allowed_updates asks for them.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# How long a new getUpdates waits to see whether the previous poller simply hung up.
_HANG_UP_GRACE = 0.05
# Telegram numbers a bot's updates sequentially; after this long without one, the next id is
# chosen at random instead (Bot API, Update.update_id).
RESTART_AFTER_S = 7 * 24 * 3600
RANDOM_RESTART_MAX = 2**30


class UpdateIds:
    """A bot's update ids as Telegram gives them: one more than the last, across runs when a
    ``path`` keeps them, and from a random number after a week without updates.

    Without a path (the tests' emulators) numbering starts at 1 in each run. With one (the
    demo's), the last id and when it was given are written there after each update, so a bot
    whose inbox still remembers a previous run's ids does not take new updates for copies."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.path = path
        self._clock = clock
        self._rng = rng or random.Random()
        self.next_id = 1
        self.last_at: float | None = None  # wall-clock seconds of the last update given out
        if path is not None and path.exists():
            try:
                saved = json.loads(path.read_text())
                self.next_id, self.last_at = int(saved["last_update_id"]) + 1, float(saved["at"])
            except (ValueError, KeyError, TypeError):
                pass  # unreadable: start as a new bot would

    def take(self) -> int:
        """The id of a new update."""
        now = self._clock()
        if self.last_at is not None and now - self.last_at >= RESTART_AFTER_S:
            self.next_id = self._rng.randint(1, RANDOM_RESTART_MAX)
        update_id = self.next_id
        self.seen(update_id, now)
        return update_id

    def seen(self, update_id: int, now: float | None = None) -> None:
        """An update with ``update_id`` was queued (numbered here or given by the caller)."""
        self.next_id = max(self.next_id, update_id + 1)
        self.last_at = self._clock() if now is None else now
        if self.path is not None:
            self._save()

    def _save(self) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".tmp")
        partial.write_text(json.dumps({"last_update_id": self.next_id - 1, "at": self.last_at}))
        os.replace(partial, self.path)


@dataclass
class Queued:
    update: dict[str, Any]
    fetched: bool = False


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    ip_address: str | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Poll:
    """One pending long-poll request; the server flags it when its client hangs up."""

    superseded: bool = False
    hung_up: asyncio.Event = field(default_factory=asyncio.Event)


class UpdateQueue:
    def __init__(self, on_activity: Callable[[], None], ids: UpdateIds | None = None):
        self._pending: list[Queued] = []
        self.ids = ids or UpdateIds()
        self._on_activity = on_activity
        self.changed = Signal()
        self._poll: Poll | None = None
        self._allowed: set[str] | None = None
        self.webhook: WebhookConfig | None = None
        self.closed = False
        self.fetched_total = 0  # distinct updates handed to the bot so far

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (numbering it unless it has an update_id); return its update_id."""
        if "update_id" not in update:
            update = {"update_id": self.ids.take(), **update}
        else:
            self.ids.seen(int(update["update_id"]))
        update_id = int(update["update_id"])
        if self._wanted(update):
            self._pending.append(Queued(update))
            self.changed.notify()
        self._on_activity()
        return update_id

    def _wanted(self, update: dict[str, Any]) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if self._allowed is None:
            return kind not in OPT_IN_UPDATES
        return kind in self._allowed or kind not in _KNOWN_KINDS

    def set_allowed(self, allowed_updates: list[str] | None) -> None:
        """Apply allowed_updates (kept for later calls, as Telegram does; [] means the default)."""
        if allowed_updates is not None:
            self._allowed = set(allowed_updates) or None

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def unfetched_count(self) -> int:
        return sum(not entry.fetched for entry in self._pending)

    def first_pending(self) -> Queued | None:
        return self._pending[0] if self._pending else None

    def drop_pending(self) -> None:
        self._pending.clear()
        self.changed.notify()
        self._on_activity()

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset`` (negative: keep only the last -offset updates)."""
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [e for e in self._pending if e.update["update_id"] >= offset]

    def delivered(self, entry: Queued) -> None:
        """A webhook answered 2xx for ``entry``: it is fetched and confirmed."""
        self.fetched_total += not entry.fetched
        entry.fetched = True
        if entry in self._pending:
            self._pending.remove(entry)
        self._on_activity()

    def _take(self, limit: int) -> list[dict[str, Any]]:
        batch = self._pending[:limit]
        if batch:
            for entry in batch:
                self.fetched_total += not entry.fetched
                entry.fetched = True
            self._on_activity()
        return [entry.update for entry in batch]

    def has_updates_for(self, offset: int | None) -> bool:
        """Whether getUpdates with ``offset`` would answer at once."""
        if offset is None or offset < 0:
            return bool(self._pending)
        return any(e.update["update_id"] >= offset for e in self._pending)

    async def get_updates(
        self, *, offset: int | None, limit: int, timeout: int, poll: Poll
    ) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        await self._supersede_current()
        if offset is not None:
            self.confirm(offset)
        limit = min(max(limit, 1), 100)
        batch = self._take(limit)
        if batch or timeout <= 0:
            return batch
        self._poll = poll
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if poll.superseded:
                    raise conflict(
                        "terminated by other getUpdates request; "
                        "make sure that only one bot instance is running"
                    )
                batch = self._take(limit)
                remaining = deadline - loop.time()
                if batch or self.closed or poll.hung_up.is_set() or remaining <= 0:
                    return batch
                await self.changed.wait(remaining)
        finally:
            if self._poll is poll:
                self._poll = None

    async def _supersede_current(self) -> None:
        """A new getUpdates ends the pending one with 409 unless its client already hung up."""
        current = self._poll
        if current is None:
            return
        try:
            await asyncio.wait_for(current.hung_up.wait(), _HANG_UP_GRACE)
        except TimeoutError:
            current.superseded = True
            self.changed.notify()

    def hang_up(self, poll: Poll) -> None:
        poll.hung_up.set()
        self.changed.notify()

    def close(self) -> None:
        """Answer every pending long poll so the server can stop."""
        self.closed = True
        self.changed.notify()


_KNOWN_KINDS = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
