"""The bot's own settings: identity, command lists, menu button, files, session."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.keyboards import check_web_app
from bot.emulator.methods.base import Method
from bot.emulator.objects import ADMIN_RIGHTS, file_json
from bot.emulator.state import State

MAX_COMMANDS = 100
MAX_DESCRIPTION = 256  # one command's description
MAX_BOT_DESCRIPTION = 512  # setMyDescription: "0-512 characters"
MAX_SHORT_DESCRIPTION = 120  # setMyShortDescription: "0-120 characters"
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")  # "A two-letter ISO 639-1 language code"
_GLOBAL_SCOPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)


def scope_key(
    scope_type: str = "default", chat_id: int | None = None, user_id: int | None = None
) -> str:
    """How command lists are filed: the scope type plus the chat (and user) it names."""
    return ":".join(str(part) for part in (scope_type, chat_id, user_id) if part is not None)


def language_code(params: dict[str, Any]) -> str:
    """The call's language_code: empty (everyone without a dedicated version) or two letters.
    Telegram refuses the rest ("en-US", "pt_BR", "eng"); its exact wording is not documented,
    so this one is the emulator's."""
    code = params.get("language_code") or ""
    if code and not _LANGUAGE_CODE.match(code):
        raise bad_request(f"invalid language code {code!r}: a two-letter ISO 639-1 code expected")
    return str(code)


def _scope(state: State, params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    kind = scope["type"]
    language = language_code(params)
    if kind in _GLOBAL_SCOPES:
        return scope_key(kind), language
    if kind not in ("chat", "chat_administrators", "chat_member"):
        raise bad_request(f'unsupported bot command scope type "{kind}"')
    chat = state.find_chat(scope["chat_id"])
    return scope_key(kind, chat.id, scope.get("user_id")), language


async def get_me(state: State, params: dict[str, Any]) -> Any:
    return {
        **state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": not state.group_privacy,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def log_out(state: State, params: dict[str, Any]) -> Any:
    return True


async def close(state: State, params: dict[str, Any]) -> Any:
    return True


async def set_my_commands(state: State, params: dict[str, Any]) -> Any:
    commands = params["commands"]
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not _COMMAND_NAME.match(command["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not command["description"].strip():
            raise bad_request("command description must be non-empty")
        if len(command["description"]) > MAX_DESCRIPTION:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    state.commands[_scope(state, params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(state: State, params: dict[str, Any]) -> Any:
    return state.commands.get(_scope(state, params), [])


async def delete_my_commands(state: State, params: dict[str, Any]) -> Any:
    state.commands.pop(_scope(state, params), None)
    return True


async def set_chat_menu_button(state: State, params: dict[str, Any]) -> Any:
    button = params.get("menu_button", {"type": "default"})
    kind = button.get("type")
    if kind not in ("default", "commands", "web_app"):
        raise bad_request(f'unsupported menu button type "{kind}"')
    if kind == "web_app":  # MenuButtonWebApp: text, and web_app (WebAppInfo, an HTTPS URL)
        if not str(button.get("text") or "").strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        check_web_app(button.get("web_app") or {})
    if "chat_id" in params:
        state.find_chat(params["chat_id"]).menu_button = button
    else:
        state.default_menu_button = button
    return True


async def get_chat_menu_button(state: State, params: dict[str, Any]) -> Any:
    chat_button = state.find_chat(params["chat_id"]).menu_button if "chat_id" in params else None
    return chat_button or state.default_menu_button or {"type": "default"}


async def set_my_description(state: State, params: dict[str, Any]) -> Any:
    text = params.get("description") or ""
    if len(text) > MAX_BOT_DESCRIPTION:
        raise bad_request("description is too long")
    _store(state.descriptions, language_code(params), text)
    return True


async def get_my_description(state: State, params: dict[str, Any]) -> Any:
    return {"description": _stored(state.descriptions, language_code(params))}


async def set_my_short_description(state: State, params: dict[str, Any]) -> Any:
    text = params.get("short_description") or ""
    if len(text) > MAX_SHORT_DESCRIPTION:
        raise bad_request("short description is too long")
    _store(state.short_descriptions, language_code(params), text)
    return True


async def get_my_short_description(state: State, params: dict[str, Any]) -> Any:
    return {"short_description": _stored(state.short_descriptions, language_code(params))}


def _store(texts: dict[str, str], language: str, text: str) -> None:
    """An empty text removes the language's own version (the default then shows)."""
    if text:
        texts[language] = text
    else:
        texts.pop(language, None)


def _stored(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("", "")


async def set_my_default_administrator_rights(state: State, params: dict[str, Any]) -> Any:
    for_channels = bool(params.get("for_channels"))
    rights = params.get("rights")
    if rights:
        state.default_admin_rights[for_channels] = dict(rights)
    else:
        state.default_admin_rights.pop(for_channels, None)
    return True


async def get_my_default_administrator_rights(state: State, params: dict[str, Any]) -> Any:
    for_channels = bool(params.get("for_channels"))
    return default_admin_rights(state, for_channels)


def default_admin_rights(state: State, for_channels: bool = False) -> dict[str, Any]:
    """The rights suggested when the bot is added as an administrator (none set: all off)."""
    stored = state.default_admin_rights.get(for_channels, {})
    rights: dict[str, Any] = {"is_anonymous": False, **dict.fromkeys(ADMIN_RIGHTS, False)}
    rights.update(stored)
    return rights


async def get_file(state: State, params: dict[str, Any]) -> Any:
    return file_json(state.file(params["file_id"]))


METHODS: dict[str, Method] = {
    "getMe": get_me,
    "logOut": log_out,
    "close": close,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getFile": get_file,
    "setMyDescription": set_my_description,
    "getMyDescription": get_my_description,
    "setMyShortDescription": set_my_short_description,
    "getMyShortDescription": get_my_short_description,
    "setMyDefaultAdministratorRights": set_my_default_administrator_rights,
    "getMyDefaultAdministratorRights": get_my_default_administrator_rights,
}
