"""Regenerate ``bot_api_subset.json``: the slice of the Bot API spec the emulator validates against.

The data comes from PaulSonOfLars/telegram-bot-api-spec (MIT licence), a machine-readable copy of
https://core.telegram.org/bots/api. The full file is large and lives outside the repository, so the
emulator ships only what it needs: the methods it implements, every type their parameters can hold,
and the shapes of the objects it returns (checked by the emulator's own tests).

Usage: ``python -m bot.emulator.make_spec_subset [path/to/telegram-bot-api.json]``
(default: ``<repo>/../shared/telegram-bot-api.json``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

SUBSET_PATH = Path(__file__).with_name("bot_api_subset.json")
DEFAULT_SOURCE = Path(__file__).resolve().parents[2].parent / "shared" / "telegram-bot-api.json"

METHODS: tuple[str, ...] = (
    "getMe",
    "logOut",
    "close",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "setChatMenuButton",
    "getChatMenuButton",
    "setMyDescription",
    "getMyDescription",
    "setMyShortDescription",
    "getMyShortDescription",
    "setMyDefaultAdministratorRights",
    "getMyDefaultAdministratorRights",
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendChatAction",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "editMessageMedia",
    "deleteMessage",
    "answerCallbackQuery",
    "getFile",
    "getChat",
    "getChatMember",
    "getChatAdministrators",
    "leaveChat",
)

# Objects the emulator returns or puts into updates; their fields (one level) are kept so tests can
# check that everything the emulator produces is shaped like the real thing.
OUTPUT_TYPES: tuple[str, ...] = (
    "Update",
    "MaybeInaccessibleMessage",
    "Message",
    "InaccessibleMessage",
    "User",
    "Chat",
    "ChatFullInfo",
    "AcceptedGiftTypes",
    "ChatMember",
    "ChatMemberOwner",
    "ChatMemberAdministrator",
    "ChatMemberMember",
    "ChatMemberLeft",
    "ChatMemberBanned",
    "ChatMemberRestricted",
    "ChatMemberUpdated",
    "CallbackQuery",
    "Document",
    "PhotoSize",
    "Voice",
    "Sticker",
    "Location",
    "File",
    "WebhookInfo",
    "ForumTopicCreated",
    "BotDescription",
    "BotShortDescription",
    "ChatAdministratorRights",
    "MessageReactionUpdated",
    "ReactionType",
    "ReactionTypeEmoji",
)

_TYPE_NAME = re.compile(r"[A-Z][A-Za-z]+")
_PRIMITIVES = {"Integer", "Float", "String", "Boolean", "True", "InputFile"}


def _referenced(types: list[str]) -> set[str]:
    names: set[str] = set()
    for declared in types:
        names.update(n for n in _TYPE_NAME.findall(declared) if n not in _PRIMITIVES | {"Array"})
    return names


def _slim_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": f["name"], "types": f["types"], "required": f["required"]} for f in fields]


def build_subset(spec: dict[str, Any]) -> dict[str, Any]:
    """Cut ``spec`` down to the implemented methods and the types they need."""
    all_types: dict[str, Any] = spec["types"]
    methods = {
        name: {
            "fields": _slim_fields(spec["methods"][name].get("fields", [])),
            "returns": spec["methods"][name]["returns"],
        }
        for name in METHODS
    }
    wanted: set[str] = set()
    todo = sorted(
        {n for m in methods.values() for f in m["fields"] for n in _referenced(f["types"])}
    )
    while todo:
        name = todo.pop()
        if name in wanted or name not in all_types:
            continue
        wanted.add(name)
        entry = all_types[name]
        todo.extend(entry.get("subtypes", []))
        for field in entry.get("fields", []):
            todo.extend(_referenced(field["types"]))
    types: dict[str, Any] = {}
    for name in sorted(wanted | set(OUTPUT_TYPES)):
        entry = all_types[name]
        slim: dict[str, Any] = {"fields": _slim_fields(entry.get("fields", []))}
        if "subtypes" in entry:
            slim["subtypes"] = entry["subtypes"]
        types[name] = slim
    return {
        "source": "PaulSonOfLars/telegram-bot-api-spec (MIT licence)",
        "version": spec.get("version", ""),
        "all_methods": sorted(spec["methods"]),
        "methods": methods,
        "types": types,
    }


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    subset = build_subset(json.loads(source.read_text(encoding="utf-8")))
    SUBSET_PATH.write_text(json.dumps(subset, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SUBSET_PATH} ({len(subset['methods'])} methods, {len(subset['types'])} types)")


if __name__ == "__main__":
    main(sys.argv)
