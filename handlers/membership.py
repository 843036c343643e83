"""The bot's own membership (my_chat_member), in one handler: in private chats blocked means
stop sending, at once; in groups, handlers.groups keeps the group's row."""

from __future__ import annotations

from telegram import ChatMember
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler

from bot.runtime import RuntimeApp
from bot.services.users import ensure_user, mark_blocked
from handlers import groups
from handlers.turn import Turn, handler


@handler
async def my_membership(turn: Turn) -> None:
    change = turn.update.my_chat_member
    if change is None or change.chat.type == ChatType.CHANNEL:
        return
    if change.chat.type != ChatType.PRIVATE:
        await groups.bot_membership(turn)
        return
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await mark_blocked(turn.session, change.from_user.id, turn.now)
    elif status == ChatMember.MEMBER:
        await ensure_user(
            turn.session, change.from_user.id, change.from_user.language_code, turn.now
        )


def register(app: RuntimeApp) -> None:
    app.add_handler(ChatMemberHandler(my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
