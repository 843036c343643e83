"""Plain records the emulator hands to tests: what the bot sent, how it answered, what it called."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Button:
    """One inline keyboard button as the person sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    web_app: str | None = None  # the Mini App's URL, for a web_app button


@dataclass
class SentFile:
    """A file the bot uploaded (or re-sent by file_id), with the bytes the emulator stored."""

    filename: str
    content: bytes
    mime_type: str


@dataclass
class BotMessage:
    """A message the bot sent, kept up to date as the bot edits or deletes it."""

    message_id: int
    chat_id: int
    text: str
    html: str | None = None
    parse_mode: str | None = None
    buttons: list[list[Button]] = field(default_factory=list)
    thread_id: int | None = None
    edited: bool = False
    deleted: bool = False
    document: SentFile | None = None
    photo: SentFile | None = None

    def button_labels(self) -> list[str]:
        """Every button's text, row by row."""
        return [button.text for row in self.buttons for button in row]


@dataclass
class CallbackAnswer:
    """The bot's answerCallbackQuery to one tap."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass
class ApiCall:
    """One Bot API request as the emulator understood it."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)  # when it arrived (for pacing checks)


@dataclass
class ApiError:
    """One Bot API request the emulator refused, with the answer Telegram would have given."""

    method: str
    error_code: int
    description: str
    params: dict[str, Any]
