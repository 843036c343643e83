"""bot.telegram_bot.ReboundBot against the emulator on loopback: its calls go out through PTB's
public methods (defaults, rate limiter, Telegram's errors), and return what a turn reads."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden
from telegram.ext import BaseRateLimiter, Defaults

from bot.emulator import Emulator, SimUser
from bot.intake import with_json
from bot.telegram_bot import ReboundBot
from bot.telegram_http import aiohttp_requests
from tests.e2e.harness import TOKEN


class RecordingLimiter(BaseRateLimiter[int]):
    """Passes every call on and notes its endpoint: proof the call went through the limiter."""

    def __init__(self) -> None:
        self.endpoints: list[str] = []

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        self.endpoints.append(endpoint)
        return await callback(*args, **kwargs)


@pytest.fixture
def limiter() -> RecordingLimiter:
    return RecordingLimiter()


@pytest.fixture
async def bot(emulator: Emulator, limiter: RecordingLimiter) -> AsyncIterator[ReboundBot]:
    calls, updates = aiohttp_requests()
    async with ReboundBot(
        TOKEN,
        base_url=f"{emulator.api_url}/bot",
        base_file_url=f"{emulator.api_url}/file/bot",
        defaults=Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)),
        rate_limiter=limiter,
        request=calls,
        get_updates_request=updates,
    ) as rebound_bot:
        yield rebound_bot


@pytest.fixture
async def alex(emulator: Emulator) -> SimUser:
    user = emulator.user("Alex")
    await user.send("/start")
    return user


KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("Phone screen", callback_data="rf:1:ab:stage:phone")]]
)


async def test_send_text_returns_the_id_of_what_the_person_sees(
    bot: ReboundBot, emulator: Emulator, alex: SimUser, limiter: RecordingLimiter
) -> None:
    message_id = await bot.send_text(
        alex.chat_id, "Which stage was <b>Acme</b>? &amp; 👋", reply_markup=KEYBOARD
    )
    seen = await alex.next_message()
    assert seen.message_id == message_id
    assert (seen.text, seen.parse_mode) == ("Which stage was Acme? & 👋", "HTML")
    assert seen.button_labels() == ["Phone screen"]
    sent = next(call for call in emulator.calls if call.method == "sendMessage")
    assert sent.params["link_preview_options"] == {"is_disabled": True}  # the bot's Defaults
    assert limiter.endpoints == ["getMe", "sendMessage"]  # getMe: the bot starting
    assert emulator.errors == []


async def test_set_buttons_replaces_then_removes(
    bot: ReboundBot, emulator: Emulator, alex: SimUser, limiter: RecordingLimiter
) -> None:
    message_id = await bot.send_text(alex.chat_id, "Which stage?", reply_markup=KEYBOARD)
    other = InlineKeyboardMarkup([[InlineKeyboardButton("Onsite", callback_data="x:onsite")]])
    await bot.set_buttons(alex.chat_id, message_id, other)
    assert alex.messages[-1].button_labels() == ["Onsite"]
    assert await bot.set_buttons(alex.chat_id, message_id) is None
    shown = alex.messages[-1]
    assert (shown.message_id, shown.buttons, shown.edited) == (message_id, [], True)
    assert limiter.endpoints[1:] == ["sendMessage", *["editMessageReplyMarkup"] * 2]


async def test_telegrams_errors_come_back_as_ptbs_exceptions(
    bot: ReboundBot, alex: SimUser
) -> None:
    message_id = await bot.send_text(alex.chat_id, "Which stage?")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.set_buttons(alex.chat_id, message_id)  # it has no buttons to remove
    with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
        await bot.send_text(alex.chat_id, "<b>unclosed")
    alex.block()
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_text(alex.chat_id, "Still there?")


async def test_an_update_stored_as_to_dict_reads_back_the_same(
    bot: ReboundBot, alex: SimUser, limiter: RecordingLimiter
) -> None:
    """Without the JSON Telegram sent (another getUpdates request than bot.telegram_http's),
    the inbox keeps ``Update.to_dict()`` of what PTB's public getUpdates parsed; a replay
    after a restart rebuilds the update from it with ``Update.de_json``."""
    await alex.send("Acme — <b>not</b> HTML")
    start, update = await bot.get_updates(timeout=0)  # the fixture's /start, then the text
    assert start.message is not None and start.message.text == "/start"
    data = update.to_dict()
    # Bot API field names, as Telegram sends them ("from", not PTB's "from_user").
    assert data["message"]["from"]["id"] == alex.id
    assert "from_user" not in data["message"]
    assert data["message"]["text"] == "Acme — <b>not</b> HTML"
    replayed = Update.de_json(json.loads(json.dumps(data)), bot)  # through the JSON column
    assert replayed == update
    assert replayed.message is not None and update.message is not None
    assert replayed.message.date == update.message.date
    assert replayed.message.from_user == update.message.from_user
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()  # confirmed
    assert "getUpdates" not in limiter.endpoints  # never rate limited, as in PTB


async def test_the_updates_request_keeps_what_telegram_sent(
    emulator: Emulator, alex: SimUser
) -> None:
    """The getUpdates request keeps its answer's updates as decoded from Telegram's JSON; the
    poller stores those (``with_json``), and a replay rebuilds the same update from them."""
    calls, updates = aiohttp_requests()
    async with ReboundBot(
        TOKEN,
        base_url=f"{emulator.api_url}/bot",
        request=calls,
        get_updates_request=updates,
    ) as bot:
        await alex.send("Acme — <b>not</b> HTML")
        parsed = await bot.get_updates(timeout=0)
        sent = updates.take_updates()
        assert updates.take_updates() == []  # handed over once
        paired = with_json(parsed, sent)
        assert [data for data, _ in paired] == sent  # Telegram's objects, not rebuilt
        data, update = paired[-1]
        assert data["message"]["from"]["id"] == alex.id
        assert data["message"]["text"] == "Acme — <b>not</b> HTML"
        assert Update.de_json(json.loads(json.dumps(data)), bot) == update
        await bot.send_text(alex.chat_id, "Which stage?")  # another request's answer
        assert updates.take_updates() == []
        assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
        assert updates.take_updates() == []


async def test_only_what_a_turn_reads_of_an_answer_is_parsed(
    bot: ReboundBot, emulator: Emulator, alex: SimUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """send_text and set_buttons hand PTB the new message's id, date and chat from Telegram's
    answer (bot.telegram_http.answer_reads): no Message is built with the keyboard, text and
    sender echoed back. Other calls, and errors, get the whole answer as before."""
    built: list[Message] = []
    real = Message.de_json

    def noted(data: Any, bot: Any = None) -> Message | None:
        message = real(data, bot)
        if message is not None:
            built.append(message)
        return message

    monkeypatch.setattr(Message, "de_json", staticmethod(noted))
    message_id = await bot.send_text(alex.chat_id, "Which stage?", reply_markup=KEYBOARD)
    await bot.set_buttons(alex.chat_id, message_id)
    seen = alex.messages[-1]
    assert (seen.message_id, seen.text, seen.buttons) == (message_id, "Which stage?", [])
    assert [m.message_id for m in built] == [message_id, message_id]
    assert all(m.chat.id == alex.chat_id for m in built)
    assert all((m.text, m.reply_markup, m.from_user) == (None, None, None) for m in built)

    built.clear()
    whole = await bot.send_message(alex.chat_id, "Which stage?", reply_markup=KEYBOARD)
    assert whole.text == "Which stage?" and whole.reply_markup == KEYBOARD
    assert built == [whole]
    with pytest.raises(BadRequest, match="not modified"):
        await bot.set_buttons(alex.chat_id, message_id)  # Telegram's error, as before
    assert emulator.errors and emulator.errors[-1].method == "editMessageReplyMarkup"
