"""Per-person flood control: someone sending dozens of messages in a few seconds gets one note,
then, for a breather, their replies are coalesced (only the latest of a burst is answered).
Nothing they write is ever set aside: every message is handled and stored as usual, and the
crisis check runs before this one. Others are not affected.

Messages are counted by when Telegram received them (the message's ``date``), not when they
are handled: a backlog (after a database outage, a restart) is handled in a rush, but its
messages were written at a normal pace. Taps carry no date: they are not counted, and share
the breather of the person's messages. Kept in memory: a restart forgives everyone."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

WINDOW = 10.0  # seconds
LIMIT = 20  # messages per window
COOLDOWN = 20.0  # seconds of breather after the limit is hit
MAX_TRACKED = 50_000  # people remembered at once; the quietest are forgotten first

# "ok": as usual; "warn": the first message over the limit (say so once, then as "quiet");
# "quiet": in the breather (handle it, but let a later message of the burst answer for it).
Verdict = Literal["ok", "warn", "quiet"]


@dataclass
class _Person:
    times: list[float] = field(default_factory=list)  # sorted send times within the window
    latest: float = float("-inf")  # the latest send time seen
    breather_until: float = float("-inf")


class FloodGate:
    """``check(user_id, sent_at)``: ``sent_at`` is when Telegram received the message, in
    seconds (a Unix time), or None for an update without one (a tap)."""

    def __init__(self, limit: int = LIMIT, window: float = WINDOW, cooldown: float = COOLDOWN):
        self.limit, self.window, self.cooldown = limit, window, cooldown
        self._people: dict[int, _Person] = {}

    def check(self, user_id: int, sent_at: float | None) -> Verdict:
        person = self._people.pop(user_id, None) or _Person()
        self._people[user_id] = person  # most recent last: dict order is the eviction order
        if len(self._people) > MAX_TRACKED:
            del self._people[next(iter(self._people))]
        if sent_at is None:
            return "quiet" if person.latest < person.breather_until else "ok"
        person.latest = max(person.latest, sent_at)
        if sent_at < person.breather_until:
            return "quiet"
        times = person.times
        # The window ends at the latest message; one that arrives out of order still counts if
        # it falls inside, and one from before it is no part of this burst.
        start = person.latest - self.window
        del times[: bisect.bisect_right(times, start)]
        if sent_at <= start:
            return "ok"
        bisect.insort(times, sent_at)
        if len(times) <= self.limit:
            return "ok"
        person.breather_until = sent_at + self.cooldown
        times.clear()
        return "warn"

    def tracked(self) -> int:
        """How many people are remembered now."""
        return len(self._people)
