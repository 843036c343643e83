"""Builders for the Bot API objects the emulator returns or puts into updates."""

from __future__ import annotations

from typing import Any

from bot.emulator.state import ChatState, StoredFile, UserInfo

# Rights every emulated administrator holds (the required fields of ChatMemberAdministrator).
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


# The permission fields of ChatMemberRestricted (all required).
RESTRICTED_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_edit_tag",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)


def user_json(user: UserInfo) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name}
    if user.last_name:
        data["last_name"] = user.last_name
    if user.username:
        data["username"] = user.username
    if user.language_code:
        data["language_code"] = user.language_code
    return data


def chat_json(chat: ChatState) -> dict[str, Any]:
    data: dict[str, Any] = {"id": chat.id, "type": chat.type}
    if chat.user is not None:
        data["first_name"] = chat.user.first_name
        if chat.user.last_name:
            data["last_name"] = chat.user.last_name
        if chat.user.username:
            data["username"] = chat.user.username
    else:
        data["title"] = chat.title or ""
    if chat.is_forum:
        data["is_forum"] = True
    return data


def chat_full_info_json(chat: ChatState) -> dict[str, Any]:
    return {
        **chat_json(chat),
        "accent_color_id": abs(chat.id) % 7,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
            "gifts_from_channels": True,
        },
    }


def member_json(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember of the given status ("creator", "administrator", "member", "left", "kicked")."""
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **dict.fromkeys(ADMIN_RIGHTS, True),
            "can_pin_messages": True,
            "can_manage_topics": True,
        }
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    if status == "restricted":  # still in the group, allowed to send nothing (until lifted)
        return {
            "status": "restricted",
            "user": user,
            "is_member": True,
            **dict.fromkeys(RESTRICTED_RIGHTS, False),
            "until_date": 0,
        }
    return {"status": status, "user": user}


def document_json(stored: StoredFile) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "mime_type": stored.mime_type,
        "file_size": len(stored.content),
    }
    if stored.file_name:
        data["file_name"] = stored.file_name
    return data


def photo_sizes_json(stored: StoredFile) -> list[dict[str, Any]]:
    """Telegram answers a photo with several sizes; the emulator keeps one file for all of them."""
    size = len(stored.content)
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": size,
            "width": width,
            "height": height,
        }
        for width, height in ((90, 67), (320, 240), (800, 600))
    ]


def file_json(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }
