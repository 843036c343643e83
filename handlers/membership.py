"""The bot's own membership in private chats: blocked means stop sending, at once."""

from __future__ import annotations

from telegram import ChatMember
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler

from bot.runtime import RuntimeApp
from bot.services.users import ensure_user, mark_blocked
from handlers.turn import Turn, handler


@handler
async def private_membership(turn: Turn) -> None:
    change = turn.update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await mark_blocked(turn.session, change.from_user.id, turn.now)
    elif status == ChatMember.MEMBER:
        await ensure_user(
            turn.session, change.from_user.id, change.from_user.language_code, turn.now
        )


def register(app: RuntimeApp) -> None:
    app.add_handler(ChatMemberHandler(private_membership, ChatMemberHandler.MY_CHAT_MEMBER))
