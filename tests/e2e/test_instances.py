"""Several instances behind one webhook, on one PostgreSQL database: a round-robin proxy (as a
load balancer would) spreads one person's updates over three Rebound processes' webhook
servers; the conversation still flows, each update is handled once, and scheduled work is
shared through the outbox's claim/lease so a check-in goes out once."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from sqlalchemy import func, select

from bot.config import Settings
from bot.db.models import InboxUpdate, User
from bot.dispatch import dispatch_due
from bot.emulator import Emulator
from bot.serve import Service
from tests.e2e.harness import BotHarness, label, leads, one_of, shown
from tests.e2e.test_webhook import SECRET, free_port

pytestmark = pytest.mark.postgres


class RoundRobin(tornado.web.RequestHandler):
    """Forwards each POST to the next instance, like a load balancer with no stickiness."""

    def initialize(self, ports: itertools.cycle[int], seen: Counter[int]) -> None:
        self.ports, self.seen = ports, seen

    async def post(self) -> None:
        port = next(self.ports)
        self.seen[port] += 1
        async with httpx.AsyncClient(trust_env=False) as client:
            answer = await client.post(
                f"http://127.0.0.1:{port}{self.request.path}",
                content=self.request.body,
                headers={k: v for k, v in self.request.headers.items() if k.lower() != "host"},
            )
        self.set_status(answer.status_code)


@pytest.fixture
async def pg_harness(
    emulator: Emulator, postgres_db: str, tmp_path: object
) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, postgres_db, tmp_path)  # type: ignore[arg-type]
    try:
        yield harness
    finally:
        await harness.close()
    assert emulator.errors == []


async def test_three_instances_share_one_persons_conversation(pg_harness: BotHarness) -> None:
    bot = pg_harness
    proxy_port, ports = free_port(), [free_port() for _ in range(3)]
    seen: Counter[int] = Counter()
    proxy = tornado.httpserver.HTTPServer(
        tornado.web.Application(
            [(r"/.*", RoundRobin, {"ports": itertools.cycle(ports), "seen": seen})]
        )
    )
    proxy.add_sockets(tornado.netutil.bind_sockets(proxy_port, "127.0.0.1"))
    services = []
    for port in ports:
        settings = Settings(
            **{
                **bot.settings.model_dump(),
                "webhook_url": f"http://127.0.0.1:{proxy_port}/rebound",
                "webhook_port": port,
                "webhook_secret": SECRET,
            }
        )
        service = Service(bot.new_instance(), settings)
        await service.start()
        services.append(service)

    user = bot.user()
    await user.send("/start")
    assert "not a therapist" in (await user.next_message()).text
    await user.tap("Sounds good")
    assert "Where are you?" in (await user.next_message()).text
    await user.send("Lisbon")
    assert one_of((await user.next_message()).text, leads("onboarding.ask_time"))
    await user.tap("09:00")
    assert "How often?" in (await user.next_message()).text
    await user.tap("Every day")
    assert "You're all set" in (await user.next_message()).text
    await user.send("/win")
    await user.next_message()
    await user.send("Sent three applications before lunch")
    assert (await user.next_message()).text in shown("checkin.win_saved")
    await user.expect_silence()

    assert sorted(seen.values()) == [2, 2, 3]  # seven updates, every instance had some
    handled = [
        s.rt.metrics.registry.get_sample_value("rebound_updates_total", {"type": kind}) or 0
        for s in services
        for kind in ("message", "callback_query")
    ]
    assert sum(handled) == 7  # each update handled exactly once
    async with bot.sessions() as session:
        stored = await session.get(User, user.id)
        assert stored is not None and stored.timezone == "Europe/Lisbon"
        inbox = (await session.execute(select(func.count()).select_from(InboxUpdate))).scalar()
        unhandled = (
            await session.execute(select(func.count()).where(InboxUpdate.processed_at.is_(None)))
        ).scalar()
    assert (inbox, unhandled) == (7, 0)

    # Tomorrow 09:00 in Lisbon: all three dispatchers wake at once; one check-in goes out.
    assert stored.next_checkin_at is not None
    bot.clock.current = stored.next_checkin_at + timedelta(minutes=1)
    sent = await asyncio.gather(*(dispatch_due(s.app) for s in services))
    assert sum(sent) == 1
    checkin = await user.next_message()
    assert label("checkin.buttons.win") in checkin.button_labels()
    await user.expect_silence()

    for service in services:
        await service.stop()
        bot.instances.remove(service.app)
    proxy.stop()
