"""/cancel: leave whatever flow is running. Always works; answers so far stay saved
(and when none were given, it says so rather than "what you told me is saved")."""

from __future__ import annotations

from telegram.ext import CommandHandler, filters

from bot.runtime import RuntimeApp
from bot.services import flows
from bot.services.replies import Say
from handlers.turn import Turn, handler


@handler
async def cancel(turn: Turn) -> None:
    if not turn.private:
        turn.say(Say("cancel.nothing"))
        return
    stopped = await flows.stop(turn.session, turn.chat_id, turn.person.id)
    if stopped is None:
        turn.say(Say("cancel.nothing"))
    else:
        turn.say(Say("cancel.done" if stopped.answered else "cancel.done_empty"))


def register(app: RuntimeApp) -> None:
    app.add_handler(CommandHandler("cancel", cancel, filters=~filters.UpdateType.EDITED))
