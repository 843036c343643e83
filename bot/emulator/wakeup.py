"""A broadcast wake-up for coroutines that wait on changing state (no polling sleeps)."""

from __future__ import annotations

import asyncio


class Signal:
    """Wakes every current waiter on ``notify``; waiters then re-check what they wait for."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float | None) -> bool:
        """Wait for the next ``notify``; False if ``timeout`` seconds passed first."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True
