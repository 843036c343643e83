"""Webhook mode end to end: the emulator POSTs updates to Rebound's own webhook server on
loopback, with Telegram's secret header. A request without the right secret gets 401 and is
not processed; a redelivered update is handled once; /healthz and /metrics answer with real
figures from the same server."""

from __future__ import annotations

import re
import socket

import httpx
from sqlalchemy import select

from bot.config import Settings
from bot.db.engine import create_engine
from bot.db.models import InboxUpdate
from bot.serve import Service
from handlers.scheduled import dispatch_due
from tests.e2e.harness import BotHarness

SECRET = "a-long-random-secret_123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def webhook_service(harness: BotHarness, port: int | None = None) -> Service:
    port = port or free_port()
    settings = Settings(
        **{
            **harness.settings.model_dump(),
            "webhook_url": f"http://127.0.0.1:{port}/rebound",
            "webhook_port": port,
            "webhook_secret": SECRET,
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
    assert service.webhook_server is not None
    base = f"http://127.0.0.1:{service.webhook_server.port}"
    user = harness.user()
    await user.send("/help")
    assert "Getting started" in (await user.next_message()).text  # delivered by webhook

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

        health = await client.get(f"{base}/healthz")
        assert health.status_code == 200
        assert health.json()["database"] == "ok"
        assert health.json()["dispatcher"] == "ok"
        await dispatch_due(service.app)  # a run that finds nothing due still counts as alive
        age = (await client.get(f"{base}/healthz")).json()["dispatcher_age_seconds"]
        assert age is not None and 0 <= age < 5
        body = (await client.get(f"{base}/metrics")).text
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
    assert service.webhook_server is not None
    good_engine = service.rt.engine
    service.rt.engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    async with httpx.AsyncClient() as client:
        health = await client.get(f"http://127.0.0.1:{service.webhook_server.port}/healthz")
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
