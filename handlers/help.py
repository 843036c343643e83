"""/help: the commands, grouped by what they are for."""

from __future__ import annotations

from telegram.ext import CommandHandler, filters

from bot.runtime import RuntimeApp
from bot.services.replies import Say
from handlers.turn import Turn, handler


async def show(turn: Turn) -> None:
    if turn.private:
        turn.say(Say("help.private"))
    else:  # "/win@bot": a bare "/win" may go to another bot in the group (privacy mode)
        turn.say(Say("help.group", {"bot": turn.context.bot.username}))


def register(app: RuntimeApp) -> None:
    app.add_handler(CommandHandler("help", handler(show), filters=~filters.UpdateType.EDITED))
