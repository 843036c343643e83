"""bot.telegram_http.AiohttpRequest under a real telegram.Bot: against the emulator on loopback
for answers and Telegram's errors, against tiny local servers for what the emulator never does
(hang, stall an upload, refuse connections) and to look at the raw HTTP side."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.emulator import Emulator, SimUser
from bot.telegram_http import AiohttpRequest, ProxyNotSupported, environment_proxy

TOKEN = "424242:AIOHTTP-TEST"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, rate_limits=False) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN,
        base_url=f"{emu.api_url}/bot",
        base_file_url=f"{emu.api_url}/file/bot",
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1, read_timeout=0.5),
    ) as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def alex(emu: Emulator) -> SimUser:
    user = emu.user("Alex")
    await user.send("/start")
    return user


# --- Against the emulator -------------------------------------------------------------------


async def test_send_message_round_trip(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Done ✓", callback_data="d:1")]])
    sent = await bot.send_message(
        alex.chat_id, "<b>Grüße</b> & 👋 a=1&b=2", parse_mode="HTML", reply_markup=markup
    )
    assert (sent.chat_id, sent.text) == (alex.chat_id, "Grüße & 👋 a=1&b=2")
    assert sent.reply_markup == markup
    seen = await alex.next_message()
    assert (seen.message_id, seen.html) == (sent.message_id, "<b>Grüße</b> & 👋 a=1&b=2")
    assert [(b.text, b.callback_data) for row in seen.buttons for b in row] == [("Done ✓", "d:1")]
    assert emu.errors == []


async def test_concurrent_calls_all_answered(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    sent = await asyncio.gather(*(bot.send_message(alex.chat_id, f"n{i}") for i in range(40)))
    assert sorted(m.text or "" for m in sent) == sorted(f"n{i}" for i in range(40))
    assert len({m.message_id for m in sent}) == 40
    assert len(alex.messages) == 40


async def test_document_upload_and_download(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    content = bytes(range(256)) * 300  # binary, 76.8 kB
    sent = await bot.send_document(
        alex.chat_id,
        document=content,
        filename="Lebenslauf Müller.pdf",
        caption="<i>Dein Plan</i>",
        parse_mode="HTML",
    )
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type, sent.document.file_size) == (
        "Lebenslauf Müller.pdf",
        "application/pdf",
        len(content),
    )
    assert sent.caption == "Dein Plan"
    seen = await alex.next_message()
    assert seen.document is not None
    assert (seen.document.filename, seen.document.content) == ("Lebenslauf Müller.pdf", content)
    # retrieve(): a GET with no request data
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    assert emu.errors == []


async def test_large_upload_is_streamed_intact(bot: Bot, alex: SimUser) -> None:
    content = bytes(range(251)) * (3 * 4177)  # ~3 MiB: sent as a stream, not one bytes write
    sent = await bot.send_document(alex.chat_id, document=content, filename="export.zip")
    assert sent.document is not None and sent.document.file_size == len(content)
    seen = await alex.next_message()
    assert seen.document is not None and seen.document.content == content


async def test_photo_upload(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    sent = await bot.send_photo(alex.chat_id, photo=PNG, caption="week")
    assert sent.photo and sent.caption == "week"
    seen = await alex.next_message()
    assert seen.photo is not None and seen.photo.content == PNG
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(alex.chat_id, photo=b"not an image")


async def test_telegram_errors_map_to_ptb_exceptions(
    bot: Bot, emu: Emulator, alex: SimUser
) -> None:
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(alex.chat_id, "x" * 4097)
    alex.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alex.chat_id, "still there?")
    await alex.send("/start")  # writing unblocks
    emu.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter, match=r"Retry in (7 seconds|0:00:07)"):
        await bot.send_message(alex.chat_id, "hi")
    emu.fail_next("sendMessage", 502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(alex.chat_id, "hi")
    assert (await bot.send_message(alex.chat_id, "hi")).text == "hi"


async def test_wrong_token_is_invalid_token(emu: Emulator) -> None:
    async with AiohttpRequest() as request:
        wrong = Bot("999:WRONG", base_url=f"{emu.api_url}/bot", request=request)
        with pytest.raises(InvalidToken):
            await wrong.get_me()


async def test_long_poll_outlasts_read_timeout(bot: Bot, alex: SimUser) -> None:
    """PTB adds the poll's timeout to the request's read_timeout (0.5 s here)."""
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["/start"]
    started = time.monotonic()
    assert await bot.get_updates(offset=first[-1].update_id + 1, timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_lifecycle(emu: Emulator, alex: SimUser) -> None:
    request = AiohttpRequest()
    url = f"{emu.api_url}/bot{TOKEN}/getMe"
    # Used before initialize(): the session opens on the first request.
    status, body = await request.do_request(url, "POST")
    assert status == 200 and json.loads(body)["result"]["id"] == emu.bot_id
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(url, "POST")
    await request.shutdown()  # twice is fine
    async with request:  # initialize() again
        assert (await request.do_request(url, "GET"))[0] == 200
    assert request.read_timeout == 5.0


# --- Against tiny local servers --------------------------------------------------------------


@dataclass
class Canned:
    """An HTTP/1.1 keep-alive server answering every request with ``{"ok": true, ...}``
    after ``delay``; it notes connections, requests in flight and request heads."""

    delay: float = 0.0
    connections: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    heads: list[bytes] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                self.bodies.append(await reader.readexactly(length))
                self.heads.append(head)
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                await asyncio.sleep(self.delay)
                self.in_flight -= 1
                answer = b'{"ok": true, "result": {"message_id": 1, "date": 0, "chat": '
                answer += b'{"id": 1, "type": "private"}, "text": "ok"}}'
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer)
                )
                await writer.drain()
        finally:
            writer.close()


@dataclass
class Silent:
    """Accepts connections, never reads and never answers, until released."""

    connections: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.release.wait()
        finally:
            writer.close()


@contextlib.asynccontextmanager
async def serving(handler: Canned | Silent) -> AsyncIterator[str]:
    server = await asyncio.start_server(handler.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        if isinstance(handler, Silent):
            handler.release.set()
        server.close()
        await server.wait_closed()


async def test_form_encoding_headers_and_pool_size() -> None:
    canned = Canned(delay=0.05)
    request = AiohttpRequest(connection_pool_size=2, pool_timeout=None)
    async with serving(canned) as base_url, request:
        bot = Bot(TOKEN, base_url=base_url, request=request, get_updates_request=request)
        await asyncio.gather(*(bot.send_message(1, f"m {i}") for i in range(8)))
    assert canned.connections == 2
    assert canned.most_in_flight == 2
    sends = [
        (h, b) for h, b in zip(canned.heads, canned.bodies, strict=True) if b"sendMessage" in h
    ]
    assert len(sends) == 8
    head = sends[0][0]
    assert head.startswith(f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\n".encode())
    assert b"\r\nUser-Agent: python-telegram-bot v" in head
    assert b"\r\nContent-Type: application/x-www-form-urlencoded\r\n" in head
    assert sorted(b for _h, b in sends)[0] == b"chat_id=1&text=m+0"


async def test_default_pool_opens_a_connection_per_concurrent_call() -> None:
    canned = Canned(delay=0.05)
    async with serving(canned) as base_url, AiohttpRequest() as request:
        bot = Bot(TOKEN, base_url=base_url, request=request, get_updates_request=request)
        await asyncio.gather(*(bot.send_message(1, "x") for _ in range(8)))
    assert canned.most_in_flight == 8


async def test_closed_port_is_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest() as request:
        bot = Bot(
            TOKEN,
            base_url=f"http://127.0.0.1:{port}/bot",
            request=request,
            get_updates_request=request,
        )
        with pytest.raises(NetworkError, match="ClientConnectorError") as refused:
            await bot.send_message(1, "anyone?")
    assert not isinstance(refused.value, TimedOut)


async def test_no_answer_is_timed_out_after_read_timeout() -> None:
    silent = Silent()
    async with serving(silent) as base_url, AiohttpRequest(read_timeout=0.3) as request:
        bot = Bot(TOKEN, base_url=base_url, request=request, get_updates_request=request)
        started = time.monotonic()
        with pytest.raises(TimedOut, match="read_timeout"):
            await asyncio.wait_for(bot.send_message(1, "hello?"), 5)
        assert 0.25 < time.monotonic() - started < 2
        # A per-call read_timeout overrides the default one.
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(1, "hello?", read_timeout=0.1)
        assert time.monotonic() - started < 0.3


async def test_stalled_upload_is_timed_out() -> None:
    """The server never reads: the upload stalls once the socket buffers are full, and
    pool + connect + media_write + read bounds the whole call."""
    silent = Silent()
    request = AiohttpRequest(
        read_timeout=0.2, connect_timeout=0.2, pool_timeout=0.1, media_write_timeout=0.3
    )
    async with serving(silent) as base_url, request:
        bot = Bot(TOKEN, base_url=base_url, request=request, get_updates_request=request)
        started = time.monotonic()
        with pytest.raises(TimedOut):
            # wait_for: without the deadline this would hang, not fail
            await asyncio.wait_for(
                bot.send_document(1, document=bytes(64 * 1024 * 1024), filename="big.bin"), 5
            )
        assert time.monotonic() - started < 3


async def test_full_pool_is_timed_out_after_pool_timeout() -> None:
    silent = Silent()
    request = AiohttpRequest(
        connection_pool_size=1, read_timeout=3, connect_timeout=0.2, pool_timeout=0.1
    )
    async with serving(silent) as base_url, request:
        bot = Bot(TOKEN, base_url=base_url, request=request, get_updates_request=request)
        hanging = asyncio.create_task(bot.send_message(1, "first"))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(TimedOut, match="pool"):
            await bot.send_message(1, "second")
        assert time.monotonic() - started < 1
        assert silent.connections == 1
        hanging.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hanging


# --- Proxies from the environment, as PTB's default (httpx) reads them -----------------------

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY", "all_proxy"])
async def test_calls_go_through_the_proxy_the_environment_names(
    no_proxy_env: pytest.MonkeyPatch, variable: str
) -> None:
    proxy = Canned()
    async with serving(proxy) as proxy_url:
        no_proxy_env.setenv(variable, proxy_url.removesuffix("/bot"))
        async with AiohttpRequest() as request:
            bot = Bot(TOKEN, base_url="http://api.blocked.example/bot", request=request)
            await bot.send_message(1, "through the proxy")
    [head] = proxy.heads  # absolute-form: the request was handed to the proxy
    assert head.startswith(f"POST http://api.blocked.example/bot{TOKEN}/sendMessage ".encode())


async def test_no_proxy_and_an_explicit_proxy_win(
    no_proxy_env: pytest.MonkeyPatch, emu: Emulator, alex: SimUser
) -> None:
    proxy = Canned()
    async with serving(proxy) as proxy_url:
        no_proxy_env.setenv("HTTP_PROXY", proxy_url.removesuffix("/bot"))
        no_proxy_env.setenv("NO_PROXY", "localhost, 127.0.0.0/8")
        async with AiohttpRequest() as request:
            bot = Bot(TOKEN, base_url=f"{emu.api_url}/bot", request=request)
            await bot.send_message(alex.chat_id, "direct")
        assert (await alex.next_message()).text == "direct"
        assert proxy.heads == []
        async with AiohttpRequest(proxy=proxy_url.removesuffix("/bot")) as request:
            bot = Bot(TOKEN, base_url="http://api.blocked.example/bot", request=request)
            await bot.send_message(1, "given")
    assert len(proxy.heads) == 1


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({"HTTPS_PROXY": "http://p:3128"}, "https://api.telegram.org/bot", "http://p:3128"),
        ({"HTTP_PROXY": "http://p:3128"}, "https://api.telegram.org/bot", None),
        ({"ALL_PROXY": "http://a:1", "HTTPS_PROXY": "http://s:2"}, "https://t.org", "http://s:2"),
        ({"ALL_PROXY": "https://a:1"}, "https://api.telegram.org", "https://a:1"),
        (
            {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "telegram.org"},
            "https://api.telegram.org",
            None,
        ),
        ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".org"}, "https://api.telegram.org", None),
        ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"}, "https://api.telegram.org", None),
        (
            {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "gram.org"},
            "https://api.telegram.org",
            "http://p:1",
        ),
    ],
)
def test_which_proxy_for_which_url(
    no_proxy_env: pytest.MonkeyPatch, env: dict[str, str], url: str, expected: str | None
) -> None:
    for name, value in env.items():
        no_proxy_env.setenv(name, value)
    assert environment_proxy(url) == expected


def test_a_socks_proxy_stops_start_up_with_one_line(
    no_proxy_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from bot.app import build_application
    from bot.config import SettingsError, load_settings

    no_proxy_env.setenv("ALL_PROXY", "socks5://user:secret@10.0.0.1:1080")
    settings = load_settings(_env_file=None, data_dir=tmp_path)
    with pytest.raises(SettingsError) as refused:
        build_application(settings, token=TOKEN)
    message = str(refused.value)
    assert message.startswith("ALL_PROXY is a socks5 proxy: the Bot API client speaks to HTTP")
    assert "secret" not in message and "10.0.0.1" not in message and "\n" not in message
    with pytest.raises(ProxyNotSupported):
        environment_proxy("https://api.telegram.org")
