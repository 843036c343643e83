"""Simulated people and groups: they act like Telegram clients and watch what the bot sends back."""

from __future__ import annotations

import asyncio
import copy
import mimetypes
from typing import Any

from bot.emulator.incoming import my_chat_member, user_message
from bot.emulator.models import BotMessage, Button, CallbackAnswer
from bot.emulator.objects import chat_json, document_json, photo_sizes_json, user_json
from bot.emulator.state import (
    ANONYMOUS_ADMIN,
    CHANNEL_SENDER,
    ChatState,
    PendingQuery,
    State,
    UserInfo,
    now,
)
from bot.emulator.text import bot_command_entities, mention_entities
from bot.emulator.webapp import init_data as web_app_init_data

# Smallest byte strings that identify as the formats Telegram would store for these files.
_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
_WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88"
_OGG = b"OggS\x00\x02" + bytes(22)
_MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(12)


class _ChatView:
    """What a person sees of the bot in one chat, and waiting for the bot's next message there."""

    def __init__(self, state: State, chat: ChatState):
        self._state = state
        self._chat = chat

    @property
    def messages(self) -> list[BotMessage]:
        """Every bot message in this chat, as it looks now (edits applied, deletions flagged)."""
        return list(self._chat.bot_messages.values())

    @property
    def last_message(self) -> BotMessage | None:
        sent = self.messages
        return sent[-1] if sent else None

    async def next_message(self, timeout: float = 5.0) -> BotMessage:
        """The next bot message sent here that no earlier next_message call returned."""
        chat = self._chat
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while chat.read_cursor >= len(chat.bot_messages):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._no_message_report(timeout))
            await chat.changed.wait(remaining)
        message = self.messages[chat.read_cursor]
        chat.read_cursor += 1
        return message

    async def expect_silence(self, within: float = 0.3) -> None:
        """Assert the bot sends nothing new here (unread messages count) for ``within`` seconds."""
        chat = self._chat
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while chat.read_cursor >= len(chat.bot_messages):
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            await chat.changed.wait(remaining)
        unexpected = self.messages[chat.read_cursor]
        raise AssertionError(
            f"expected silence in chat {chat.id}, but the bot sent: {unexpected.text!r}"
        )

    def _no_message_report(self, timeout: float) -> str:
        chat = self._chat
        seen = [m.text[:80] for m in self.messages[-3:]]
        report = f"no new bot message in chat {chat.id} within {timeout}s; last messages: {seen}"
        if self._state.errors:
            last = self._state.errors[-1]
            report += f"; last rejected call: {last.method} -> {last.description}"
        return report

    def _push(self, update: dict[str, Any]) -> int:
        self._chat.bot_seen = True
        self._state.thought += self._state.think_time
        return self._state.updates.push(update)

    def _tap(self, user: UserInfo, label: str, message: BotMessage | None) -> str:
        candidates = [message] if message else reversed(list(self._chat.bot_messages.values()))
        for view in candidates:
            if view.deleted:
                continue
            button = _match_button(view, label)
            if button is None:
                continue
            if button.callback_data is None:
                target = f"opens {button.url}" if button.url else "sends no callback data"
                raise ValueError(f"button {button.text!r} {target}; only callback buttons tap")
            return self._callback(user, view.message_id, button.callback_data)
        shown = [
            view.button_labels() for view in self.messages if view.buttons and not view.deleted
        ]
        raise LookupError(f"no button {label!r} in chat {self._chat.id}; buttons shown: {shown}")

    def _callback(self, user: UserInfo, message_id: int | None, data: str) -> str:
        chat = self._chat
        if message_id is None:
            live = [m for m in chat.bot_messages.values() if not m.deleted]
            if not live:
                raise LookupError(f"the bot has no message in chat {chat.id} to tap on")
            message_id = live[-1].message_id
        raw = chat.messages.get(message_id)
        message = (
            copy.deepcopy(raw)
            if raw is not None
            else {"chat": chat_json(chat), "message_id": message_id, "date": 0}
        )
        query_id = self._state.new_query_id()
        self._state.queries[query_id] = PendingQuery(user.id, chat.id, message_id, data)
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user_json(user),
                    "message": message,
                    "chat_instance": str(-(abs(chat.id) * 1_000_003 + 987_654_321)),
                    "data": data,
                }
            }
        )
        return query_id


def _match_button(view: BotMessage, label: str) -> Button | None:
    """The button labelled exactly ``label``, else the only one whose label contains it."""
    buttons = [button for row in view.buttons for button in row]
    exact = [b for b in buttons if b.text == label]
    if exact:
        return exact[0]
    partial = [b for b in buttons if label.lower() in b.text.lower()]
    return partial[0] if len(partial) == 1 else None


def _text_content(text: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    entities = sorted(
        bot_command_entities(text) + mention_entities(text), key=lambda e: e["offset"]
    )
    if entities:
        content["entities"] = entities
    return content


# Telegram's limits on what a person's message carries (Bot API: Message.text 0-4096, captions
# 0-1024 characters; the apps split a longer text into several messages and refuse a longer
# caption).
MAX_TEXT = 4096
MAX_CAPTION = 1024


def split_as_the_app_does(text: str) -> list[str]:
    """A text past :data:`MAX_TEXT` characters as the Telegram apps send it: parts of at most
    that length, cut after the last line break in the part, else the last space, else where
    the part is full. (Telegram counts these limits in characters, not in the UTF-16 units of
    entity offsets: 4096 emoji are one message, 4097 are refused.)"""
    parts: list[str] = []
    rest = text
    while len(rest) > MAX_TEXT:
        head = rest[:MAX_TEXT]
        cut = max(head.rfind("\n"), head.rfind(" "))
        end = cut + 1 if cut > MAX_TEXT // 2 else MAX_TEXT
        parts.append(rest[:end].rstrip())
        rest = rest[end:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _caption_content(caption: str | None) -> dict[str, Any]:
    if caption is None:
        return {}
    if len(caption) > MAX_CAPTION:
        raise ValueError(f"a caption is at most {MAX_CAPTION} characters (the app refuses it)")
    content = _text_content(caption)
    return {
        "caption": content["text"],
        **({"caption_entities": content["entities"]} if "entities" in content else {}),
    }


def photo_content(state: State, caption: str | None = None) -> dict[str, Any]:
    """A photo message's content (a screenshot), with the words typed under it if any."""
    stored = state.store_file(_JPEG, file_name=None, mime_type="image/jpeg", folder="photos")
    return {"photo": photo_sizes_json(stored), **_caption_content(caption)}


def sticker_content(state: State) -> dict[str, Any]:
    stored = state.store_file(_WEBP, file_name=None, mime_type="image/webp", folder="stickers")
    sticker = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
        "file_size": len(stored.content),
    }
    return {"sticker": sticker}


def voice_content(state: State) -> dict[str, Any]:
    stored = state.store_file(_OGG, file_name=None, mime_type="audio/ogg", folder="voice")
    voice = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": 3,
        "mime_type": "audio/ogg",
        "file_size": len(stored.content),
    }
    return {"voice": voice}


# The bot's statuses in which it is in a group and receives its updates.
_IN_THE_GROUP = ("member", "administrator", "restricted")


class SimUser(_ChatView):
    """A person in a private chat with the bot."""

    def __init__(self, state: State, info: UserInfo, chat: ChatState):
        super().__init__(state, chat)
        self.info = info

    @property
    def id(self) -> int:
        return self.info.id

    @property
    def chat_id(self) -> int:
        return self._chat.id

    @property
    def first_name(self) -> str:
        return self.info.first_name

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self._state.callback_answers.setdefault(self.id, [])

    @property
    def chat_actions(self) -> list[str]:
        """Every sendChatAction the bot made in this chat ("typing", ...)."""
        return self._chat.chat_actions

    async def send(self, text: str) -> int:
        """Type and send ``text``; past 4096 characters the app sends it as several messages
        a moment apart (:func:`split_as_the_app_does`): the id of the last one is returned."""
        ids = [self._post(_text_content(part)) for part in split_as_the_app_does(text) or [text]]
        return ids[-1]

    async def forward(
        self,
        text: str,
        *,
        sender: str = "Dana Recruiter",
        chat_title: str | None = None,
        hidden: bool = False,
        own: bool = False,
    ) -> int:
        """Forward a text message from another chat: from a person (``sender``; with
        ``hidden`` one whose privacy settings hide their account), or from a channel
        (``chat_title``), or ``own`` words forwarded from elsewhere. Telegram sends it as a new
        message with ``forward_origin``."""
        date = now() - 3600
        origin: dict[str, Any]
        if chat_title is not None:
            channel_id = self._state.channels.setdefault(
                chat_title, self._state.new_group_id(supergroup=True)
            )
            chat = {"id": channel_id, "type": "channel", "title": chat_title}
            origin = {"type": "channel", "date": date, "chat": chat, "message_id": 7}
        elif own:  # their own message, forwarded from another chat or Saved Messages
            origin = {"type": "user", "date": date, "sender_user": user_json(self.info)}
        elif hidden:
            origin = {"type": "hidden_user", "date": date, "sender_user_name": sender}
        else:
            first, _, last = sender.partition(" ")
            person = {"id": 700_000_000 + len(sender), "is_bot": False, "first_name": first}
            if last:
                person["last_name"] = last
            origin = {"type": "user", "date": date, "sender_user": person}
        return self._post({**_text_content(text), "forward_origin": origin})

    def web_app_init_data(self, auth_date: int | None = None) -> str:
        """What Telegram would hand the bot's Mini App opened by this person, signed with the
        bot's token (``auth_date``: Unix seconds, default now)."""
        return web_app_init_data(
            self._state.token, self.info, now() if auth_date is None else auth_date
        )

    def delete(self, message: BotMessage) -> None:
        """Delete one of the bot's messages for both sides, as a person may in a private chat:
        from then on the bot's edits of it get "message to edit not found"."""
        self._chat.messages.pop(message.message_id, None)
        message.deleted = True

    async def send_sticker(self) -> int:
        return self._post(sticker_content(self._state))

    async def send_photo(
        self, caption: str | None = None, *, media_group_id: str | None = None
    ) -> int:
        """A photo (a screenshot), with the words typed under it if any (at most 1024)."""
        content = photo_content(self._state, caption)
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return self._post(content)

    async def send_album(
        self, count: int = 3, caption: str | None = None, *, caption_on: int = 0
    ) -> list[int]:
        """Several photos sent together, as Telegram delivers them: one message (and update)
        per photo, one after another, sharing a ``media_group_id`` (2-10 items); a caption
        typed for the album rides on one of them (the first, as the apps do, or
        ``caption_on``)."""
        if not 2 <= count <= 10:
            raise ValueError("an album holds 2 to 10 items")
        group = str(13_000_000_000_000_000 + self._chat.new_message_id() * 1000 + count)
        return [
            await self.send_photo(caption if i == caption_on else None, media_group_id=group)
            for i in range(count)
        ]

    async def send_animation(self) -> int:
        """A GIF: Telegram sends it as an animation, with a document field for older bots."""
        stored = self._state.store_file(
            _MP4, file_name="gif.mp4", mime_type="video/mp4", folder="animations"
        )
        animation = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": 320,
            "height": 240,
            "duration": 2,
            "file_name": "gif.mp4",
            "mime_type": "video/mp4",
            "file_size": len(stored.content),
        }
        return self._post({"animation": animation, "document": document_json(stored)})

    async def send_voice(self) -> int:
        return self._post(voice_content(self._state))

    async def send_location(self, latitude: float = 52.52, longitude: float = 13.40) -> int:
        return self._post({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_document(
        self, filename: str = "cv.pdf", content: bytes = b"%PDF-1.4", caption: str | None = None
    ) -> int:
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self._state.store_file(
            content, file_name=filename, mime_type=mime, folder="documents"
        )
        return self._post({"document": document_json(stored), **_caption_content(caption)})

    async def edit(self, message_id: int, new_text: str) -> None:
        """Edit one of this person's own messages (the bot gets an edited_message update)."""
        raw = self._chat.messages.get(message_id)
        if raw is None or raw.get("from", {}).get("id") != self.id or "text" not in raw:
            raise ValueError(f"message {message_id} is not a text message {self.first_name} sent")
        raw.update(_text_content(new_text))
        if "entities" not in _text_content(new_text):
            raw.pop("entities", None)
        raw["edit_date"] = now()
        self._push({"edited_message": copy.deepcopy(raw)})

    async def tap(self, label: str, *, message: BotMessage | None = None) -> str:
        """Press the inline button labelled ``label``; returns the callback query id."""
        return self._tap(self.info, label, message)

    async def tap_data(self, data: str, *, message_id: int | None = None) -> str:
        """Send a callback query with arbitrary data (stale or forged buttons)."""
        return self._callback(self.info, message_id, data)

    def block(self) -> None:
        """Block the bot: later sends get 403, and the bot hears about it as Telegram tells it."""
        if not self._chat.blocked:
            self._chat.blocked = True
            self._member_update("member", "kicked")

    def unblock(self) -> None:
        if self._chat.blocked:
            self._chat.blocked = False
            self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        state = self._state
        self._push(my_chat_member(self._chat, user_json(self.info), state.bot_user, old, new))

    def _post(self, content: dict[str, Any]) -> int:
        # Writing to a blocked bot means pressing "Restart" first, which unblocks it.
        self.unblock()
        message = user_message(self._chat, self.info, content)
        self._push({"message": copy.deepcopy(message)})
        return int(message["message_id"])


class SimGroup(_ChatView):
    """A group or supergroup (optionally a forum) where people and maybe the bot talk."""

    @property
    def id(self) -> int:
        return self._chat.id

    @property
    def title(self) -> str:
        return self._chat.title or ""

    @property
    def type(self) -> str:
        return self._chat.type

    @property
    def is_forum(self) -> bool:
        return self._chat.is_forum

    def add_member(self, user: SimUser, *, admin: bool = False, creator: bool = False) -> None:
        status = "creator" if creator else "administrator" if admin else "member"
        self._chat.members[user.id] = status

    async def add_bot(
        self, by: SimUser, *, as_admin: bool = False, start_parameter: str | None = None
    ) -> None:
        """``start_parameter``: added through a t.me/<bot>?startgroup=<parameter> link, after
        which the app sends "/start@<bot> <parameter>" in the group (messages.startBot)."""
        chat, state = self._chat, self._state
        chat.members.setdefault(by.id, "member")
        old, chat.bot_status = chat.bot_status, "administrator" if as_admin else "member"
        self._push(my_chat_member(chat, user_json(by.info), state.bot_user, old, chat.bot_status))
        joined = user_message(chat, by.info, {"new_chat_members": [state.bot_user]})
        self._push({"message": copy.deepcopy(joined)})
        if start_parameter is not None:
            await self._start_bot(by, start_parameter)

    async def promote_bot(self, by: SimUser, *, start_parameter: str | None = None) -> None:
        """An admin makes the bot an administrator, from the group's settings or through a
        t.me/<bot>?startgroup=<parameter>&admin=... link (which then also sends
        "/start@<bot> <parameter>" in the group)."""
        if self._chat.bot_status not in _IN_THE_GROUP:
            raise ValueError(f"the bot is not in chat {self.id}: add it first")
        self._set_bot_status(by, "administrator")
        if start_parameter is not None:
            await self._start_bot(by, start_parameter)

    async def _start_bot(self, by: SimUser, parameter: str) -> None:
        username = self._state.bot_user["username"]
        content = _text_content(f"/start@{username} {parameter}")
        message = user_message(self._chat, by.info, content)
        self._push({"message": copy.deepcopy(message)})

    async def remove_bot(self, by: SimUser, *, bot_told: bool = True) -> None:
        """Kick the bot. ``bot_told=False`` sends no my_chat_member update, as for a bot that
        was offline longer than Telegram keeps updates: its next send gets the 403."""
        chat = self._chat
        old, chat.bot_status = chat.bot_status, "kicked"
        if bot_told:
            update = my_chat_member(chat, user_json(by.info), self._state.bot_user, old, "kicked")
            self._push(update)

    async def delete_group(self) -> None:
        """The owner deletes the group. Telegram tells its bots nothing; every call about it
        is answered 400 "chat not found" from then on (a basic group: 403 "the group chat was
        deleted")."""
        chat = self._chat
        if chat.type not in ("group", "supergroup") or chat.migrated_to is not None:
            raise ValueError(f"chat {chat.id} is a {chat.type}: only a live group is deleted")
        chat.deleted = True
        chat.bot_status = "left"  # it hears nothing more from there

    async def demote_bot(self, by: SimUser) -> None:
        """An admin takes the bot's administrator rights: a plain member again, under privacy
        mode (if on) from now on. Telegram tells the bot (my_chat_member)."""
        if self._chat.bot_status != "administrator":
            raise ValueError(f"the bot is not an administrator of chat {self.id}")
        self._set_bot_status(by, "member")

    async def restrict_bot(self, by: SimUser) -> None:
        """An admin takes the bot's right to send messages (supergroups only, as in Telegram).
        It stays a member and still receives updates; its sends get "not enough rights"."""
        chat = self._chat
        if chat.type != "supergroup":
            raise ValueError(f"chat {chat.id} is a {chat.type}: only supergroups restrict members")
        self._set_bot_status(by, "restricted")

    async def lift_restrictions(self, by: SimUser) -> None:
        """The bot may send messages again (a plain member once more)."""
        if self._chat.bot_status == "restricted":
            self._set_bot_status(by, "member")

    def _set_bot_status(self, by: SimUser, new: str) -> None:
        chat, state = self._chat, self._state
        old, chat.bot_status = chat.bot_status, new
        self._push(my_chat_member(chat, user_json(by.info), state.bot_user, old, new))

    async def send(
        self,
        user: SimUser,
        text: str,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Post as ``user``; the bot receives it only if Telegram's privacy mode lets it."""
        chat = self._chat
        if thread_id is not None and thread_id not in chat.topics:
            raise ValueError(f"chat {self.id} has no topic {thread_id}")
        chat.members.setdefault(user.id, "member")
        content = _text_content(text)
        if reply_to is not None:
            thread_id = self._reply(content, reply_to, thread_id)
        message = user_message(chat, user.info, content, thread_id=thread_id)
        if self._bot_hears(message):
            self._push({"message": copy.deepcopy(message)})
        return int(message["message_id"])

    async def send_photo(
        self,
        user: SimUser,
        caption: str | None = None,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> int:
        content = photo_content(self._state, caption)
        if reply_to is not None:
            thread_id = self._reply(content, reply_to, thread_id)
        return self._post_media(user, content, thread_id)

    async def send_voice(self, user: SimUser, *, thread_id: int | None = None) -> int:
        return self._post_media(user, voice_content(self._state), thread_id)

    async def send_sticker(self, user: SimUser, *, thread_id: int | None = None) -> int:
        return self._post_media(user, sticker_content(self._state), thread_id)

    def _post_media(self, user: SimUser, content: dict[str, Any], thread_id: int | None) -> int:
        """A member's photo, voice note or sticker; the bot receives it only if privacy mode
        lets it (an administrator bot, or a reply to the bot's message)."""
        chat = self._chat
        if thread_id is not None and thread_id not in chat.topics:
            raise ValueError(f"chat {self.id} has no topic {thread_id}")
        chat.members.setdefault(user.id, "member")
        message = user_message(chat, user.info, content, thread_id=thread_id)
        if self._bot_hears(message):
            self._push({"message": copy.deepcopy(message)})
        return int(message["message_id"])

    async def send_anonymously(
        self,
        admin: SimUser,
        text: str,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Post as the group itself, as an administrator with "Remain anonymous" on does:
        ``sender_chat`` is the group and ``from`` is Telegram's placeholder @GroupAnonymousBot.
        Their button taps still carry their own account (use :meth:`tap`)."""
        chat = self._chat
        if chat.members.get(admin.id) not in ("administrator", "creator"):
            raise ValueError(f"{admin.first_name} is not an administrator of chat {self.id}")
        if thread_id is not None and thread_id not in chat.topics:
            raise ValueError(f"chat {self.id} has no topic {thread_id}")
        content = {**_text_content(text), "sender_chat": chat_json(chat)}
        if reply_to is not None:
            thread_id = self._reply(content, reply_to, thread_id)
        message = user_message(chat, ANONYMOUS_ADMIN, content, thread_id=thread_id)
        if self._bot_hears(message):
            self._push({"message": copy.deepcopy(message)})
        return int(message["message_id"])

    async def send_as_channel(
        self, text: str, *, channel: str = "Remote Jobs Daily", reply_to: int | None = None
    ) -> int:
        """Post on behalf of a channel, as a member may choose to write as a channel they own
        (or as a linked channel's posts appear): ``sender_chat`` is that channel and ``from``
        Telegram's placeholder @Channel_Bot, which is nobody."""
        chat = self._chat
        channels = self._state.channels
        channel_id = channels.setdefault(channel, self._state.new_group_id(supergroup=True))
        content = {
            **_text_content(text),
            "sender_chat": {"id": channel_id, "type": "channel", "title": channel},
        }
        if reply_to is not None:
            self._reply(content, reply_to, None)
        message = user_message(chat, CHANNEL_SENDER, content)
        if self._bot_hears(message):
            self._push({"message": copy.deepcopy(message)})
        return int(message["message_id"])

    async def tap(self, user: SimUser, label: str, *, message: BotMessage | None = None) -> str:
        return self._tap(user.info, label, message)

    async def tap_data(self, user: SimUser, data: str, *, message_id: int | None = None) -> str:
        """A tap by ``user`` with arbitrary callback data (a stale or forged button) on one of
        the bot's messages here (the latest if ``message_id`` is None)."""
        return self._callback(user.info, message_id, data)

    async def member_joins(self, user: SimUser) -> None:
        """Someone joins. The bot gets the "joined" service message; Telegram also sends a
        chat_member update, but only to an administrator bot that asked for it in
        allowed_updates (the queue drops it otherwise)."""
        chat = self._chat
        old, chat.members[user.id] = chat.members.get(user.id, "left"), "member"
        if chat.bot_status not in _IN_THE_GROUP:
            return
        if chat.bot_status == "administrator":
            joined = user_json(user.info)
            change = my_chat_member(chat, joined, joined, old, "member")
            self._push({"chat_member": change["my_chat_member"]})
        service = user_message(chat, user.info, {"new_chat_members": [user_json(user.info)]})
        self._push({"message": copy.deepcopy(service)})

    async def react(self, user: SimUser, message_id: int, emoji: str = "👍") -> None:
        """A reaction on a message; Telegram tells only an administrator bot that asked for
        message_reaction in allowed_updates."""
        chat = self._chat
        if message_id not in chat.messages:
            raise ValueError(f"chat {self.id} has no message {message_id}")
        if chat.bot_status != "administrator":
            return
        reaction = {
            "chat": chat_json(chat),
            "message_id": message_id,
            "user": user_json(user.info),
            "date": now(),
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": emoji}],
        }
        self._push({"message_reaction": reaction})

    async def another_bot_posts(self, text: str = "Welcome!", username: str = "helper_bot") -> int:
        """Another bot in the group writes. Bots never see each other's messages, but from now
        on a bare "/command" goes to that bot under privacy mode, not to this one."""
        chat = self._chat
        other = UserInfo(5_000_000_001, "Helper", username=username, is_bot=True)
        message = user_message(chat, other, _text_content(text))
        chat.bot_wrote_last = False
        return int(message["message_id"])

    async def migrate_to_supergroup(
        self, *, join_first: bool = False, bot_told: bool = True
    ) -> SimGroup:
        """Upgrade a basic group as Telegram does; the old id then answers "upgraded" errors.

        A bot in the group gets three updates: the old group's ``migrate_to_chat_id`` message,
        the supergroup's ``migrate_from_chat_id`` message, and its own join event
        (my_chat_member, "left" to its status) in the supergroup. Telegram does not promise
        their order: ``join_first`` sends the join event before the other two. ``bot_told=False``
        sends none of them, as for a bot that was offline longer than Telegram keeps updates
        (24 hours); its next send to the old id is how it learns."""
        old = self._chat
        if old.type != "group":
            raise ValueError(f"chat {old.id} is already a {old.type}")
        new = ChatState(
            id=self._state.new_group_id(supergroup=True),
            type="supergroup",
            title=old.title,
            bot_seen=old.bot_seen,
            bot_status=old.bot_status,
            members=dict(old.members),
            bot_wrote_last=old.bot_wrote_last,  # the history moves with the group
        )
        self._state.chats[new.id] = new
        actor = self._actor()
        leaving = user_message(old, actor, {"migrate_to_chat_id": new.id})
        arriving = user_message(new, actor, {"migrate_from_chat_id": old.id})
        updates = [{"message": leaving}, {"message": arriving}]
        if new.bot_status in _IN_THE_GROUP:
            who = user_json(actor) if actor is not None else self._state.bot_user
            join = my_chat_member(new, who, self._state.bot_user, "left", new.bot_status)
            updates.insert(0 if join_first else 2, join)
            if bot_told:
                for update in updates:
                    self._state.updates.push(copy.deepcopy(update))
        old.migrated_to = new.id
        return SimGroup(self._state, new)

    async def create_topic(self, name: str) -> int:
        """Open a forum topic; returns its message_thread_id."""
        chat = self._chat
        if not chat.is_forum:
            raise ValueError(f"chat {chat.id} is not a forum")
        created = {"forum_topic_created": {"name": name, "icon_color": 7322096}}
        message = user_message(chat, self._actor(), created)
        thread_id = int(message["message_id"])
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True
        chat.topics[thread_id] = name
        if chat.bot_status in _IN_THE_GROUP:
            self._push({"message": copy.deepcopy(message)})
        return thread_id

    async def close_topic(self, thread_id: int) -> None:
        """Close a forum topic: from now on only administrators post there (anyone else,
        the bot included unless it is an administrator, gets "TOPIC_CLOSED")."""
        self._topic_service(thread_id, {"forum_topic_closed": {}})
        self._chat.closed_topics.add(thread_id)

    async def reopen_topic(self, thread_id: int) -> None:
        self._topic_service(thread_id, {"forum_topic_reopened": {}})
        self._chat.closed_topics.discard(thread_id)

    async def delete_topic(self, thread_id: int) -> None:
        """Delete a forum topic with all its messages. Telegram tells bots nothing; a send
        there gets "message thread not found"."""
        chat = self._chat
        if thread_id not in chat.topics:
            raise ValueError(f"chat {chat.id} has no topic {thread_id}")
        del chat.topics[thread_id]
        chat.closed_topics.discard(thread_id)
        for message_id, raw in list(chat.messages.items()):
            if message_id == thread_id or raw.get("message_thread_id") == thread_id:
                del chat.messages[message_id]
                view = chat.bot_messages.get(message_id)
                if view is not None:
                    view.deleted = True

    def _topic_service(self, thread_id: int, content: dict[str, Any]) -> None:
        """A service message in the topic (the bot gets it, privacy mode or not)."""
        chat = self._chat
        if thread_id not in chat.topics:
            raise ValueError(f"chat {chat.id} has no topic {thread_id}")
        message = user_message(chat, self._actor(), content, thread_id=thread_id)
        if chat.bot_status in _IN_THE_GROUP:
            self._push({"message": copy.deepcopy(message)})

    def _actor(self) -> UserInfo | None:
        """Who performs group-wide actions: the creator if known, else the first member."""
        members = self._chat.members
        chosen = next((uid for uid, s in members.items() if s == "creator"), None)
        chosen = chosen if chosen is not None else next(iter(members), None)
        return self._state.users.get(chosen) if chosen is not None else None

    def _reply(self, content: dict[str, Any], reply_to: int, thread_id: int | None) -> int | None:
        """Make ``content`` a reply to ``reply_to``; returns the forum topic it is in. A reply
        stays in the replied message's topic. Outside a topic (a supergroup without topics,
        or a forum's General), Telegram still gives a reply the ``message_thread_id`` of its
        reply thread (the root message's id) without ``is_topic_message``: a bot that sends
        with it gets "message thread not found" in a forum (tdlib/telegram-bot-api#447)."""
        replied = content["reply_to_message"] = self._replied(reply_to)
        if thread_id is None and replied.get("is_topic_message"):
            return int(replied["message_thread_id"])
        if thread_id is None and self._chat.type == "supergroup":
            content["message_thread_id"] = replied.get("message_thread_id", reply_to)
        return thread_id

    def _replied(self, message_id: int) -> dict[str, Any]:
        """The ``reply_to_message`` of a reply to ``message_id`` (one level deep, as Telegram)."""
        chat = self._chat
        if message_id not in chat.messages:
            raise ValueError(f"chat {self.id} has no message {message_id}")
        replied = chat.messages[message_id]
        return {k: copy.deepcopy(v) for k, v in replied.items() if k != "reply_to_message"}

    def _bot_hears(self, message: dict[str, Any]) -> bool:
        """Telegram's privacy mode, as core.telegram.org/bots/features#privacy-mode lists it: a
        bot that is not an administrator receives commands explicitly meant for it
        ("/win@this_bot", the name in any case), general commands ("/win") only if it was the
        last bot to send a message to the group, and replies to its own messages. Nothing
        else: not ordinary talk, and not a plain mention of its @username either (BotFather's
        /setprivacy blurb says "or mention the bot by username", the documentation does not,
        and Telegram delivers no such message). One message goes to one privacy-mode bot, and
        "replies have the highest priority": a reply to another bot's message is that bot's,
        even with "/win@this_bot" in it. Service messages are delivered elsewhere."""
        chat, state = self._chat, self._state
        if chat.bot_status not in _IN_THE_GROUP:
            return False
        if not state.group_privacy or chat.bot_status == "administrator":
            return True
        replied = message.get("reply_to_message", {})
        replied_to = replied.get("from", {})
        # (A post as the group or a channel comes "from" a placeholder bot that is nobody.)
        if replied_to.get("is_bot") and "sender_chat" not in replied:
            return bool(replied_to.get("id") == state.bot_id)
        text = message.get("text", message.get("caption", ""))  # a caption's command counts
        username = str(state.bot_user["username"]).casefold()
        command = text.split(maxsplit=1)[0] if text.startswith("/") else ""
        _, at, target = command.partition("@")
        if at and target.casefold() == username:
            return True
        return bool(command and not at and chat.bot_wrote_last)
