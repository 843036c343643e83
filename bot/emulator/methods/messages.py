"""Sending, editing and deleting messages, and answering taps: most of Telegram's rules."""

from __future__ import annotations

import copy
import mimetypes
import time
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.html import HtmlError, parse_html
from bot.emulator.keyboards import check_reply_markup, cut_labels, inline_buttons
from bot.emulator.methods.base import Method
from bot.emulator.models import BotMessage, CallbackAnswer, SentFile
from bot.emulator.objects import chat_json, document_json, photo_sizes_json
from bot.emulator.spec import Upload
from bot.emulator.state import ChatState, State, StoredFile, now
from bot.emulator.text import trim_formatted

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def format_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode (or explicit entities) and Telegram's whitespace trimming."""
    if parse_mode:
        mode = parse_mode.lower()
        if mode == "html":
            try:
                plain, found = parse_html(text)
            except HtmlError as error:
                raise bad_request(f"can't parse entities: {error.description}") from None
        elif mode in ("markdown", "markdownv2"):
            raise bad_request(f"parse_mode {parse_mode} is not supported by the emulator; use HTML")
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode}")
    else:
        plain, found = text, list(entities or [])
    return trim_formatted(plain, found)


def _text_content(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    plain, entities = format_text(
        params.get("text", ""), params.get("parse_mode"), params.get("entities")
    )
    if not plain:
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    return plain, entities


def _caption_content(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    plain, entities = format_text(
        params.get("caption", ""), params.get("parse_mode"), params.get("caption_entities")
    )
    if len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return plain, entities


def _html_source(params: dict[str, Any], key: str) -> str | None:
    mode = params.get("parse_mode")
    return params.get(key) if mode and mode.lower() == "html" else None


def _compose(
    state: State, chat: ChatState, params: dict[str, Any], content: dict[str, Any]
) -> dict[str, Any]:
    """Check threading/reply/markup and build the Message the bot is about to send."""
    raw: dict[str, Any] = {"message_id": 0, "from": state.bot_user, "chat": chat_json(chat)}
    thread_id = params.get("message_thread_id")
    _check_thread(chat, thread_id)
    if thread_id is not None and chat.is_forum:
        if thread_id in chat.closed_topics and chat.bot_status != "administrator":
            raise bad_request("TOPIC_CLOSED")
        raw["message_thread_id"] = thread_id
        raw["is_topic_message"] = True
    reply = params.get("reply_parameters")
    if reply is not None:
        target = chat.messages.get(int(reply["message_id"]))
        if target is not None:
            raw["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
        elif not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
    markup = params.get("reply_markup")
    check_reply_markup(markup, private=chat.type == "private")
    inline = _inline_markup(markup)
    if inline is not None:
        raw["reply_markup"] = inline
        _note_cut_labels(state, inline)
    raw.update(content)
    return raw


def _check_thread(chat: ChatState, thread_id: int | None) -> None:
    """``message_thread_id`` is "for forum supergroups and private chats of bots with forum
    topic mode enabled only" (the emulator's private chats have no topic mode, basic groups
    no threads); in a forum it must name an open topic (not General's reply threads, whose
    ids Telegram puts on replies there). A supergroup without topics takes a reply thread's
    id, as Telegram does."""
    if thread_id is None:
        return
    if chat.type in ("private", "group"):
        raise bad_request("message thread not found")
    if chat.is_forum and thread_id not in chat.topics:  # never opened, or deleted since
        raise bad_request("message thread not found")


def _inline_markup(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The inline keyboard a message shows; one without a single button is none at all (so
    removing buttons from a message that has none is "not modified")."""
    if not markup or not any(markup.get("inline_keyboard") or ()):
        return None
    return {"inline_keyboard": markup["inline_keyboard"]}


def _note_cut_labels(state: State, markup: dict[str, Any] | None) -> None:
    """Telegram takes any label; a phone cuts one too long for its row (State.cut_labels)."""
    state.cut_labels.extend(cut_labels(markup))


def _send(state: State, chat: ChatState, raw: dict[str, Any], view: BotMessage) -> dict[str, Any]:
    state.charge_rate(chat)
    raw["message_id"] = view.message_id = chat.new_message_id()
    raw["date"] = now()
    view.thread_id = raw.get("message_thread_id")
    view.buttons = inline_buttons(raw.get("reply_markup"))
    chat.record_bot_message(raw, view)
    return copy.deepcopy(raw)


async def send_message(state: State, params: dict[str, Any]) -> Any:
    chat = state.writable_chat(params["chat_id"])
    state.check_can_send(chat, "text messages")
    plain, entities = _text_content(params)
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    raw = _compose(state, chat, params, content)
    view = BotMessage(
        message_id=0,
        chat_id=chat.id,
        text=plain,
        html=_html_source(params, "text"),
        parse_mode=params.get("parse_mode"),
    )
    return _send(state, chat, raw, view)


def _input_file(state: State, value: Upload | str, *, folder: str) -> StoredFile:
    """The stored file for an upload or a file_id; Telegram cannot reach URLs from here."""
    if isinstance(value, Upload):
        if folder == "photos":
            # Telegram re-encodes photos as JPEG and forgets their names.
            if not value.content.startswith(_IMAGE_SIGNATURES) and not (
                value.content[:4] == b"RIFF" and value.content[8:12] == b"WEBP"
            ):
                raise bad_request("IMAGE_PROCESS_FAILED")
            return state.store_file(
                value.content, file_name=None, mime_type="image/jpeg", folder=folder
            )
        mime = mimetypes.guess_type(value.filename)[0] or value.mime_type
        return state.store_file(
            value.content, file_name=value.filename, mime_type=mime, folder=folder
        )
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = state.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if not stored.file_path.startswith(f"{folder}/"):
        raise bad_request("type of file mismatch")
    return stored


async def _send_media(state: State, params: dict[str, Any], kind: str) -> Any:
    chat = state.writable_chat(params["chat_id"])
    state.check_can_send(chat, "photos" if kind == "photo" else "documents")
    caption, entities = _caption_content(params)
    stored = _input_file(state, params[kind], folder="photos" if kind == "photo" else "documents")
    name = stored.file_name or stored.file_path.rpartition("/")[2]
    sent = SentFile(name, stored.content, stored.mime_type)
    content: dict[str, Any] = (
        {"photo": photo_sizes_json(stored)}
        if kind == "photo"
        else {"document": document_json(stored)}
    )
    if caption:
        content["caption"] = caption
    if entities:
        content["caption_entities"] = entities
    raw = _compose(state, chat, params, content)
    view = BotMessage(
        message_id=0,
        chat_id=chat.id,
        text=caption,
        html=_html_source(params, "caption"),
        parse_mode=params.get("parse_mode"),
        document=sent if kind == "document" else None,
        photo=sent if kind == "photo" else None,
    )
    return _send(state, chat, raw, view)


async def send_document(state: State, params: dict[str, Any]) -> Any:
    return await _send_media(state, params, "document")


async def send_photo(state: State, params: dict[str, Any]) -> Any:
    return await _send_media(state, params, "photo")


async def send_chat_action(state: State, params: dict[str, Any]) -> Any:
    chat = state.writable_chat(params["chat_id"])
    if params["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    _check_thread(chat, params.get("message_thread_id"))
    chat.chat_actions.append(params["action"])
    return True


def _editable(state: State, params: dict[str, Any]) -> tuple[ChatState, dict[str, Any]]:
    """The bot's own message an edit* call points at, or Telegram's reason it can't be edited."""
    if "inline_message_id" in params:
        raise bad_request("inline messages are not supported by the emulator")
    if "chat_id" not in params:
        raise bad_request("chat_id is empty")
    if "message_id" not in params:
        raise bad_request("message identifier is not specified")
    chat = state.writable_chat(params["chat_id"])
    raw = chat.messages.get(params["message_id"])
    if raw is None:
        raise bad_request("message to edit not found")
    if raw.get("from", {}).get("id") != state.bot_id:
        raise bad_request("message can't be edited")
    return chat, raw


def _apply_edit(
    state: State, chat: ChatState, raw: dict[str, Any], changes: dict[str, Any], markup: Any
) -> dict[str, Any]:
    """Apply an edit unless it changes nothing (Telegram's "message is not modified")."""
    check_reply_markup(markup, private=chat.type == "private")
    new_markup = _inline_markup(markup)
    unchanged = all(raw.get(k) == v for k, v in changes.items() if v)
    unchanged = unchanged and not any(k in raw for k, v in changes.items() if not v)
    if unchanged and raw.get("reply_markup") == new_markup:
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    state.charge_rate(chat)
    _note_cut_labels(state, new_markup)
    for key, value in changes.items():
        if value:
            raw[key] = value
        else:
            raw.pop(key, None)
    if new_markup is None:
        raw.pop("reply_markup", None)
    else:
        raw["reply_markup"] = new_markup
    raw["edit_date"] = now()
    view = chat.bot_messages[raw["message_id"]]
    view.buttons = inline_buttons(new_markup)
    view.edited = True
    return copy.deepcopy(raw)


async def edit_message_text(state: State, params: dict[str, Any]) -> Any:
    chat, raw = _editable(state, params)
    if "text" not in raw:
        raise bad_request("there is no text in the message to edit")
    plain, entities = _text_content(params)
    result = _apply_edit(
        state, chat, raw, {"text": plain, "entities": entities}, params.get("reply_markup")
    )
    view = chat.bot_messages[raw["message_id"]]
    view.text, view.html = plain, _html_source(params, "text")
    view.parse_mode = params.get("parse_mode")
    return result


async def edit_message_caption(state: State, params: dict[str, Any]) -> Any:
    chat, raw = _editable(state, params)
    if "document" not in raw and "photo" not in raw:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = _caption_content(params)
    result = _apply_edit(
        state,
        chat,
        raw,
        {"caption": caption, "caption_entities": entities},
        params.get("reply_markup"),
    )
    view = chat.bot_messages[raw["message_id"]]
    view.text, view.html = caption, _html_source(params, "caption")
    view.parse_mode = params.get("parse_mode")
    return result


# What editMessageMedia can put in a message here (Telegram also takes animation, audio, video
# and live photos; Rebound sends none of those, and the emulator stores none of them).
_EDITABLE_MEDIA = {"photo": "photos", "document": "documents"}


async def edit_message_media(state: State, params: dict[str, Any]) -> Any:
    """Replace a message's photo or document (or a text message) with a new one, its caption
    with the new media's own (none if it has none) and its buttons with ``reply_markup`` (none
    if left out), as Telegram does. The same file with the same caption and buttons is "not
    modified"; a new upload always changes the message."""
    chat, raw = _editable(state, params)
    media = params["media"]
    kind = media.get("type")
    if kind not in _EDITABLE_MEDIA:
        raise bad_request(f"media type {kind} is not supported by the emulator")
    if not any(key in raw for key in ("text", *_EDITABLE_MEDIA)):
        raise bad_request("there is no media in the message to edit")
    stored = _input_file(state, media["media"], folder=_EDITABLE_MEDIA[kind])
    caption, entities = _caption_content(
        {
            "caption": media.get("caption", ""),
            "parse_mode": media.get("parse_mode"),
            "caption_entities": media.get("caption_entities"),
        }
    )
    content = photo_sizes_json(stored) if kind == "photo" else document_json(stored)
    changes: dict[str, Any] = {
        "text": None,
        "entities": None,
        **dict.fromkeys(_EDITABLE_MEDIA),
        kind: content,
        "caption": caption,
        "caption_entities": entities,
    }
    result = _apply_edit(state, chat, raw, changes, params.get("reply_markup"))
    view = chat.bot_messages[raw["message_id"]]
    name = stored.file_name or stored.file_path.rpartition("/")[2]
    sent = SentFile(name, stored.content, stored.mime_type)
    view.photo, view.document = (sent, None) if kind == "photo" else (None, sent)
    view.text, view.html = caption, _html_source(media, "caption")
    view.parse_mode = media.get("parse_mode")
    return result


async def edit_message_reply_markup(state: State, params: dict[str, Any]) -> Any:
    chat, raw = _editable(state, params)
    return _apply_edit(state, chat, raw, {}, params.get("reply_markup"))


async def delete_message(state: State, params: dict[str, Any]) -> Any:
    chat = state.writable_chat(params["chat_id"])
    raw = chat.messages.get(params["message_id"])
    if raw is None:
        raise bad_request("message to delete not found")
    from_bot = raw.get("from", {}).get("id") == state.bot_id
    if chat.is_group and not from_bot and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    del chat.messages[params["message_id"]]
    view = chat.bot_messages.get(params["message_id"])
    if view is not None:
        view.deleted = True
    return True


async def answer_callback_query(state: State, params: dict[str, Any]) -> Any:
    query = state.queries.get(params["callback_query_id"])
    if query is None or query.answered:
        raise bad_request(_QUERY_INVALID)
    timeout = state.query_timeout
    if timeout is not None and time.monotonic() - query.asked_at > timeout:
        raise bad_request(_QUERY_INVALID)
    text = params.get("text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    answer = CallbackAnswer(
        params["callback_query_id"], text, bool(params.get("show_alert")), params.get("url")
    )
    state.callback_answers.setdefault(query.user_id, []).append(answer)
    return True


METHODS: dict[str, Method] = {
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "sendChatAction": send_chat_action,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "editMessageMedia": edit_message_media,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
}
