"""Update handling throughput: Rebound's full stack against a bare PTB echo bot, same emulator,
same run.

The Bot API emulator runs in its own process (as Telegram would be a remote server), so the
bot's process pays only for its own work; the two share this machine's cores with PostgreSQL.

Workload for Rebound: U people, each onboarded and taken to the debrief's company question
through the bot (untimed), then a burst of K = U x R updates injected at once: per person,
R/2 times "company name" (stored, answered with the next question, the old question's buttons
removed) and "Back" (flow state stored, the company question asked again). Per-chat order is
kept by the bot, so every update is a real step. The echo bot gets K plain texts from the
same number of people and replies to each with the same text.

Timing starts when the emulator is told to inject the burst (it pushes all K in one go, in
milliseconds, in its own process) and stops when the bot has finished handling the last update
(replies sent). A closed loop of one person (send, wait for the reply) gives unloaded latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    EmulatorProcess,
    Row,
    fmt,
    percentile,
    postgres_available,
    postgres_database,
    report,
    serve_commands,
)

NAME = "updates"
MODULE = "bench.updates"
TOKEN = "424242:BENCH-TOKEN"
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Corp")
SETUP_CONCURRENCY = 8  # people going through onboarding at once (untimed)
APOLOGY = "something went wrong"
SETUP_RETRIES = 3


# --- The emulator process ------------------------------------------------------------------------


def _text_is(text: str) -> Callable[[Any], bool]:
    return lambda message: message.text == text


class EmulatorSide:
    """Runs in the emulator's process: people, their scripted setup, bursts, closed loops."""

    def __init__(self) -> None:
        from bot.emulator import Emulator, SimUser

        self.emulator = Emulator(token=TOKEN, rate_limits=False)
        self.users: list[SimUser] = []
        self.pinger: SimUser | None = None
        self.back_data: dict[int, tuple[int, str]] = {}  # user id -> (message id, callback data)
        self.retries = 0  # setup steps done again after the bot apologised

    async def _after(
        self, user: Any, act: Callable[[], Awaitable[Any]], want: Callable[[Any], bool]
    ) -> Any:
        """Do ``act``, then wait until a bot message sent since shows what ``want`` looks for
        (messages are checked as they look now, edits included). When the bot apologises (its
        transaction failed and was rolled back) the step is done again, and counted."""
        for _attempt in range(SETUP_RETRIES + 1):
            since = len(user.messages)
            await act()
            deadline = time.monotonic() + 60
            while True:
                fresh = user.messages[since:]
                found = next((m for m in fresh if want(m)), None)
                if found is not None:
                    return found
                if any(APOLOGY in m.text for m in fresh):
                    self.retries += 1
                    break
                if time.monotonic() > deadline:
                    shown = [m.text[:60] for m in fresh]
                    raise TimeoutError(f"setup stuck in chat {user.id}; bot said {shown}")
                with contextlib.suppress(TimeoutError):
                    await user.next_message(timeout=1)
        raise RuntimeError(f"the bot kept failing in chat {user.id}")

    async def _to_company_question(self, user: Any) -> None:
        def button(label: str) -> Callable[[Any], bool]:
            return lambda message: label in message.button_labels()

        def text(part: str) -> Callable[[Any], bool]:
            return lambda message: part in message.text

        await self._after(user, lambda: user.send("/start"), button("Sounds good"))
        await self._after(user, lambda: user.tap("Sounds good"), text("Where are you"))
        await self._after(user, lambda: user.send("Berlin"), button("09:00"))
        await self._after(user, lambda: user.tap("09:00"), button("Every day"))
        await self._after(user, lambda: user.tap("Every day"), text("all set"))
        await self._after(user, lambda: user.send("/reflect"), button("Let's do it"))
        question = await self._after(user, lambda: user.tap("Let's do it"), button("Skip"))
        skip = next(
            b.callback_data
            for row in question.buttons
            for b in row
            if b.callback_data and b.callback_data.endswith(":skip")
        )
        code, version, run = skip.split(":")[:3]
        # The "Back" on the stage question: <flow>:<version>:<run>:stage:back. It is tapped on a
        # message without buttons (the stage question it belongs to does not exist yet when the
        # burst is injected), so the bot has no keyboard to remove for it.
        plain = next(m for m in reversed(user.messages) if not m.buttons)
        self.back_data[user.id] = (plain.message_id, f"{code}:{version}:{run}:stage:back")

    async def setup(self, people: int, reflect: bool) -> dict[str, Any]:
        started = time.perf_counter()
        first = len(self.users)
        self.users += [self.emulator.user(f"P{first + i}") for i in range(people)]
        self.pinger = self.emulator.user("Pinger")
        if reflect:
            gate = asyncio.Semaphore(SETUP_CONCURRENCY)

            async def one(user: Any) -> None:
                async with gate:
                    await self._to_company_question(user)

            await asyncio.gather(*(one(u) for u in [*self.users, self.pinger]))
        return {
            "setup_s": time.perf_counter() - started,
            "people": len(self.users),
            "setup_retries": self.retries,
        }

    async def burst(self, rounds: int, reflect: bool, people: int = 0) -> dict[str, Any]:
        """Inject rounds x people updates, round-robin over people; returns how many."""
        started = time.perf_counter()
        count = 0
        for r in range(rounds):
            for i, user in enumerate(self.users[: people or None]):
                if reflect and r % 2 == 1:
                    message_id, data = self.back_data[user.id]
                    await user.tap_data(data, message_id=message_id)
                else:
                    await user.send(f"{COMPANIES[(i + r) % len(COMPANIES)]} {r}")
                count += 1
        return {"injected": count, "inject_s": time.perf_counter() - started}

    async def ping(self, count: int, reflect: bool) -> dict[str, Any]:
        """One person, send and wait for the answer, ``count`` times: unloaded round trips."""
        assert self.pinger is not None
        user = self.pinger
        trips: list[float] = []
        for i in range(count):
            said = f"{COMPANIES[i % len(COMPANIES)]} ping"
            started = time.perf_counter()
            if reflect:  # the answer is the stage question, with its Back button
                await self._after(
                    user,
                    functools.partial(user.send, said),
                    lambda m: any("Back" in b for b in m.button_labels()),
                )
            else:
                await self._after(user, functools.partial(user.send, said), _text_is(said))
            trips.append(time.perf_counter() - started)
            if reflect:
                await self._after(
                    user, lambda: user.tap("Back"), lambda m: "Skip" in m.button_labels()
                )
        return {"trips_s": trips}

    def check(self, reflect: bool) -> dict[str, Any]:
        """Replies as expected? (Rebound: the company question last; echo: the last text.)"""
        wrong = apologies = 0
        for user in self.users:
            last = user.last_message
            if last is None or (reflect and "Skip" not in last.button_labels()):
                wrong += 1
            apologies += sum(APOLOGY in m.text for m in user.messages)
        return {
            "wrong": wrong,
            "apologies": apologies,
            "errors": [f"{e.method}: {e.description}" for e in self.emulator.errors[:5]],
            "error_count": len(self.emulator.errors),
            "calls": len(self.emulator.calls),
        }


async def _command(side: EmulatorSide, name: str, args: dict[str, Any]) -> dict[str, Any]:
    if name == "setup":
        return await side.setup(**args)
    if name == "burst":
        return await side.burst(**args)
    if name == "fetched":
        return {"fetched": side.emulator.updates_fetched}
    if name == "ping":
        return await side.ping(**args)
    if name == "check":
        return side.check(**args)
    raise ValueError(f"unknown command {name!r}")


async def emulator_main() -> None:
    logging.disable(logging.CRITICAL)
    side = EmulatorSide()
    await serve_commands(side.emulator, functools.partial(_command, side))


# --- The bots ------------------------------------------------------------------------------------


@dataclass
class Bot:
    """A started bot: how many updates it has finished, and how to stop it."""

    handled: Callable[[], int]
    wait_for: Callable[[int], Awaitable[None]]
    stop: Callable[[], Awaitable[None]]
    service: list[float]  # seconds per update inside its turn (its chat's lock held)
    queued: list[float]  # seconds from getting a slot in the processor to done (Rebound)
    rate_limit: Callable[[bool], None]  # Rebound's rate limiter on or off
    errors: Counter[str]  # what reached the error handler, by kind
    # update_id -> time.monotonic() when the processor got it, got a slot (its concurrency
    # bound), started its turn (its chat's lock), finished. CLOCK_MONOTONIC is one clock for
    # every process on Linux, so these line up with the emulator process's timestamps.
    marks: dict[int, tuple[float, float, float, float]] = field(default_factory=dict)


def _instrument(processor: Any, service: list[float], queued: list[float]) -> dict[int, Any]:
    """Wrap a PTB update processor's two steps to time each update; returns the marks."""
    marks: dict[int, tuple[float, float, float, float]] = {}
    arrived: dict[int, float] = {}
    process, do_process = processor.process_update, processor.do_process_update

    async def timed(update_id: int, slot: float, coroutine: Awaitable[Any]) -> None:
        started = time.monotonic()
        await coroutine
        done = time.monotonic()
        service.append(done - started)
        marks[update_id] = (arrived.pop(update_id, slot), slot, started, done)

    async def on_arrival(update: object, coroutine: Awaitable[Any]) -> None:
        arrived[getattr(update, "update_id", 0)] = time.monotonic()
        await process(update, coroutine)

    async def in_slot(update: object, coroutine: Awaitable[Any]) -> None:
        slot = time.monotonic()
        await do_process(update, timed(getattr(update, "update_id", 0), slot, coroutine))
        queued.append(time.monotonic() - slot)

    processor.process_update = on_arrival
    processor.do_process_update = in_slot
    return marks


@contextlib.asynccontextmanager
async def rebound_bot(
    api_url: str, database_url: str, workdir: Path, concurrency: int
) -> AsyncIterator[Bot]:
    """Rebound as ``rebound run`` starts it for long polling: the inbox poller (bot.intake)
    commits each batch before confirming it, the chat-ordered processor handles it."""
    from telegram.ext import ContextTypes

    from bot.app import build_application, start_polling, start_without_runner, stop_without_runner
    from bot.config import load_settings
    from bot.rate_limiter import Limits, ReboundRateLimiter
    from bot.serve import freeze_startup
    from bot.update_processor import ChatOrderedProcessor

    # The load generator is not a person: flood control still runs on every update, but with a
    # limit the closed-loop ping (dozens of messages a second from one person) does not hit.
    settings = load_settings(
        _env_file=None,
        api_url=api_url,
        database_url=database_url,
        data_dir=workdir,
        flood_limit=1_000_000,
        max_concurrent_updates=concurrency,
    )
    app = build_application(settings, token=TOKEN)
    errors: Counter[str] = Counter()

    async def record_error(_update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # The type, and for database errors the driver's message ("database is locked"): never
        # a person's text.
        error = context.error
        orig = getattr(error, "orig", None)
        errors[f"{type(error).__name__}: {orig}" if orig is not None else type(error).__name__] += 1

    app.add_error_handler(record_error)
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, ReboundRateLimiter)
    processor = app.update_processor
    assert isinstance(processor, ChatOrderedProcessor)
    service: list[float] = []
    queued: list[float] = []
    marks = _instrument(processor, service, queued)
    await start_without_runner(app)
    await start_polling(app, timeout=2)
    freeze_startup()  # as `rebound run` does

    def limit(enabled: bool) -> None:
        """Pacing on or off (bench only: the untimed setup and the capacity burst are not held
        to Telegram's limits); the counting stays on either way."""
        limiter.set_limits(Limits() if enabled else None)

    try:
        yield Bot(
            lambda: processor.handled,
            processor.wait_for,
            functools.partial(stop_without_runner, app),
            service,
            queued,
            limit,
            errors,
            marks,
        )
    finally:
        await stop_without_runner(app)


@contextlib.asynccontextmanager
async def echo_bot(api_url: str, concurrency: int, aiohttp: bool = False) -> AsyncIterator[Bot]:
    """The baseline: a bare PTB Application that replies with the same text; ``aiohttp``: over
    Rebound's transport (bot.telegram_http) instead of PTB's stock httpx."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    from bot.serve import freeze_startup
    from bot.telegram_http import use_aiohttp

    done = 0
    changed = asyncio.Event()

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal done
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)
        done += 1
        changed.set()

    async def wait_for(count: int) -> None:
        while done < count:
            changed.clear()
            await changed.wait()

    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
    )
    if concurrency > 1:
        builder = builder.concurrent_updates(concurrency)
    if aiohttp:
        builder = use_aiohttp(builder)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    service: list[float] = []
    marks = _instrument(app.update_processor, service, [])
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=2, allowed_updates=Update.ALL_TYPES)
    freeze_startup()  # the floor gets the same treatment as Rebound

    async def stop() -> None:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    try:
        yield Bot(
            lambda: done, wait_for, stop, service, [], lambda _enabled: None, Counter(), marks
        )
    finally:
        await stop()


# --- One measurement ---------------------------------------------------------------------------


@dataclass
class Sizes:
    people: int
    rounds: int  # updates per person in the capacity burst (even: each person ends where begun)
    limited_rounds: int  # the same, with Rebound's rate limiter on as shipped...
    limited_people: int  # ...for this many of the people (its pace is known: ~30 calls/s)
    pings: int  # round trips of one person in a closed loop

    @property
    def updates(self) -> int:
        return self.people * self.rounds


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of another process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _burst(
    emu: EmulatorProcess, bot: Bot, rounds: int, reflect: bool, people: int = 0
) -> dict[str, Any]:
    """Inject rounds x people updates at once; time until the bot has handled them all."""
    assert emu.proc is not None
    fetched = (await emu.call("fetched"))["fetched"]
    await asyncio.wait_for(bot.wait_for(fetched), 120)  # whatever came before is finished
    before = bot.handled()
    errors_before = Counter(bot.errors)
    wrong_before = (await emu.call("check", reflect=reflect))["wrong"]
    del bot.service[:], bot.queued[:]
    cpu_bot, cpu_emu = time.process_time(), _cpu_seconds(emu.proc.pid)
    started = time.perf_counter()
    burst = await emu.call("burst", rounds=rounds, reflect=reflect, people=people)
    await asyncio.wait_for(bot.wait_for(before + burst["injected"]), 600)
    elapsed = time.perf_counter() - started
    cpu_bot = time.process_time() - cpu_bot
    cpu_emu = _cpu_seconds(emu.proc.pid) - cpu_emu
    check = await emu.call("check", reflect=reflect)
    errors = bot.errors - errors_before
    return {
        "errors": dict(errors),
        "error_total": sum(errors.values()),
        "wrong_at_end": max(0, check["wrong"] - wrong_before),  # made wrong by this burst
        "rejected_calls": check["error_count"],
        "updates": burst["injected"],
        "seconds": elapsed,
        "per_second": burst["injected"] / elapsed,
        "inject_s": burst["inject_s"],
        "bot_cpu_ms_per_update": cpu_bot / burst["injected"] * 1000,
        "emulator_cpu_ms_per_update": cpu_emu / burst["injected"] * 1000,
        "service_p50_s": percentile(bot.service, 50),
        "service_p99_s": percentile(bot.service, 99),
        "queued_p50_s": percentile(bot.queued, 50),
        "queued_p99_s": percentile(bot.queued, 99),
        "api_calls_so_far": check["calls"],
    }


async def measure(
    kind: str, sizes: Sizes, database_url: str = "", concurrency: int = 16
) -> dict[str, Any]:
    """An emulator process and a bot: set up, burst, ping (and for Rebound, a burst with its
    rate limiter on); returns the numbers."""
    reflect = kind == "rebound"
    with tempfile.TemporaryDirectory(prefix="rebound-bench-") as tmp:
        async with EmulatorProcess(MODULE) as emu:
            bot_context = (
                rebound_bot(emu.api_url, database_url, Path(tmp), concurrency)
                if reflect
                else echo_bot(emu.api_url, concurrency, aiohttp=kind == "echo-aiohttp")
            )
            async with bot_context as bot:
                bot.rate_limit(False)
                setup = await emu.call("setup", people=sizes.people, reflect=reflect)
                calls_setup = (await emu.call("check", reflect=reflect))["calls"]
                free = await _burst(emu, bot, sizes.rounds, reflect)
                calls_free = free["api_calls_so_far"] - calls_setup
                ping = await emu.call("ping", count=sizes.pings, reflect=reflect)
                limited: dict[str, Any] = {}
                if reflect:
                    bot.rate_limit(True)
                    limited = await _burst(
                        emu, bot, sizes.limited_rounds, reflect, sizes.limited_people
                    )
    trips = ping["trips_s"]
    return {
        "kind": kind,
        "people": sizes.people,
        "setup_s": setup["setup_s"],
        **free,
        "api_calls_per_update": calls_free / free["updates"],
        "pings": len(trips),
        "trip_p50_s": percentile(trips, 50),
        "trip_p99_s": percentile(trips, 99),
        "rate_limited": limited,
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _echo_rows(
    sizes: Sizes,
    echo: dict[str, Any],
    same_transport: dict[str, Any],
    sequential: dict[str, Any],
) -> list[Row]:
    size = f"K={sizes.updates}, {sizes.people} chats"
    return [
        Row(
            "echo bot, 16 concurrent (baseline)",
            size,
            echo["per_second"],
            "updates/s",
            f"bot CPU {echo['bot_cpu_ms_per_update']:.1f} ms/update, "
            f"{echo['api_calls_per_update']:.1f} API calls/update; no database",
            echo,
        ),
        Row(
            "echo bot, PTB default (sequential)",
            size,
            sequential["per_second"],
            "updates/s",
            f"{sequential['per_second'] / echo['per_second']:.2f}x the concurrent echo bot",
            sequential,
        ),
        Row(
            "echo bot on Rebound's aiohttp transport",
            size,
            same_transport["per_second"],
            "updates/s",
            f"bot CPU {same_transport['bot_cpu_ms_per_update']:.1f} ms/update; "
            f"{same_transport['per_second'] / echo['per_second']:.2f}x the stock echo bot",
            same_transport,
        ),
        Row(
            "echo bot: unloaded round trip, 1 person",
            f"{echo['pings']} msgs",
            echo["trip_p50_s"] * 1000,
            "ms (p50)",
            f"p99 {_ms(echo['trip_p99_s'])}",
        ),
    ]


def _failures(result: dict[str, Any]) -> str:
    """ "" or "; N of K updates FAILED (kinds)" when the error handler was reached."""
    if not result["error_total"] and not result["wrong_at_end"]:
        return ""
    kinds = ", ".join(f"{kind} x{n}" for kind, n in result["errors"].items())
    return (
        f"; {result['error_total']} of {result['updates']} updates FAILED ({kinds}), "
        f"{result['wrong_at_end']} chats not where they should be"
    )


def _rebound_rows(
    backend: str,
    sizes: Sizes,
    ours: dict[str, Any],
    echo: dict[str, Any],
    same_transport: dict[str, Any],
    sequential: dict[str, Any],
) -> list[Row]:
    size = f"K={sizes.updates}, {sizes.people} chats"
    limited = ours["rate_limited"]
    ratio = ours["per_second"] / echo["per_second"]
    ratio_same = ours["per_second"] / same_transport["per_second"]
    ratio_sequential = ours["per_second"] / sequential["per_second"]
    cpu_ratio = ours["bot_cpu_ms_per_update"] / echo["bot_cpu_ms_per_update"]
    return [
        Row(
            f"{backend}: Rebound, rate limiter off",
            size,
            ours["per_second"],
            "updates/s",
            f"{ratio:.2f}x the echo bot (Rebound/echo; target >= 0.5x; {ratio_sequential:.2f}x "
            f"the sequential one, {ratio_same:.2f}x the one on aiohttp); bot CPU "
            f"{ours['bot_cpu_ms_per_update']:.1f} ms/update ({cpu_ratio:.1f}x echo; target <= 2x), "
            f"{ours['api_calls_per_update']:.1f} API calls/update{_failures(ours)}",
            ours,
        ),
        Row(
            f"{backend}: Rebound as shipped (bot.rate_limiter)",
            f"K={limited['updates']}, {sizes.limited_people} chats",
            limited["per_second"],
            "updates/s",
            f"{limited['per_second'] / echo['per_second']:.2f}x the echo bot; held to Telegram's "
            f"30 msgs/s by design{_failures(limited)}",
        ),
        Row(
            f"{backend}: Rebound, time in its turn (limiter off)",
            "p50 / p99",
            ours["service_p50_s"] * 1000,
            "ms (p50)",
            f"p99 {_ms(ours['service_p99_s'])}; handed-over-to-done under the burst p50 "
            f"{_ms(ours['queued_p50_s'])}, p99 {_ms(ours['queued_p99_s'])}",
        ),
        Row(
            f"{backend}: Rebound, unloaded round trip, 1 person",
            f"{ours['pings']} msgs",
            ours["trip_p50_s"] * 1000,
            "ms (p50)",
            f"p99 {_ms(ours['trip_p99_s'])}; echo p50 {_ms(echo['trip_p50_s'])}",
        ),
    ]


@contextlib.asynccontextmanager
async def _sqlite_url() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory(prefix="rebound-bench-") as tmp:
        yield f"sqlite+aiosqlite:///{tmp}/rebound.db"


@contextlib.asynccontextmanager
async def _postgres_url() -> AsyncIterator[str]:
    async with postgres_database("updates") as (_name, url):
        yield url


async def run(full: bool) -> None:
    logging.getLogger("rebound").setLevel(logging.WARNING)
    sizes = Sizes(200, 10, 2, 60, 40) if full else Sizes(25, 12, 2, 25, 10)
    notes = [
        "timing starts when the emulator is told to inject all K updates (it does so in its own "
        "process, in a few ms) and ends when the bot has handled the last one, replies sent",
        "Rebound: half the updates are typed company names, half are taps on Back, alternating "
        "per person; each commits, then replies; echo: one reply per text, no database",
        "the emulator runs in a separate process on this machine, no flood limits of its own; "
        "Rebound's flood control runs with its limit raised (the load generator is no person)",
        "rate limiter off: Rebound's rate limiter with pacing off (bench only), to "
        "measure capacity; as shipped it caps calls with a chat_id at 30/s",
        "time in its turn: with up to 16 chats interleaved on one event loop, so it includes "
        "waiting for the loop, the database and the emulator",
        "the baseline is the echo bot with 16 concurrent updates, as Rebound runs; PTB's default "
        "(one update at a time) is shown too: on this load it is faster, its httpx pool never "
        "contended",
    ]
    echo = await measure("echo", sizes, concurrency=16)
    same_transport = await measure("echo-aiohttp", sizes, concurrency=16)
    sequential = await measure("echo", sizes, concurrency=1)
    print(
        f"  echo bot: {fmt(echo['per_second'])}/s (sequential: {fmt(sequential['per_second'])}/s, "
        f"on aiohttp: {fmt(same_transport['per_second'])}/s)"
    )
    rows = _echo_rows(sizes, echo, same_transport, sequential)
    backends: list[tuple[str, Callable[[], contextlib.AbstractAsyncContextManager[str]]]] = [
        ("sqlite", _sqlite_url)
    ]
    unavailable = await postgres_available()
    if unavailable:
        notes.append(f"PostgreSQL rows skipped: {unavailable}")
    else:
        backends.append(("postgres", _postgres_url))
    for backend, url_factory in backends:
        async with url_factory() as url:
            ours = await measure("rebound", sizes, url)
        print(
            f"  {backend}: Rebound {fmt(ours['per_second'])}/s, "
            f"as shipped {fmt(ours['rate_limited']['per_second'])}/s"
        )
        rows += _rebound_rows(backend, sizes, ours, echo, same_transport, sequential)
    report(NAME, "Update handling: Rebound vs a bare PTB echo bot", rows, notes)


def main(full: bool = False) -> None:
    """Default: 25 people, a few seconds; ``full``: 200 people."""
    asyncio.run(run(full))


if __name__ == "__main__":
    if sys.argv[1:2] == ["emulator"]:
        asyncio.run(emulator_main())
    else:
        main("--full" in sys.argv)
