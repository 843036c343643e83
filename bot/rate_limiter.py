"""Rebound's rate limiter on python-telegram-bot's public ``BaseRateLimiter`` interface.

Telegram's limits (Bot API FAQ, "My bot is hitting limits"): about one message a second in a
chat (short bursts tolerated), at most 20 a minute in a group, and about 30 a second overall.
PTB's ``AIORateLimiter`` only paces the overall rate and groups, and after any 429 it pauses
*every* request, so one person sending 25 quick messages stalled the whole bot. This limiter:

* paces message sends per chat (a token bucket; in groups also a 20-per-minute window) and
  overall, so Telegram's limits are not hit in the first place;
* on a 429 pauses only the chat it came from (a call without a chat pauses everything, as
  Telegram then means the whole bot), and retries after Telegram's ``retry_after``, a bounded
  number of times;
* serves interactive replies first: sends made inside :func:`scheduled_sends` (the outbox
  dispatcher) take an overall token only when no reply is waiting for it and a few tokens are
  left over for the next reply, so a check-in burst uses what replies leave; when the bot
  stops, the scheduled sends still waiting for their turn are withdrawn, to be sent later.

The decisions live in :class:`SendScheduler`, plain code on an injectable clock (see
tests/unit/test_rate_limiter.py); :class:`ReboundRateLimiter` wires it to asyncio and PTB.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import logging
import math
import time
import warnings
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from enum import IntEnum
from typing import Any

from telegram.error import Forbidden, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.metrics import SENDS, Metrics

log = logging.getLogger("rebound.rate_limiter")

Result = bool | dict[str, Any] | list[dict[str, Any]]
ChatKey = int | str


class Priority(IntEnum):
    """Lower goes first."""

    INTERACTIVE = 0
    SCHEDULED = 1


class Withdrawn(Exception):
    """A scheduled send was still waiting for its turn when its stop event was set: nothing
    reached Telegram, so the caller may hand it back and send it later."""


@dataclass
class _Scheduled:
    stop: asyncio.Event | None
    started: bool = False  # a call of this job was granted: the rest follow, never withdrawn


_SCHEDULED: ContextVar[_Scheduled | None] = ContextVar("rebound_scheduled_send", default=None)


@contextlib.contextmanager
def scheduled_sends(stop: asyncio.Event | None = None) -> Iterator[None]:
    """Bot API calls made inside go at scheduled priority: after interactive replies, and only
    with overall capacity to spare. Once ``stop`` is set, a call still waiting for its turn
    raises :class:`Withdrawn` — unless an earlier call inside the same block already went, so
    a job of several messages is sent whole or not at all."""
    token = _SCHEDULED.set(_Scheduled(stop))
    try:
        yield
    finally:
        _SCHEDULED.reset(token)


# Methods that put a message in a chat (or change one): what Telegram's flood limits count.
_MESSAGE_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage")
_NOT_MESSAGES = frozenset({"sendChatAction"})


def counts_as_message(endpoint: str) -> bool:
    return endpoint.startswith(_MESSAGE_PREFIXES) and endpoint not in _NOT_MESSAGES


def chat_key(chat_id: object) -> ChatKey | None:
    """The chat a call is for: an int id, an ``@username`` (a channel or supergroup), or None."""
    if isinstance(chat_id, bool) or chat_id is None:
        return None
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id)
    with contextlib.suppress(ValueError):
        return int(text)
    return text


def is_group(chat: ChatKey) -> bool:
    """Groups, supergroups and channels have negative ids (or an @username); people positive."""
    return isinstance(chat, str) or chat < 0


def retry_after_seconds(exc: RetryAfter) -> float:
    """Telegram's ``retry_after`` in seconds, whichever type this PTB version gives it as
    (an int, with a deprecation warning, until PTB's next major version; then a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@dataclass(frozen=True)
class Limits:
    """How fast the bot sends: a little inside Telegram's documented limits, so the jitter of
    the network between here and Telegram never turns a paced send into a 429."""

    overall_per_second: float = 30.0
    # What may go at once after a pause (the dispatcher claiming its next batch). 30, as PTB's
    # AIORateLimiter allowed, drew 429s from the emulator in bench.sharing; 20 none.
    overall_burst: float = 20.0
    # Overall tokens a scheduled send must leave for the next interactive reply.
    reserve: float = 2.0
    chat_per_second: float = 1.0
    chat_burst: float = 3.0
    group_per_minute: int = 20
    group_window: float = 61.0  # seconds: a minute and a margin


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    at: float

    def level(self, now: float) -> float:
        return min(self.burst, self.tokens + max(0.0, now - self.at) * self.rate)

    def ready_at(self, now: float, need: float = 1.0) -> float:
        """When ``need`` tokens will be there (``now`` if they are)."""
        level = self.level(now)
        return now if level >= need else now + (need - level) / self.rate

    def take(self, now: float) -> None:
        self.tokens, self.at = self.level(now) - 1, now

    def idle(self, now: float) -> bool:
        return self.level(now) >= self.burst


@dataclass
class _Window:
    """At most ``limit`` sends in any ``seconds``."""

    limit: int
    seconds: float
    sent: list[float] = field(default_factory=list)

    def ready_at(self, now: float) -> float:
        self.sent = [t for t in self.sent if t > now - self.seconds]
        return now if len(self.sent) < self.limit else self.sent[-self.limit] + self.seconds

    def take(self, now: float) -> None:
        self.sent.append(now)


@dataclass(eq=False)
class Ticket:
    """One send waiting for its turn."""

    chat: ChatKey | None
    priority: Priority
    seq: int
    granted: bool = False
    on_grant: Callable[[], None] | None = None


@dataclass
class _ChatState:
    bucket: _Bucket
    window: _Window | None
    paused_until: float = -math.inf
    queue: list[Ticket] = field(default_factory=list)  # by seq

    def ready_at(self, now: float) -> float:
        ready = max(self.paused_until, self.bucket.ready_at(now))
        return max(ready, self.window.ready_at(now)) if self.window is not None else ready

    def idle(self, now: float) -> bool:
        return (
            not self.queue
            and self.paused_until <= now
            and self.bucket.idle(now)
            and (self.window is None or (self.window.ready_at(now) <= now and not self.window.sent))
        )


class SendScheduler:
    """Who may send now, on a clock the caller passes in (no waiting in here).

    :meth:`submit` queues a ticket; :meth:`grant` hands out the turns that are due now and
    says when to ask again. Within a chat tickets go in order; across chats interactive ones
    first, then by arrival."""

    PRUNE_ABOVE = 1024  # chats remembered before the idle ones are forgotten

    def __init__(self, limits: Limits, now: float) -> None:
        self.limits = limits
        self._overall = _Bucket(
            limits.overall_per_second, limits.overall_burst, limits.overall_burst, now
        )
        self._chats: dict[ChatKey, _ChatState] = {}
        self._waiting: dict[ChatKey | None, list[Ticket]] = {}
        self._seq = itertools.count()
        self.paused_until = -math.inf  # everything (a 429 on a call without a chat)
        self._prune_at = self.PRUNE_ABOVE

    def _chat(self, chat: ChatKey, now: float) -> _ChatState:
        state = self._chats.get(chat)
        if state is None:
            limits = self.limits
            burst = limits.chat_burst
            window = None
            if is_group(chat):
                window = _Window(limits.group_per_minute, limits.group_window)
            state = _ChatState(_Bucket(limits.chat_per_second, burst, burst, now), window)
            self._chats[chat] = state
        return state

    def submit(
        self, chat: ChatKey | None, priority: Priority, now: float, seq: int | None = None
    ) -> Ticket:
        """Queue a send (``seq``: keep an earlier place in line, for a retry)."""
        ticket = Ticket(chat, priority, next(self._seq) if seq is None else seq)
        if chat is not None:
            self._chat(chat, now)
        bisect.insort(self._waiting.setdefault(chat, []), ticket, key=lambda t: t.seq)
        return ticket

    def withdraw(self, ticket: Ticket) -> None:
        """A waiting send was cancelled."""
        queue = self._waiting.get(ticket.chat)
        if queue is not None and ticket in queue:
            queue.remove(ticket)
            if not queue:
                del self._waiting[ticket.chat]

    def pause(self, chat: ChatKey | None, until: float, now: float) -> None:
        """Telegram answered 429: nothing more to ``chat`` (None: to anyone) until ``until``."""
        if chat is None:
            self.paused_until = max(self.paused_until, until)
        else:
            state = self._chat(chat, now)
            state.paused_until = max(state.paused_until, until)

    def blocked_until(self, chat: ChatKey | None) -> float:
        """The end of a pause that applies to a call for ``chat`` (-inf: none)."""
        state = self._chats.get(chat) if chat is not None else None
        return max(self.paused_until, state.paused_until if state else -math.inf)

    def grant(self, now: float) -> tuple[list[Ticket], float | None]:
        """The tickets whose turn it is now, and when to ask again (None: nothing waits)."""
        granted: list[Ticket] = []
        if self.paused_until > now:
            return granted, self.paused_until if self._waiting else None
        while True:
            # A chat's first ticket goes at the best priority waiting behind it there, so a
            # reply is never stuck behind a scheduled send to the same chat.
            heads = sorted(
                ((min(t.priority for t in q), q[0].seq, q[0]) for q in self._waiting.values()),
                key=lambda head: head[:2],
            )
            wake = math.inf
            progress = False
            for priority, _seq, ticket in heads:
                ready = self._ready_at(ticket, priority, now)
                if ready > now:
                    wake = min(wake, ready)
                    continue
                self._take(ticket, now)
                granted.append(ticket)
                progress = True
                break  # that chat's next ticket (or a reply overtaking) is looked at afresh
            if not progress:
                break
        if len(self._chats) > self._prune_at:
            self._prune(now)
        return granted, (wake if self._waiting else None)

    def _ready_at(self, ticket: Ticket, priority: Priority, now: float) -> float:
        need = 1.0 if priority is Priority.INTERACTIVE else 1.0 + self.limits.reserve
        ready = self._overall.ready_at(now, need)
        if ticket.chat is not None:
            ready = max(ready, self._chats[ticket.chat].ready_at(now))
        return ready

    def _take(self, ticket: Ticket, now: float) -> None:
        self._overall.take(now)
        if ticket.chat is not None:
            state = self._chats[ticket.chat]
            state.bucket.take(now)
            if state.window is not None:
                state.window.take(now)
        queue = self._waiting[ticket.chat]
        queue.pop(0)
        if not queue:
            del self._waiting[ticket.chat]
        ticket.granted = True

    def _prune(self, now: float) -> None:
        for chat in [c for c, s in self._chats.items() if c not in self._waiting and s.idle(now)]:
            del self._chats[chat]
        self._prune_at = max(self.PRUNE_ABOVE, 2 * len(self._chats))

    @property
    def chats_remembered(self) -> int:
        return len(self._chats)


class ReboundRateLimiter(BaseRateLimiter[int]):
    """Paces the bot's Bot API calls (see the module docstring) and counts what comes back:
    messages sent, 429s and 403s. ``rate_limit_args``, as for PTB's AIORateLimiter, is the
    number of retries after a 429 for that one call.

    ``limits=None`` turns pacing off (429s are still waited out and retried), for benchmarks
    that measure the bot's own work rather than Telegram's limits."""

    def __init__(
        self,
        metrics: Metrics | None = None,
        *,
        limits: Limits | None = Limits(),
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metrics = metrics
        self.max_retries = max_retries
        self._clock = clock
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self.set_limits(limits)

    def set_limits(self, limits: Limits | None) -> None:
        """Start over with other limits (None: no pacing); for tests and benchmarks, while
        nothing waits."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._timer_at = None, math.inf
        self.limits = limits
        self._scheduler = SendScheduler(limits or Limits(), self._clock())

    @property
    def scheduler(self) -> SendScheduler:
        return self._scheduler

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        chat = chat_key(data.get("chat_id"))
        paced = self.limits is not None and counts_as_message(endpoint)
        scheduled = _SCHEDULED.get()
        seq: int | None = None
        for attempt in range(retries + 1):
            if paced:
                seq = await self._turn(chat, scheduled, seq)
            else:
                await self._unpaused(chat)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._count("429")
                wait = retry_after_seconds(exc)
                self._scheduler.pause(chat, self._clock() + wait, self._clock())
                if attempt == retries:
                    log.warning("%s: still 429 after %d retries", endpoint, retries)
                    raise
                log.info("%s: 429, retrying in %.1f s", endpoint, wait)
                continue
            except Forbidden:
                self._count("403")
                raise
            if endpoint in SENDS and self.metrics is not None:
                self.metrics.messages_sent.labels(endpoint).inc()
            return result
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _count(self, code: str) -> None:
        if self.metrics is not None:
            self.metrics.api_errors.labels(code).inc()

    async def _turn(
        self, chat: ChatKey | None, scheduled: _Scheduled | None, seq: int | None
    ) -> int:
        """Wait for this send's turn; returns its place in line (kept for a retry)."""
        loop = asyncio.get_running_loop()
        turn = loop.create_future()
        priority = Priority.INTERACTIVE if scheduled is None else Priority.SCHEDULED
        ticket = self._scheduler.submit(chat, priority, self._clock(), seq)

        def go() -> None:
            if not turn.done():
                turn.set_result(None)

        ticket.on_grant = go
        self._pump()
        stop = None if scheduled is None or scheduled.started else scheduled.stop
        try:
            if stop is None:
                await turn
            else:
                stopped = asyncio.ensure_future(stop.wait())
                try:
                    await asyncio.wait({turn, stopped}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    stopped.cancel()
                if not turn.done():
                    raise Withdrawn
        except (asyncio.CancelledError, Withdrawn):
            if not ticket.granted:
                self._scheduler.withdraw(ticket)
                self._pump()
            raise
        if scheduled is not None:
            scheduled.started = True
        return ticket.seq

    async def _unpaused(self, chat: ChatKey | None) -> None:
        """An unpaced call still waits out a 429 pause of its chat (or of everything)."""
        # A loop, not an Event: another 429 may lengthen the pause while this one sleeps.
        while (wait := self._scheduler.blocked_until(chat) - self._clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)

    def recheck(self) -> None:
        """Grant what is due now. A timer does this by itself; a test that moved the injected
        clock calls it."""
        self._pump()

    def _pump(self) -> None:
        """Grant what is due now and set a timer for when the next turn comes."""
        now = self._clock()
        granted, wake = self._scheduler.grant(now)
        for ticket in granted:
            if ticket.on_grant is not None:
                ticket.on_grant()
        if wake is None or wake >= self._timer_at:
            if wake is None and self._timer is not None:
                self._timer.cancel()
                self._timer, self._timer_at = None, math.inf
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = wake
        self._timer = asyncio.get_running_loop().call_later(max(0.0, wake - now), self._fire)

    def _fire(self) -> None:
        self._timer, self._timer_at = None, math.inf
        self._pump()
