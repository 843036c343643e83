"""Everything the emulated Telegram remembers: people, chats, messages, files, taps, settings."""

from __future__ import annotations

import base64
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import bad_request, forbidden, too_many_requests
from bot.emulator.limits import RateLimiter
from bot.emulator.models import ApiCall, ApiError, BotMessage, CallbackAnswer
from bot.emulator.spec import BotApiSpec
from bot.emulator.updates import UpdateIds, UpdateQueue
from bot.emulator.wakeup import Signal
from bot.emulator.webhook import WebhookPusher

# Per kind of file: how Telegram's file_ids for it begin, and the extension used without a name.
_FILE_KINDS = {
    "documents": ("BQAC", "bin"),
    "photos": ("AgAC", "jpg"),
    "stickers": ("CAAC", "webp"),
    "voice": ("AwAC", "oga"),
    "animations": ("CgAC", "mp4"),
}


@dataclass
class UserInfo:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False


# Telegram's placeholder sender (@GroupAnonymousBot) of messages anonymous admins post as the group.
ANONYMOUS_ADMIN = UserInfo(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)
# ... and of messages posted in a group on behalf of a channel (@Channel_Bot): not a person either.
CHANNEL_SENDER = UserInfo(136817688, "Channel", username="Channel_Bot", is_bot=True)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None
    mime_type: str
    file_path: str


@dataclass
class PendingQuery:
    """One tap (callback query) and whether the bot answered it in time. A tap left unanswered
    keeps its button spinning on the phone until Telegram gives up on it."""

    user_id: int
    chat_id: int = 0
    message_id: int | None = None
    data: str = ""
    answered: bool = False
    asked_at: float = field(default_factory=time.monotonic)


@dataclass
class ChatState:
    id: int
    type: str  # "private", "group" or "supergroup"
    title: str | None = None
    user: UserInfo | None = None  # the other side of a private chat
    is_forum: bool = False
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    bot_messages: dict[int, BotMessage] = field(default_factory=dict)  # in the order sent
    read_cursor: int = 0  # how many bot messages next_message has handed out
    changed: Signal = field(default_factory=Signal)
    bot_seen: bool = False  # the bot has received an update from this chat
    blocked: bool = False  # private chats: the user blocked the bot
    # Groups: "left", "member", "administrator", "kicked", or "restricted" (a supergroup's
    # admin took the bot's right to send messages: it stays a member and still hears updates).
    bot_status: str = "left"
    migrated_to: int | None = None
    deleted: bool = False  # deleted by its owner: "chat not found" (a basic group: 403 "deleted")
    members: dict[int, str] = field(default_factory=dict)  # user id -> member/administrator/creator
    topics: dict[int, str] = field(default_factory=dict)
    closed_topics: set[int] = field(default_factory=set)  # only administrators post there
    chat_actions: list[str] = field(default_factory=list)
    menu_button: dict[str, Any] | None = None
    # Groups: whether this bot was the last bot to write here (privacy mode hands it a bare
    # "/command" only then); another bot posting takes it away.
    bot_wrote_last: bool = False

    @property
    def is_group(self) -> bool:
        return self.type != "private"

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def record_bot_message(self, raw: dict[str, Any], view: BotMessage) -> None:
        self.messages[view.message_id] = raw
        self.bot_messages[view.message_id] = view
        self.bot_wrote_last = True
        self.changed.notify()


def now() -> int:
    return int(time.time())


class State:
    """The emulator's memory, shared by the HTTP method implementations and the simulated people."""

    def __init__(
        self,
        *,
        token: str,
        bot_username: str,
        bot_first_name: str,
        limiter: RateLimiter | None,
        group_privacy: bool,
        update_ids: UpdateIds | None = None,
    ):
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.spec = BotApiSpec.load()
        self.limiter = limiter
        self.group_privacy = group_privacy
        # Simulated people act at human pace as far as flood limits go: each of their actions
        # moves the limiter's clock on by ``think_time`` seconds (see Emulator).
        self.think_time = 0.0
        self.thought = 0.0
        self.users: dict[int, UserInfo] = {}
        self.chats: dict[int, ChatState] = {}
        self.channels: dict[str, int] = {}  # channels people post as in groups: title -> id
        self.files: dict[str, StoredFile] = {}
        self.queries: dict[str, PendingQuery] = {}
        # Telegram drops a callback query that is not answered in time ("query is too old");
        # None: queries never expire (tests set seconds to see it).
        self.query_timeout: float | None = None
        self.callback_answers: dict[int, list[CallbackAnswer]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.default_menu_button: dict[str, Any] | None = None
        # Bot profile, per language code ("" = everyone without a version of their own).
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.default_admin_rights: dict[bool, dict[str, Any]] = {}  # key: for channels
        self.calls: list[ApiCall] = []
        self.errors: list[ApiError] = []
        self.warnings: list[str] = []
        self.cut_labels: list[tuple[str, int]] = []
        self.activity = Signal()
        self.last_activity = time.monotonic()
        self.in_flight = 0
        self.updates = UpdateQueue(self.note_activity, update_ids)
        self.webhook = WebhookPusher(self.updates)
        self._user_ids = itertools.count(7_000_000_001)
        self._group_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)

    def note_activity(self) -> None:
        self.last_activity = time.monotonic()
        self.activity.notify()

    # Identities

    def new_user_id(self) -> int:
        return next(self._user_ids)

    def new_group_id(self, *, supergroup: bool) -> int:
        n = next(self._group_ids)
        return -(1_000_000_000_000 + 2_000_000_000 + n) if supergroup else -(4_000_000_000 + n)

    def new_query_id(self) -> str:
        return str(next(self._query_ids))

    def store_file(
        self, content: bytes, *, file_name: str | None, mime_type: str, folder: str
    ) -> StoredFile:
        """Keep bytes under a fresh file_id shaped like Telegram's (base64url, ~70 chars)."""
        n = next(self._file_ids)
        prefix, suffix = _FILE_KINDS[folder]
        raw_id = self.bot_id.to_bytes(8, "little") + n.to_bytes(8, "little") + bytes(28)
        file_id = f"{prefix}AgIAAxkBAA{base64.urlsafe_b64encode(raw_id).decode().rstrip('=')}"
        unique = "AgAD" + base64.urlsafe_b64encode(n.to_bytes(6, "little")).decode().rstrip("=")
        if file_name and "." in file_name:
            suffix = file_name.rpartition(".")[2]
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique,
            content=content,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{folder}/file_{n}.{suffix}",
        )
        self.files[file_id] = stored
        return stored

    # Chat access, with Telegram's answers for chats the bot may not use

    def find_chat(self, chat_id: int | str) -> ChatState:
        """The chat as the bot knows it: "chat not found" unless the bot has seen it."""
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is not None and chat.deleted and chat.type == "group":
            raise forbidden("the group chat was deleted")  # a basic group's own answer
        if chat is None or not chat.bot_seen or chat.deleted:
            if chat is not None and chat.type == "private":
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        return chat

    def writable_chat(self, chat_id: int | str) -> ChatState:
        """A chat the bot may post to right now, or the 403 Telegram would answer."""
        chat = self.find_chat(chat_id)
        if chat.type == "private":
            if chat.blocked:
                raise forbidden("bot was blocked by the user")
        elif chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        elif chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    def check_can_send(self, chat: ChatState, what: str) -> None:
        """A restricted bot may not post ``what`` ("text messages", "photos", ...); Telegram
        answers 400 with these words, not 403: the bot is still a member of the chat."""
        if chat.bot_status == "restricted":
            raise bad_request(f"not enough rights to send {what} to the chat")

    def charge_rate(self, chat: ChatState) -> None:
        """Count one sent or edited message against Telegram's flood limits."""
        if self.limiter is None:
            return
        retry_after = self.limiter.acquire(chat.id, is_group=chat.is_group)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def file(self, file_id: str) -> StoredFile:
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        return stored
