"""An injectable clock: everything time-based asks it, so tests and the demo can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """Real time plus an offset that only grows: the demo's `:clock +1d` moves it forward.
    ``not_before`` (where a previous demo run left its clock) starts it there when that is
    later than real time, so what that run stored never lies in the future."""

    def __init__(self, not_before: datetime | None = None) -> None:
        self.offset = timedelta()
        if not_before is not None:
            self.offset = max(timedelta(), not_before - datetime.now(UTC))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta():
            raise ValueError("time only moves forward")
        self.offset += delta


class FrozenClock:
    """A clock that stands still until told to move (tests)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.current = start.astimezone(UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta
