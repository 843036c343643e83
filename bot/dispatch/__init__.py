"""The outbox worker: what falls due (check-ins, reviews, reminders, group posts) is built by the
feature that registered its kind (bot.dispatch.kinds) and sent at scheduled priority
(bot.dispatch.dispatcher)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dispatch.dispatcher import INTERVAL_SECONDS, Dispatcher
from bot.dispatch.kinds import Kinds

if TYPE_CHECKING:  # bot.wiring holds a Dispatcher
    from bot.wiring import ReboundApplication

__all__ = ["INTERVAL_SECONDS", "Dispatcher", "Kinds", "dispatch_due"]


async def dispatch_due(app: ReboundApplication) -> int:
    """Everything due now, as the periodic job sends it (the demo, tests and benchmarks)."""
    return await app.wiring.dispatcher.run()
