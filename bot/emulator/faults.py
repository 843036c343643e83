"""Telegram's bad moments, on a share of calls: a 500 or 502 instead of an answer, or an answer
that comes late. Off unless a test or benchmark turns it on (``Emulator.faults``).

A failed call is answered before the method runs (nothing is sent, as when Telegram answers
5xx); a delayed call runs at once and its answer leaves ``delay_range`` seconds later, so the
message is already in the chat while the bot still waits (as with a slow Bot API). The draws
come from a seeded generator, so a run can be repeated.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field

from bot.emulator.errors import ApiReject

_FAILURES = (ApiReject(500, "Internal Server Error"), ApiReject(502, "Bad Gateway"))


@dataclass
class Faults:
    """``fail``: the share of calls answered 500 or 502 (half each); ``delay``: the share
    answered ``delay_range`` seconds late (uniform). ``methods`` limits both to those Bot API
    methods (None: every method but getUpdates, whose long poll is not a reply)."""

    fail: float = 0.0
    delay: float = 0.0
    delay_range: tuple[float, float] = (1.0, 3.0)
    methods: Collection[str] | None = None
    seed: int = 0
    failed: int = field(default=0, init=False)  # calls answered 5xx so far
    delayed: int = field(default=0, init=False)  # calls answered late so far
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not (0 <= self.fail <= 1 and 0 <= self.delay <= 1 and self.fail + self.delay <= 1):
            raise ValueError("fail and delay are shares of calls: each 0..1, together at most 1")
        low, high = self.delay_range
        if not 0 <= low <= high:
            raise ValueError("delay_range is (shortest, longest) seconds")
        self._rng = random.Random(self.seed)

    def applies(self, method: str) -> bool:
        if self.methods is None:
            return method != "getUpdates"
        return method in self.methods

    def draw(self, method: str) -> ApiReject | float | None:
        """For one call of ``method``: the failure to answer with, or seconds to hold the
        answer back, or None (answered normally)."""
        if not self.applies(method):
            return None
        roll = self._rng.random()
        if roll < self.fail:
            self.failed += 1
            return self._rng.choice(_FAILURES)
        if roll < self.fail + self.delay:
            self.delayed += 1
            return self._rng.uniform(*self.delay_range)
        return None
