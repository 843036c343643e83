"""Getting updates: offsets, long polling, conflicts, webhooks, and wait_idle."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import Bot, Update
from telegram.error import Conflict
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.emulator import Emulator
from tests.emulator.helpers import raw_updates


async def test_offset_confirms_and_limit_caps(emu: Emulator, http: httpx.AsyncClient) -> None:
    user = emu.user()
    for text in ("one", "two", "three"):
        await user.send(text)
    first_two = await raw_updates(http, limit=2)
    assert [u["message"]["text"] for u in first_two] == ["one", "two"]
    again = await raw_updates(http)
    assert [u["update_id"] for u in again] == [1, 2, 3]  # nothing confirmed yet
    rest = await raw_updates(http, offset=3)
    assert [u["message"]["text"] for u in rest] == ["three"]
    assert await raw_updates(http, offset=4) == []
    await user.send("four")
    assert [u["update_id"] for u in await raw_updates(http, offset=-1)] == [4]


async def test_allowed_updates_filters_later_updates(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    user = emu.user()
    await raw_updates(http, allowed_updates=json.dumps(["callback_query"]))
    await user.send("ignored")
    assert await raw_updates(http) == []
    await raw_updates(http, allowed_updates="[]")  # back to the default set
    await user.send("seen")
    assert [u["message"]["text"] for u in await raw_updates(http)] == ["seen"]


async def test_inject_update_keeps_given_ids_even_duplicates(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    assert emu.inject_update({"update_id": 50, "poll": {"id": "p"}}) == 50
    assert emu.inject_update({"update_id": 50, "poll": {"id": "q"}}) == 50
    assert emu.inject_update({"poll": {"id": "r"}}) == 51
    assert [u["poll"]["id"] for u in await raw_updates(http)] == ["p", "q", "r"]


async def test_long_poll_answers_as_soon_as_an_update_arrives(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await user.send("wake up")
    updates = await asyncio.wait_for(poll, 1)
    assert updates[0].message is not None and updates[0].message.text == "wake up"


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    assert await bot.get_updates(timeout=1) == ()


async def test_second_poller_ends_the_first_with_conflict(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(http.post("/getUpdates", data={"timeout": 1}))
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 1)
    await emu.user().send("for the survivor")
    survivor = (await asyncio.wait_for(second, 1)).json()
    assert [u["message"]["text"] for u in survivor["result"]] == ["for the survivor"]
    assert [e.error_code for e in emu.errors] == [409]


async def test_a_poller_that_hung_up_is_not_a_conflict(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    abandoned = asyncio.create_task(http.post("/getUpdates", data={"timeout": 5}))
    await asyncio.sleep(0.05)
    abandoned.cancel()
    assert await raw_updates(http) == []
    assert emu.errors == []


@pytest.mark.slow
async def test_wait_idle_waits_for_fetch_and_quiet(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("hi")
    with pytest.raises(TimeoutError, match="1 update\\(s\\) never fetched"):
        await emu.wait_idle(quiet=0.01, timeout=0.1)

    async def slow_bot() -> None:
        updates = await bot.get_updates()
        await asyncio.sleep(0.05)
        await bot.send_message(user.chat_id, "late reply")
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=5)

    task = asyncio.create_task(slow_bot())
    await emu.wait_idle(quiet=0.1, timeout=2)
    assert [m.text for m in user.messages] == ["late reply"]
    task.cancel()


async def test_application_end_to_end(emu: Emulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_html(
            "<b>Welcome</b>",
            reply_markup={"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]},  # type: ignore[arg-type]
        )

    async def go(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("Off we go")
        await update.callback_query.edit_message_text("Going")

    app = (
        Application.builder()
        .token(emu.token)
        .base_url(f"{emu.api_url}/bot")
        .base_file_url(f"{emu.api_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(go))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        user = emu.user()
        await user.send("/start")
        welcome = await user.next_message()
        assert (welcome.text, welcome.button_labels()) == ("Welcome", ["Go"])
        await user.tap("Go")
        await emu.wait_idle()
        assert welcome.text == "Going" and welcome.edited
        assert [a.text for a in user.callback_answers] == ["Off we go"]
        await app.updater.stop()
        await app.stop()
    assert emu.errors == []


class _Receiver(tornado.web.RequestHandler):
    def initialize(
        self, received: list[tuple[dict[str, Any], str | None]], fail_first: list[bool]
    ) -> None:
        self.received = received
        self.fail_first = fail_first

    def post(self) -> None:
        if self.fail_first:
            self.fail_first.pop()
            self.set_status(500)
            return
        secret = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((json.loads(self.request.body), secret))


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[tuple[dict[str, Any], str | None]]]]:
    """A tiny webhook endpoint that refuses its first delivery with 500."""
    received: list[tuple[dict[str, Any], str | None]] = []
    app = tornado.web.Application(
        [(r"/hook", _Receiver, {"received": received, "fail_first": [True]})]
    )
    sockets = tornado.netutil.bind_sockets(0, address="127.0.0.1")
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook", received
    server.stop()
    await server.close_all_connections()


async def test_webhook_delivers_in_order_with_secret_and_retries(
    emu: Emulator, bot: Bot, receiver: tuple[str, list[tuple[dict[str, Any], str | None]]]
) -> None:
    url, received = receiver
    assert await bot.set_webhook(url, secret_token="s3cret") is True
    user = emu.user()
    await user.send("first")
    await user.send("second")
    await emu.wait_idle(quiet=0.05, timeout=3)
    assert [(u["message"]["text"], secret) for u, secret in received] == [
        ("first", "s3cret"),
        ("second", "s3cret"),
    ]
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (url, 0)
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook() is True
    assert (await bot.get_webhook_info()).url == ""


async def test_webhook_must_be_loopback(bot: Bot, emu: Emulator) -> None:
    from telegram.error import BadRequest

    with pytest.raises(BadRequest, match="Bad webhook"):
        await bot.set_webhook("https://example.com/hook")
    assert emu.errors[-1].error_code == 400
