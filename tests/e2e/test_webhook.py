"""Webhook mode end to end: the emulator POSTs updates to Rebound's own webhook server on
loopback, with Telegram's secret header. A request without the right secret gets 401 and is
not processed (before its body is read), and there is always a secret; anything that is not an
update gets 400; a redelivered update is handled once; the public port serves the webhook path
alone, while /healthz and /metrics answer with real figures on the health port."""

from __future__ import annotations

import asyncio
import re
import socket

import httpx
from sqlalchemy import select

from bot.config import Settings
from bot.db.engine import create_engine
from bot.db.models import InboxUpdate
from bot.dispatch import dispatch_due
from bot.intake import SECRET_HEADER
from bot.serve import Service
from tests.e2e.harness import TOKEN, BotHarness, onboard

SECRET = "a-long-random-secret_123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def webhook_service(
    harness: BotHarness, port: int | None = None, secret: str | None = SECRET
) -> Service:
    port = port or free_port()
    settings = Settings(
        **{
            **harness.settings.model_dump(),
            "webhook_url": f"http://127.0.0.1:{port}/rebound",
            "webhook_port": port,
            "webhook_secret": secret,
            "health_port": free_port(),
        }
    )
    return Service(harness.new_instance(), settings)


def private_update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    command = text.startswith("/")
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": user_id, "type": "private", "first_name": "X"},
            "from": {"id": user_id, "is_bot": False, "first_name": "X"},
            "text": text,
            **(
                {"entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}
                if command
                else {}
            ),
        },
    }


def metric(body: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", body, re.MULTILINE)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


async def test_webhook_round_trip_secret_duplicates_health_and_metrics(
    harness: BotHarness,
) -> None:
    service = webhook_service(harness)
    await service.start()
    assert service.webhook_server is not None and service.health_server is not None
    base = f"http://127.0.0.1:{service.webhook_server.port}"
    ops = f"http://127.0.0.1:{service.health_server.port}"
    user = harness.user()
    await user.send("/help")
    # Delivered by webhook. Often the process's first message: it may load the language models
    # itself (seconds on a busy machine) when the warm-up thread has not finished.
    assert "Getting started" in (await user.next_message(timeout=60)).text

    update = private_update(999_001, user.id, "/help")
    async with httpx.AsyncClient() as client:
        missing = await client.post(f"{base}/rebound", json=update)
        wrong = await client.post(
            f"{base}/rebound", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        assert missing.status_code == 401
        assert wrong.status_code == 401
        await user.expect_silence()  # neither request was processed

        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        garbage = await client.post(f"{base}/rebound", content=b"{not json", headers=headers)
        assert garbage.status_code == 400
        first = await client.post(f"{base}/rebound", json=update, headers=headers)
        again = await client.post(f"{base}/rebound", json=update, headers=headers)
        assert (first.status_code, again.status_code) == (200, 200)
        assert "Getting started" in (await user.next_message()).text
        await user.expect_silence()  # the redelivered copy was recognised and dropped

        health = await client.get(f"{ops}/healthz")
        assert health.status_code == 200
        assert health.json()["database"] == "ok"
        assert health.json()["dispatcher"] == "ok"
        await dispatch_due(service.app)  # a run that finds nothing due still counts as alive
        age = (await client.get(f"{ops}/healthz")).json()["dispatcher_age_seconds"]
        assert age is not None and 0 <= age < 5
        body = (await client.get(f"{ops}/metrics")).text
    assert metric(body, 'rebound_updates_total{type="message"}') == 2
    assert metric(body, 'rebound_messages_sent_total{method="sendMessage"}') == 2
    assert metric(body, "rebound_handler_seconds_count") == 2
    assert metric(body, "rebound_inbox_depth") == 0
    assert metric(body, "rebound_outbox_depth") == 0
    async with harness.sessions() as session:
        kept = (await session.execute(select(InboxUpdate.update_id, InboxUpdate.payload))).all()
    assert len(kept) == 2  # ids stay a day to recognise redeliveries; what was typed does not
    assert all(payload == {} for _, payload in kept)
    await service.stop()
    harness.instances.remove(service.app)


async def test_health_reports_an_unreachable_database(harness: BotHarness) -> None:
    service = webhook_service(harness)
    await service.start()
    assert service.health_server is not None
    good_engine = service.rt.engine
    service.rt.engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    async with httpx.AsyncClient() as client:
        health = await client.get(f"http://127.0.0.1:{service.health_server.port}/healthz")
    assert health.status_code == 503
    assert health.json() == {
        "status": "unhealthy",
        "database": "unreachable",
        "dispatcher": "ok",
        "dispatcher_age_seconds": None,
    }
    await service.rt.engine.dispose()
    service.rt.engine = good_engine
    await service.stop()
    harness.instances.remove(service.app)


async def test_polling_mode_serves_health_and_metrics_on_their_own_port(
    harness: BotHarness,
) -> None:
    port = free_port()
    settings = Settings(**{**harness.settings.model_dump(), "health_port": port})
    service = Service(harness.new_instance(), settings)
    await service.start()
    assert service.webhook_server is None
    user = harness.user()
    await user.send("/help")
    assert "Getting started" in (await user.next_message()).text
    async with httpx.AsyncClient() as client:
        health = await client.get(f"http://127.0.0.1:{port}/healthz")
        body = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        webhook = await client.post(f"http://127.0.0.1:{port}/rebound", json={})
    assert health.status_code == 200
    assert metric(body, 'rebound_updates_total{type="message"}') == 1
    assert webhook.status_code == 404  # no webhook in polling mode
    await service.stop()
    harness.instances.remove(service.app)


async def test_webhook_without_a_configured_secret_still_refuses_forgeries(
    harness: BotHarness,
) -> None:
    """No REBOUND_WEBHOOK_SECRET: the bot derives one, registers it with setWebhook, and a
    forged "delete everything" tap from the victim's id is refused; Telegram's own deliveries
    (the emulator sends what setWebhook registered) go through."""
    await harness.start()
    victim = await onboard(harness)
    await harness.stop(harness.instances[-1])
    service = webhook_service(harness, secret=None)
    await service.start()
    assert service.webhook_server is not None
    set_webhook = [c for c in harness.emulator.calls if c.method == "setWebhook"][-1]
    registered = set_webhook.params.get("secret_token")
    assert registered is not None and len(registered) >= 32
    assert registered == service.settings.webhook_secret_value(TOKEN)  # same on every instance

    forged = {
        "update_id": 999_100,
        "callback_query": {
            "id": "1",
            "chat_instance": "1",
            "data": "dl:1:yes",
            "from": {"id": victim.id, "is_bot": False, "first_name": "X"},
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": victim.id, "type": "private", "first_name": "X"},
            },
        },
    }
    async with httpx.AsyncClient() as client:
        url = f"http://127.0.0.1:{service.webhook_server.port}/rebound"
        answer = await client.post(url, json=forged)
        guessed = await client.post(url, json=forged, headers={SECRET_HEADER: SECRET})
    assert (answer.status_code, guessed.status_code) == (401, 401)
    await victim.expect_silence()
    assert await harness.stored_user(victim.id) is not None  # nothing was erased

    await victim.send("/help")  # the real Telegram knows the secret
    assert "Getting started" in (await victim.next_message()).text
    await service.stop()
    harness.instances.remove(service.app)


async def raw_request(port: int, head: str, body: bytes = b"", wait: float = 5.0) -> bytes:
    """Send a request head (and maybe part of a body) and read what comes back."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.encode() + b"\r\n" + body)
    await writer.drain()
    try:
        async with asyncio.timeout(wait):
            answer = await reader.read(4096)
    finally:
        writer.close()
    return answer


async def test_secret_and_size_are_checked_before_the_body_is_read(harness: BotHarness) -> None:
    service = webhook_service(harness)
    await service.start()
    assert service.webhook_server is not None
    port = service.webhook_server.port
    huge = 90 * 1024 * 1024
    # The head announces 90 MB and none of it is sent: the answer comes anyway.
    no_secret = await raw_request(
        port, f"POST /rebound HTTP/1.1\r\nHost: x\r\nContent-Length: {huge}\r\n"
    )
    assert no_secret.startswith(b"HTTP/1.1 401")
    too_big = await raw_request(
        port,
        f"POST /rebound HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
        f"Content-Length: {huge}\r\n",
    )
    assert too_big.startswith(b"HTTP/1.1 413")
    just_over = await raw_request(
        port,
        f"POST /rebound HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
        f"Content-Length: {1024 * 1024 + 1}\r\n",
    )
    assert just_over.startswith(b"HTTP/1.1 413")
    # A chunked body has no length up front: past 1 MB it is dropped unread into memory.
    chunk = b"x" * (512 * 1024)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    chunked = await raw_request(
        port,
        f"POST /rebound HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
        "Transfer-Encoding: chunked\r\n",
        chunks,
    )
    assert chunked.startswith(b"HTTP/1.1 413")
    await service.stop()
    harness.instances.remove(service.app)


NOT_UPDATES: list[object] = [
    [1, 2],
    5,
    None,
    "update",
    {"update_id": "7", "message": None},
    {"update_id": 7.5},
    {"update_id": True},
    {"update_id": 2**70},
    {"no_update_id": 1},
    {"update_id": 8, "message": 5},
    {"update_id": 9, "message": {"text": "no chat, no date"}},
    {"update_id": 10, "callback_query": "tap"},
    {
        "update_id": 11,
        "message": {"message_id": 1, "date": 0, "chat": {"id": "abc", "type": "private"}},
    },
]


async def test_anything_that_is_not_an_update_gets_400_never_500(harness: BotHarness) -> None:
    service = webhook_service(harness)
    await service.start()
    assert service.webhook_server is not None
    url = f"http://127.0.0.1:{service.webhook_server.port}/rebound"
    headers = {SECRET_HEADER: SECRET}
    user = harness.user()
    async with httpx.AsyncClient() as client:
        answers = [
            (await client.post(url, json=body, headers=headers)).status_code for body in NOT_UPDATES
        ]
        nan = await client.post(url, content=b'{"update_id": NaN}', headers=headers)
        binary = await client.post(url, content=b"\xff\xfe{}", headers=headers)
    assert answers == [400] * len(NOT_UPDATES)
    assert (nan.status_code, binary.status_code) == (400, 400)
    await user.send("/help")  # and a real update still goes through
    assert "Getting started" in (await user.next_message()).text
    async with harness.sessions() as session:
        stored = (await session.execute(select(InboxUpdate.update_id))).scalars().all()
    assert len(stored) == 1 and not {7, 8, 9, 10, 11} & set(stored)
    await service.stop()
    harness.instances.remove(service.app)


async def test_the_public_port_serves_the_webhook_path_alone(harness: BotHarness) -> None:
    service = webhook_service(harness)
    await service.start()
    assert service.webhook_server is not None and service.health_server is not None
    public = f"http://127.0.0.1:{service.webhook_server.port}"
    ops = f"http://127.0.0.1:{service.health_server.port}"
    async with httpx.AsyncClient() as client:
        hidden = [
            (await client.get(f"{public}{path}")).status_code
            for path in ("/healthz", "/metrics", "/", "/rebound/x", "/rebounds")
        ]
        shown = [
            (await client.get(f"{ops}{path}")).status_code for path in ("/healthz", "/metrics")
        ]
        webhook_on_ops = await client.post(
            f"{ops}/rebound", json={}, headers={SECRET_HEADER: SECRET}
        )
    assert hidden == [404] * 5
    assert shown == [200, 200]
    assert webhook_on_ops.status_code == 404
    await service.stop()
    harness.instances.remove(service.app)
