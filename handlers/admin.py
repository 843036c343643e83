"""/admin: for the operators in REBOUND_ADMIN_IDS only; to anyone else it does not exist."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import CommandHandler, filters

from bot.db.models import User
from bot.dispatch import Kinds
from bot.runtime import RuntimeApp
from bot.services import admin, callback_data
from bot.services.outbox import Claimed
from bot.services.replies import Say
from handlers import taps
from handlers.turn import Turn, handler


def _is_operator(turn: Turn) -> bool:
    user = turn.update.effective_user
    return turn.private and user is not None and user.id in turn.rt.settings.admin_ids


@handler
async def on_admin(turn: Turn) -> None:
    if not _is_operator(turn):
        turn.say(Say("fallback.unknown_command"))
        return
    args = turn.context.args or []
    message = turn.update.effective_message
    if args[:1] == ["stats"]:
        turn.say(await admin.stats(turn.session, turn.now))
    elif args[:1] == ["broadcast"] and len(args) > 1 and message and message.text:
        text = message.text.split(None, 2)[2]  # keep the operator's line breaks
        turn.say(await admin.draft_broadcast(turn.session, turn.person, text, turn.now))
    else:
        turn.say(Say("admin.usage"))


async def on_confirm(turn: Turn, tap: callback_data.WordTap) -> None:
    if not _is_operator(turn):
        taps.stale(turn)
        return
    turn.clear_tapped()
    if tap.word == "send":
        count = await admin.confirm_broadcast(turn.session, turn.person, turn.now)
        if count is None:
            taps.stale(turn)
        else:
            turn.say(Say("admin.broadcast_queued", {"count": count}))
    else:
        await admin.drop_broadcast(turn.session, turn.person)
        turn.say(Say("admin.broadcast_cancelled"))


async def _broadcast(_s: AsyncSession, item: Claimed, _u: User) -> Say | None:
    return admin.broadcast_message(str(item.payload.get("text", "")))


def scheduled(kinds: Kinds) -> None:
    """The kinds of scheduled message this feature sends (bot.dispatch.kinds)."""
    kinds.person(admin.BROADCAST, _broadcast)


def register(app: RuntimeApp) -> None:
    app.add_handler(CommandHandler("admin", on_admin, filters=~filters.UpdateType.EDITED))
    app.add_handler(taps.on(callback_data.ADMIN, on_confirm))
