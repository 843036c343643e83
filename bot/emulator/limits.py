"""Telegram's flood limits for message-sending methods, so a bot that floods gets 429 here too.

Telegram documents (Bot API FAQ, "My bot is hitting limits") roughly 30 messages per second
overall, about one per second in any one chat (short bursts tolerated; a group is a chat too)
and, in a group, no more than 20 per minute as well. The clock is injectable so tests can move
time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """``burst`` tokens, refilled at ``rate`` per second; one token per message."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 if one is available now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def _refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now


@dataclass
class SlidingWindow:
    """At most ``limit`` messages in any ``window`` seconds."""

    limit: int
    window: float
    sent: deque[float] = field(default_factory=deque)

    def wait_time(self, now: float) -> float:
        while self.sent and self.sent[0] <= now - self.window:
            self.sent.popleft()
        return 0.0 if len(self.sent) < self.limit else self.sent[0] + self.window - now

    def take(self, now: float) -> None:
        self.sent.append(now)


class RateLimiter:
    """Decides whether one more message may go to a chat now, and if not, how long to wait."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        overall_per_second: float = 30.0,
        private_burst: int = 5,
        private_per_second: float = 1.0,
        group_per_minute: int = 20,
    ):
        self._clock = clock
        self._overall = TokenBucket(overall_per_second, overall_per_second)
        self._chat_burst = private_burst
        self._chat_rate = private_per_second
        self._group_limit = group_per_minute
        self._chats: dict[int, TokenBucket] = {}
        self._groups: dict[int, SlidingWindow] = {}

    def acquire(self, chat_id: int, *, is_group: bool) -> int | None:
        """Count one message to ``chat_id``; return None if allowed, else Telegram's retry_after."""
        now = self._clock()
        limits: list[TokenBucket | SlidingWindow] = [
            self._overall,
            self._chats.setdefault(chat_id, TokenBucket(self._chat_rate, self._chat_burst)),
        ]
        if is_group:
            limits.append(self._groups.setdefault(chat_id, SlidingWindow(self._group_limit, 60.0)))
        wait = max(limit.wait_time(now) for limit in limits)
        if wait > 0:
            return max(1, math.ceil(wait))
        for limit in limits:
            limit.take(now)
        return None
