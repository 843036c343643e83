"""The rate limiter's rules, one test each, on an injected clock (bot/rate_limiter.py).

``SendScheduler`` decides who sends when and never waits itself, so most rules are checked
by moving a number; the asyncio side (``ReboundRateLimiter``) is checked with a fake Bot API
call and a clock the test moves."""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import Forbidden, RetryAfter

from bot.metrics import Metrics
from bot.rate_limiter import (
    Limits,
    Priority,
    ReboundRateLimiter,
    SendScheduler,
    Ticket,
    Withdrawn,
    counts_as_message,
    retry_after_seconds,
    scheduled_sends,
)

PERSON, OTHER, GROUP = 7_000_000_001, 7_000_000_002, -1_002_000_000_001
LIMITS = Limits(
    overall_per_second=30.0,
    overall_burst=10.0,
    reserve=2.0,
    chat_per_second=1.0,
    chat_burst=3.0,
    group_per_minute=20,
    group_window=61.0,
)


def granted_now(s: SendScheduler, now: float) -> list[Ticket]:
    return s.grant(now)[0]


def send_times(s: SendScheduler, chat: int, count: int, step: float = 0.01) -> list[float]:
    """Submit ``count`` sends to ``chat`` at once, then step the clock; when each went."""
    tickets = [s.submit(chat, Priority.INTERACTIVE, 0.0) for _ in range(count)]
    times: dict[int, float] = {}
    now = 0.0
    while len(times) < count:
        for ticket in granted_now(s, now):
            times[ticket.seq] = now
        now = round(now + step, 6)
        assert now < 1000, "never granted"
    return [times[t.seq] for t in tickets]


def test_a_private_chat_gets_a_short_burst_then_one_message_a_second() -> None:
    times = send_times(SendScheduler(LIMITS, 0.0), PERSON, 6)
    assert times[:3] == [0.0, 0.0, 0.0]  # the burst
    assert times[3:] == pytest.approx([1.0, 2.0, 3.0], abs=0.011)


def test_a_group_gets_at_most_20_in_a_minute_and_one_a_second() -> None:
    times = send_times(SendScheduler(LIMITS, 0.0), GROUP, 22, step=0.05)
    assert times[:3] == [0.0, 0.0, 0.0]
    assert times[3] == pytest.approx(1.0, abs=0.051)
    assert times[19] < 61.0
    assert times[20] == pytest.approx(61.0, abs=0.051)  # the 21st waits for the first's minute
    in_any_minute = max(sum(1 for t in times if start <= t < start + 60) for start in times)
    assert in_any_minute <= 20


def test_the_overall_rate_holds_across_chats() -> None:
    s = SendScheduler(LIMITS, 0.0)
    for i in range(40):
        s.submit(PERSON + i, Priority.INTERACTIVE, 0.0)
    assert len(granted_now(s, 0.0)) == 10  # the overall burst
    assert len(granted_now(s, 0.2)) == 6  # then 30 a second
    assert len(granted_now(s, 0.2)) == 0
    assert len(granted_now(s, 0.3 + 1e-9)) == 3


def test_one_busy_chat_does_not_hold_up_another() -> None:
    s = SendScheduler(LIMITS, 0.0)
    busy = [s.submit(PERSON, Priority.INTERACTIVE, 0.0) for _ in range(25)]
    granted_now(s, 0.0)
    other = s.submit(OTHER, Priority.INTERACTIVE, 0.3)
    assert other in granted_now(s, 0.3)  # at once, though 22 of the busy chat's still wait
    assert sum(t.granted for t in busy) == 3


def test_a_reply_is_not_stuck_behind_a_scheduled_send_to_its_chat() -> None:
    s = SendScheduler(LIMITS, 0.0)
    for i in range(20):
        s.submit(OTHER + i, Priority.SCHEDULED, 0.0)
    granted_now(s, 0.0)  # 8 went; the overall bucket is at the reserve
    scheduled = s.submit(PERSON, Priority.SCHEDULED, 0.0)
    reply = s.submit(PERSON, Priority.INTERACTIVE, 0.0)
    assert granted_now(s, 0.0) == [scheduled, reply]  # in the chat's order, at reply priority


def test_a_chat_keeps_its_order() -> None:
    s = SendScheduler(LIMITS, 0.0)
    tickets = [s.submit(PERSON, Priority.INTERACTIVE, 0.0) for _ in range(5)]
    order: list[Ticket] = []
    for step in range(10):
        order += granted_now(s, float(step))
    assert order == tickets


def test_interactive_sends_go_before_scheduled_ones() -> None:
    s = SendScheduler(LIMITS, 0.0)
    scheduled = [s.submit(PERSON + i, Priority.SCHEDULED, 0.0) for i in range(100)]
    first = granted_now(s, 0.0)
    assert len(first) == 8  # the burst of 10, less the reserve of 2 kept for replies
    reply = s.submit(OTHER, Priority.INTERACTIVE, 0.0)
    assert granted_now(s, 0.0) == [reply]  # from the reserve, at once
    later = s.submit(OTHER + 1, Priority.INTERACTIVE, 0.0)
    assert granted_now(s, 0.0) == [later]
    # The bucket is empty now: the next token goes to a reply that arrived after 100 scheduled.
    third = s.submit(OTHER + 2, Priority.INTERACTIVE, 0.0)
    assert granted_now(s, 1 / 30 + 1e-9) == [third]
    assert sum(t.granted for t in scheduled) == 8


@pytest.mark.slow
def test_scheduled_sends_use_what_replies_leave() -> None:
    s = SendScheduler(LIMITS, 0.0)
    scheduled = [s.submit(PERSON + i, Priority.SCHEDULED, 0.0) for i in range(1000)]
    replies = 0
    now = 0.0
    for tick in range(1, 1001):  # 10 s in steps of 10 ms; a reply every 100 ms (10/s)
        now = tick / 100
        if tick % 10 == 0:
            s.submit(-tick, Priority.INTERACTIVE, now)  # in groups: chats of their own
            replies += 1
        granted_now(s, now)
    sent = sum(t.granted for t in scheduled)
    # 30/s for 10 s plus the burst, less the reserve kept back and the 100 replies.
    assert 30 * 10 + 10 - 2 - replies - 3 <= sent <= 30 * 10 + 10 - 2 - replies


def test_a_429_pauses_only_its_chat() -> None:
    s = SendScheduler(LIMITS, 0.0)
    s.pause(PERSON, 5.0, 0.0)
    mine = s.submit(PERSON, Priority.INTERACTIVE, 0.0)
    other = s.submit(OTHER, Priority.INTERACTIVE, 0.0)
    granted, wake = s.grant(0.0)
    assert granted == [other]
    assert wake == 5.0
    assert granted_now(s, 4.99) == []
    assert granted_now(s, 5.0) == [mine]


def test_a_429_without_a_chat_pauses_everything() -> None:
    s = SendScheduler(LIMITS, 0.0)
    s.pause(None, 3.0, 0.0)
    ticket = s.submit(OTHER, Priority.INTERACTIVE, 0.0)
    assert s.grant(0.0) == ([], 3.0)
    assert granted_now(s, 3.0) == [ticket]


def test_a_retry_keeps_its_place_in_the_chat() -> None:
    s = SendScheduler(LIMITS, 0.0)
    first = s.submit(PERSON, Priority.INTERACTIVE, 0.0)
    assert granted_now(s, 0.0) == [first]
    second = s.submit(PERSON, Priority.INTERACTIVE, 0.0)
    s.pause(PERSON, 2.0, 0.0)  # the first came back 429 before the second went
    retry = s.submit(PERSON, Priority.INTERACTIVE, 0.0, seq=first.seq)
    assert granted_now(s, 2.0) == [retry, second]


def test_idle_chats_are_forgotten() -> None:
    s = SendScheduler(LIMITS, 0.0)
    for i in range(SendScheduler.PRUNE_ABOVE + 10):
        s.submit(PERSON + i, Priority.SCHEDULED, i / 30)
        granted_now(s, i / 30)
    s.submit(OTHER, Priority.INTERACTIVE, 100.0)
    granted_now(s, 100.0)
    assert s.chats_remembered < SendScheduler.PRUNE_ABOVE


def test_only_messages_count_towards_the_limits() -> None:
    assert counts_as_message("sendMessage") and counts_as_message("editMessageText")
    assert counts_as_message("sendPhoto") and counts_as_message("copyMessage")
    assert not counts_as_message("sendChatAction")
    assert not counts_as_message("answerCallbackQuery") and not counts_as_message("getChatMember")


def test_retry_after_is_read_as_seconds() -> None:
    assert retry_after_seconds(RetryAfter(7)) == 7.0
    assert retry_after_seconds(RetryAfter(timedelta(milliseconds=1500))) == 1.5


# --- The asyncio side ------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeApi:
    """Answers calls, or raises what a test queued for a chat."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[tuple[float, Any]] = []
        self.fail: dict[Any, list[Exception]] = {}

    async def call(self, chat: Any) -> dict[str, Any]:
        self.calls.append((self.clock.now, chat))
        queued = self.fail.get(chat)
        if queued:
            raise queued.pop(0)
        return {"ok": True}


async def send(
    limiter: ReboundRateLimiter,
    api: FakeApi,
    chat: Any,
    endpoint: str = "sendMessage",
    retries: int | None = None,
) -> Any:
    data = {"chat_id": chat, "text": "hi"} if chat is not None else {}
    return await limiter.process_request(api.call, (chat,), {}, endpoint, data, retries)


async def run_until(
    clock: FakeClock, limiter: ReboundRateLimiter, done: asyncio.Future[Any], limit: float = 60.0
) -> None:
    """Move the clock in 10 ms steps (letting the loop run each step) until ``done``."""
    while not done.done():
        assert clock.now < limit, "still waiting"
        await asyncio.sleep(0.001)
        clock.now = round(clock.now + 0.01, 6)
        limiter.recheck()
        await asyncio.sleep(0.001)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> FakeApi:
    return FakeApi(clock)


async def test_a_429_is_retried_after_retry_after_and_counted(
    clock: FakeClock, api: FakeApi
) -> None:
    metrics = Metrics()
    limiter = ReboundRateLimiter(metrics, clock=clock)
    api.fail[PERSON] = [RetryAfter(timedelta(seconds=2))]
    task = asyncio.ensure_future(send(limiter, api, PERSON))
    await run_until(clock, limiter, task)
    assert task.result() == {"ok": True}
    assert [chat for _, chat in api.calls] == [PERSON, PERSON]
    assert api.calls[1][0] == pytest.approx(2.0, abs=0.02)  # not before Telegram said
    assert metrics.api_errors.labels("429")._value.get() == 1
    assert metrics.messages_sent.labels("sendMessage")._value.get() == 1


@pytest.mark.slow
async def test_a_429_in_one_chat_does_not_delay_another(clock: FakeClock, api: FakeApi) -> None:
    limiter = ReboundRateLimiter(clock=clock)
    api.fail[PERSON] = [RetryAfter(timedelta(seconds=5))]
    paused = asyncio.ensure_future(send(limiter, api, PERSON))
    await asyncio.sleep(0.01)
    other = asyncio.ensure_future(send(limiter, api, OTHER))
    await asyncio.sleep(0.01)
    assert other.done() and clock.now == 0.0  # no time had to pass
    also_paused = asyncio.ensure_future(send(limiter, api, PERSON))
    await asyncio.sleep(0.01)
    assert not also_paused.done()  # the chat itself waits out Telegram's 5 s
    await run_until(clock, limiter, asyncio.gather(paused, also_paused))
    assert clock.now >= 5.0


async def test_retries_are_bounded(clock: FakeClock, api: FakeApi) -> None:
    limiter = ReboundRateLimiter(max_retries=2, clock=clock)
    api.fail[PERSON] = [RetryAfter(timedelta(seconds=1)) for _ in range(5)]
    task = asyncio.ensure_future(send(limiter, api, PERSON))
    await run_until(clock, limiter, task)
    with pytest.raises(RetryAfter):
        task.result()
    assert len(api.calls) == 3  # the first try and two retries
    api.fail[OTHER] = [RetryAfter(timedelta(seconds=1))]
    once = asyncio.ensure_future(send(limiter, api, OTHER, retries=0))  # rate_limit_args
    await run_until(clock, limiter, once)
    with pytest.raises(RetryAfter):
        once.result()


async def test_a_403_is_counted_and_passed_on(clock: FakeClock, api: FakeApi) -> None:
    metrics = Metrics()
    limiter = ReboundRateLimiter(metrics, clock=clock)
    api.fail[PERSON] = [Forbidden("Forbidden: bot was blocked by the user")]
    with pytest.raises(Forbidden):
        await send(limiter, api, PERSON)
    assert metrics.api_errors.labels("403")._value.get() == 1


async def test_calls_that_are_not_messages_are_not_paced(clock: FakeClock, api: FakeApi) -> None:
    limiter = ReboundRateLimiter(clock=clock)
    for _ in range(10):
        await send(limiter, api, PERSON, endpoint="sendChatAction")
    await send(limiter, api, None, endpoint="answerCallbackQuery")
    assert len(api.calls) == 11 and clock.now == 0.0


async def test_a_waiting_scheduled_send_is_withdrawn_on_stop(
    clock: FakeClock, api: FakeApi
) -> None:
    limiter = ReboundRateLimiter(clock=clock)
    stop = asyncio.Event()
    limiter.scheduler.pause(PERSON, math.inf, 0.0)  # this chat's send cannot go

    async def job() -> Any:
        with scheduled_sends(stop):
            return await send(limiter, api, PERSON)

    waiting = asyncio.ensure_future(job())
    await asyncio.sleep(0.01)
    stop.set()
    with pytest.raises(Withdrawn):
        await waiting
    assert api.calls == []
    assert limiter.scheduler.grant(0.0) == ([], None)  # nothing left in line


async def test_a_scheduled_job_that_began_is_sent_whole(clock: FakeClock, api: FakeApi) -> None:
    limiter = ReboundRateLimiter(clock=clock)
    stop = asyncio.Event()

    async def job() -> None:
        with scheduled_sends(stop):
            await send(limiter, api, PERSON)
            stop.set()  # stopping between the job's two messages
            await send(limiter, api, PERSON)

    await job()
    assert len(api.calls) == 2


async def test_replies_overtake_a_scheduled_backlog(clock: FakeClock, api: FakeApi) -> None:
    limiter = ReboundRateLimiter(clock=clock)

    async def scheduled(chat: int) -> Any:
        with scheduled_sends():
            return await send(limiter, api, chat)

    backlog = [asyncio.ensure_future(scheduled(PERSON + 100 + i)) for i in range(80)]
    await asyncio.sleep(0.01)
    assert sum(t.done() for t in backlog) == 18  # the overall burst of 20, less the reserve
    reply = asyncio.ensure_future(send(limiter, api, OTHER))
    await run_until(clock, limiter, reply)
    assert clock.now <= 0.05  # within a token or so, ahead of ~60 scheduled still waiting
    assert sum(t.done() for t in backlog) < 25
    await run_until(clock, limiter, asyncio.gather(*backlog))
