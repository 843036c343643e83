"""The dispatcher's pacing and graceful stop: on shutdown it stops sending, and whatever it
had claimed but not sent is handed back (pending, no lease, the attempt not counted), so the
next process sends it once; nothing is sent twice and nothing is lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.models import ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage
from bot.rate_limiter import Limits, ReboundRateLimiter
from bot.runtime import RuntimeApp
from bot.services import outbox, schedule
from tests.e2e.harness import BotHarness, label, onboard

FRIDAY = datetime(2026, 3, 27, 0, 0, tzinfo=UTC)
CHECKIN_TIME = FRIDAY + timedelta(hours=8)  # 09:00 in Berlin


def limiter(app: RuntimeApp) -> ReboundRateLimiter:
    rate_limiter = app.bot.rate_limiter
    assert isinstance(rate_limiter, ReboundRateLimiter)
    return rate_limiter


def is_checkin(message: BotMessage) -> bool:
    return label("checkin.buttons.win") in message.button_labels()


async def outbox_rows(bot: BotHarness) -> list[ScheduledMessage]:
    async with bot.sessions() as session:
        query = select(ScheduledMessage).order_by(ScheduledMessage.id)
        return list((await session.execute(query)).scalars())


async def test_stopping_mid_batch_hands_back_what_was_not_sent(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    bot.clock.current = FRIDAY
    people = [await onboard(bot, first_name=f"P{i}") for i in range(8)]
    app = bot.instances[-1]
    runtime = app.wiring.runtime
    bot.emulator.latency = 0.2  # every send is slow...
    limiter(app).set_limits(Limits(overall_per_second=10.0, overall_burst=1.0, reserve=0.0))
    # ...and they go out one per 100 ms
    bot.clock.current = CHECKIN_TIME
    await bot.settle()  # (onboarding read every reply: the next message is the check-in)

    dispatching = asyncio.create_task(dispatch_due(app))
    waiting = [asyncio.create_task(user.next_message()) for user in people]
    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)  # one check-in arrived
    for task in waiting:
        task.cancel()
    runtime.stopping.set()  # SIGTERM
    sent = await asyncio.wait_for(dispatching, 10)

    rows = await outbox_rows(bot)
    assert len(rows) == len(people)
    delivered = [row for row in rows if row.status == "sent"]
    handed_back = [row for row in rows if row.status == "pending"]
    assert sent == len(delivered) >= 1  # the send under way finished and was recorded
    assert handed_back, "some were still waiting for their slot when the bot stopped"
    assert len(delivered) + len(handed_back) == len(people)
    for row in handed_back:
        assert row.claimed_until is None and row.attempts == 0  # as if never claimed
    for row in delivered:
        assert row.attempts == 1
    got = {user.id: sum(is_checkin(m) for m in user.messages) for user in people}
    assert sorted(got.values()) == sorted(1 if row.status == "sent" else 0 for row in rows)

    # The next process (here: the same one, started again) sends the rest, each once.
    runtime.stopping.clear()
    bot.emulator.latency = 0
    assert await dispatch_due(app) == len(handed_back)
    await bot.settle()
    for user in people:
        assert sum(is_checkin(m) for m in user.messages) == 1
    assert {row.status for row in await outbox_rows(bot)} == {"sent"}


async def test_stopping_before_a_run_claims_nothing(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    app = bot.instances[-1]
    runtime = app.wiring.runtime
    bot.clock.current = CHECKIN_TIME
    runtime.stopping.set()
    assert await dispatch_due(app) == 0
    assert await outbox_rows(bot) == []  # not even moved into the outbox
    runtime.stopping.clear()
    assert await dispatch_due(app) == 1
    await bot.settle()
    assert sum(is_checkin(m) for m in user.messages) == 1


async def test_an_expired_lease_is_sent_again_once(bot: BotHarness) -> None:
    """A process that died after claiming: after the lease the item goes out, once."""
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    app = bot.instances[-1]
    bot.clock.current = CHECKIN_TIME
    runtime = app.wiring.runtime
    async with runtime.sessions() as session, session.begin():
        await schedule.materialize(session, bot.clock.now())
        [claimed] = await outbox.claim_due(session, bot.clock.now())  # ...and then it crashed
    assert await dispatch_due(app) == 0  # still leased to the dead process
    bot.clock.advance(outbox.LEASE)
    assert await dispatch_due(app) == 1
    assert await dispatch_due(app) == 0
    await bot.settle()
    assert sum(is_checkin(m) for m in user.messages) == 1
    [row] = await outbox_rows(bot)
    assert (row.id, row.status, row.attempts) == (claimed.id, "sent", 2)


async def test_pacing_spreads_sends_at_the_configured_rate(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    people = [await onboard(bot, first_name=f"P{i}") for i in range(6)]
    app = bot.instances[-1]
    limiter(app).set_limits(Limits(overall_per_second=20.0, overall_burst=1.0, reserve=0.0))
    bot.emulator.set_rate_limits(True)
    bot.clock.current = CHECKIN_TIME
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await dispatch_due(app) == len(people)
    elapsed = loop.time() - started
    assert elapsed >= (len(people) - 1) / 20.0  # five gaps of 50 ms at least
    assert bot.emulator.errors == []
