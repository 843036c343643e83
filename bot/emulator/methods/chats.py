"""What the bot may ask about chats and their members, and leaving a group."""

from __future__ import annotations

from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.incoming import my_chat_member
from bot.emulator.methods.base import Method
from bot.emulator.objects import chat_full_info_json, member_json, user_json
from bot.emulator.state import ANONYMOUS_ADMIN, ChatState, State


async def get_chat(state: State, params: dict[str, Any]) -> Any:
    return chat_full_info_json(state.find_chat(params["chat_id"]))


def _status(state: State, chat: ChatState, user_id: int) -> str:
    if user_id == state.bot_id:
        return "member" if chat.type == "private" else chat.bot_status
    if chat.type == "private":
        return "member" if user_id == chat.id else "left"
    return chat.members.get(user_id, "left")


async def get_chat_member(state: State, params: dict[str, Any]) -> Any:
    chat = state.find_chat(params["chat_id"])
    user_id = params["user_id"]
    if user_id == state.bot_id:
        return member_json(state.bot_user, _status(state, chat, user_id))
    if user_id == ANONYMOUS_ADMIN.id:
        # The placeholder anonymous admins post as: not a participant, never an administrator.
        return member_json(user_json(ANONYMOUS_ADMIN), "left")
    user = state.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    return member_json(user_json(user), _status(state, chat, user_id))


async def get_chat_administrators(state: State, params: dict[str, Any]) -> Any:
    chat = state.find_chat(params["chat_id"])
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    admins = [
        member_json(user_json(state.users[user_id]), status)
        for user_id, status in chat.members.items()
        if status in ("creator", "administrator")
    ]
    if chat.bot_status == "administrator":
        admins.append(member_json(state.bot_user, "administrator"))
    return admins


async def leave_chat(state: State, params: dict[str, Any]) -> Any:
    chat = state.writable_chat(params["chat_id"])
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    old, chat.bot_status = chat.bot_status, "left"
    state.updates.push(my_chat_member(chat, state.bot_user, state.bot_user, old, "left"))
    return True


METHODS: dict[str, Method] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "leaveChat": leave_chat,
}
