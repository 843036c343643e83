"""Updates as Telegram builds them when people act: messages, taps, edits, membership changes."""

from __future__ import annotations

from typing import Any

from bot.emulator.objects import chat_json, member_json, user_json
from bot.emulator.state import ChatState, UserInfo, now


def user_message(
    chat: ChatState,
    sender: UserInfo | None,
    content: dict[str, Any],
    *,
    thread_id: int | None = None,
) -> dict[str, Any]:
    """A new Message in ``chat`` from ``sender`` (stored in the chat, numbered in its sequence)."""
    message: dict[str, Any] = {"message_id": chat.new_message_id()}
    if sender is not None:
        message["from"] = user_json(sender)
    message["chat"] = chat_json(chat)
    message["date"] = now()
    if thread_id is not None:
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True
        topic_start = chat.messages.get(thread_id)
        if topic_start is not None:
            message["reply_to_message"] = topic_start
    message.update(content)
    chat.messages[message["message_id"]] = message
    return message


def my_chat_member(
    chat: ChatState, actor: dict[str, Any], bot_user: dict[str, Any], old: str, new: str
) -> dict[str, Any]:
    """The my_chat_member update Telegram sends when the bot's status in ``chat`` changes."""
    return {
        "my_chat_member": {
            "chat": chat_json(chat),
            "from": actor,
            "date": now(),
            "old_chat_member": member_json(bot_user, old),
            "new_chat_member": member_json(bot_user, new),
        }
    }
