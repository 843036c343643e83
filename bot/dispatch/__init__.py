"""The outbox worker: what falls due (check-ins, reviews, reminders, group posts) is built by the
feature that registered its kind (bot.dispatch.kinds) and sent at scheduled priority
(bot.dispatch.dispatcher)."""

from __future__ import annotations

from bot.dispatch.dispatcher import INTERVAL_SECONDS, Dispatcher
from bot.dispatch.kinds import Kinds
from bot.runtime import RuntimeApp

__all__ = ["INTERVAL_SECONDS", "Dispatcher", "Kinds", "dispatch_due", "of"]


def of(app: RuntimeApp) -> Dispatcher:
    dispatcher = app.bot_data["dispatcher"]
    assert isinstance(dispatcher, Dispatcher)
    return dispatcher


async def dispatch_due(app: RuntimeApp) -> int:
    """Everything due now, as the periodic job sends it (the demo, tests and benchmarks)."""
    return await of(app).run()
