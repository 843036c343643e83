"""Per-person flood control: someone sending dozens of messages a second is slowed down
politely (one note, then their extra updates are set aside for a moment); others are not
affected. Kept in memory: it protects this process, and a restart forgives everyone."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW = 10.0  # seconds
LIMIT = 20  # updates per window
COOLDOWN = 20.0  # seconds of ignoring after the limit is hit
MAX_TRACKED = 50_000  # people remembered at once; the quietest are forgotten first


@dataclass
class _Person:
    times: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0
    warned: bool = False


class FloodGate:
    """``check(user_id, now)`` returns "ok", "warn" (first update over the limit: say so
    once) or "drop" (ignore it). ``now`` is a monotonic time in seconds."""

    def __init__(self, limit: int = LIMIT, window: float = WINDOW, cooldown: float = COOLDOWN):
        self.limit, self.window, self.cooldown = limit, window, cooldown
        self._people: dict[int, _Person] = {}

    def check(self, user_id: int, now: float) -> str:
        person = self._people.pop(user_id, None) or _Person()
        self._people[user_id] = person  # most recent last: dict order is the eviction order
        if len(self._people) > MAX_TRACKED:
            del self._people[next(iter(self._people))]
        if now < person.blocked_until:
            return "drop"
        times = person.times
        while times and times[0] <= now - self.window:
            times.popleft()
        times.append(now)
        if len(times) <= self.limit:
            person.warned = False
            return "ok"
        person.blocked_until = now + self.cooldown
        times.clear()
        if person.warned:
            return "drop"
        person.warned = True
        return "warn"
