"""Inline keyboard rules Telegram enforces on reply_markup, and the Button view tests tap on."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.models import Button

MAX_BUTTONS = 100
MAX_CALLBACK_DATA_BYTES = 64
_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_BUTTON_URL = re.compile(r"^(?:https?|tg)://\S+$")
_WEB_APP_URL = re.compile(r"^https://[^\s/]+\S*$")
# How many characters of a button label a phone shows before cutting it ("…"), by buttons in
# the row: Telegram splits the chat's width evenly between them (about 20 at 2 per row on a
# common phone). An emoji takes the room of two letters.
PHONE_LABEL_CHARS = {1: 30, 2: 20, 3: 13, 4: 9, 5: 6}


def label_width(label: str) -> int:
    """A label's width in letters as a phone draws it: wide characters and emoji count 2,
    joiners, variation selectors and combining marks 0."""
    width = 0
    for char in label:
        if char in "\u200d\ufe0e\ufe0f" or unicodedata.combining(char):
            continue
        if 0x1F3FB <= ord(char) <= 0x1F3FF:  # a skin tone joins the emoji before it
            continue
        wide = unicodedata.east_asian_width(char) in "WF" or 0x1F000 <= ord(char) <= 0x1FAFF
        width += 2 if wide else 1
    return width


def cut_labels(markup: dict[str, Any] | None) -> list[tuple[str, int]]:
    """(label, buttons in its row) for every button whose label a phone would cut off."""
    if markup is None or "inline_keyboard" not in markup:
        return []
    return [
        (button["text"], len(row))
        for row in markup["inline_keyboard"]
        for button in row
        if label_width(button["text"]) > PHONE_LABEL_CHARS.get(len(row), 5)
    ]


def check_reply_markup(markup: dict[str, Any] | None, *, private: bool = True) -> None:
    """Raise Telegram's 400 for an inline keyboard it would refuse (other markups pass as is).
    A web_app button works in private chats only ("BUTTON_TYPE_INVALID" elsewhere)."""
    if markup is None or "inline_keyboard" not in markup:
        return
    rows = markup["inline_keyboard"]
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            _check_button(button)
            if "web_app" in button and not private:
                raise bad_request("BUTTON_TYPE_INVALID")


def _check_button(button: dict[str, Any]) -> None:
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [name for name in _ACTIONS if name in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            f"can't parse inline keyboard button: exactly one of {', '.join(actions)} must be used"
        )
    if "callback_data" in button:
        size = len(button["callback_data"].encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not _BUTTON_URL.match(button["url"]):
        raise bad_request("BUTTON_URL_INVALID")
    if "web_app" in button:
        check_web_app(button["web_app"])


def check_web_app(web_app: dict[str, Any]) -> None:
    """WebAppInfo: "An HTTPS URL of a Web App to be opened" (Telegram refuses any other)."""
    if not _WEB_APP_URL.match(str(web_app.get("url", ""))):
        raise bad_request("BUTTON_URL_INVALID")


def inline_buttons(markup: dict[str, Any] | None) -> list[list[Button]]:
    if markup is None or "inline_keyboard" not in markup:
        return []
    return [
        [
            Button(b["text"], b.get("callback_data"), b.get("url"), b.get("web_app", {}).get("url"))
            for b in row
        ]
        for row in markup["inline_keyboard"]
    ]
