"""Sharing Telegram's 30 messages a second (issue 19, item 9): 10,000 check-ins fall due at
once while people who got theirs answer them. Replies to the people answering should come
first; the check-ins use what is left.

The emulator runs in its own process with Telegram's flood limits on (as Telegram is a remote
server); the bot is the real Application, polling it, with the real dispatcher and rate limiter.
Fifty of the people who receive their check-in early in the run answer it: each reads for two
seconds, taps a mood, waits for the reply, and three seconds later sends /help and waits for
that reply too (100 timed replies).

What is measured, in a window of W seconds from the first check-in Telegram accepted:

* reply latency: from the person's tap or message reaching the Bot API to the bot's reply
  arriving there (p50, p99, worst), target p99 <= 1 s;
* dispatch throughput as a share of the remaining budget: check-ins accepted per second,
  divided by (30/s - the interactive messages accepted per second), target >= 90%;
* 429 answers Telegram (the emulator) gave, target 0.

At the window's end the runtime's ``stopping`` is set (as on SIGTERM) and the run ends.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import (
    EmulatorProcess,
    Row,
    StallMonitor,
    fmt,
    percentile,
    report,
    serve_commands,
)

NAME = "sharing"
MODULE = "bench.sharing"
TOKEN = "424242:BENCH-TOKEN"
TELEGRAM_RATE = 30.0  # messages per second overall (Bot API FAQ)
PEOPLE = 10_000  # due at once
ANSWERING = 50  # of them answer their check-in during the run
EVERY = 8  # the answerers are every 8th person whose check-in arrives
READ_S = 2.0  # seconds a person reads before tapping
THEN_S = 3.0  # seconds before their /help
REPLY_TIMEOUT = 30.0  # a reply later than this counts as this late
WINDOW = 60.0  # seconds (full: 180)
FULL_WINDOW = 180.0
LATENCY_TARGET = 1.0
SHARE_TARGET = 0.90
SAMPLE_EVERY = 0.1
MESSAGE_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup"}
)


def _is_checkin(params: dict[str, Any]) -> bool:
    """A scheduled check-in: a sendMessage with the mood buttons."""
    return "ci:1:mood:" in str(params.get("reply_markup", ""))


# --- The emulator process ------------------------------------------------------------------------


class EmulatorSide:
    """Runs in the emulator's process: the people, their answers, counts of what was accepted."""

    def __init__(self) -> None:
        from bot.emulator import Emulator, SimUser

        self.emulator = Emulator(token=TOKEN, rate_limits=True)
        self.users: dict[int, SimUser] = {}
        self.samples: list[tuple[float, int, int]] = []  # (time, check-ins, interactive)
        self._seen_calls = self._seen_errors = 0
        self._checkins = self._interactive = self._rejected_429 = self._other_errors = 0
        self._arrived = 0
        self._sampler: asyncio.Task[None] | None = None
        self._answerers: list[asyncio.Task[list[tuple[str, float, float]]]] = []
        self.first = asyncio.Event()

    def people(self, first: int, count: int) -> dict[str, Any]:
        for user_id in range(first, first + count):
            self.users[user_id] = self.emulator.user(f"P{user_id}", user_id=user_id)
            # They started the bot long ago (Telegram refuses a first message from a bot).
            self.emulator._state.chats[user_id].bot_seen = True  # our own emulator's state
        return {"people": count}

    def _count(self) -> None:
        calls, errors = self.emulator.calls, self.emulator.errors
        for call in calls[self._seen_calls :]:
            if call.method not in MESSAGE_METHODS:
                continue
            if _is_checkin(call.params):
                self._checkins += 1
                self._arrived += 1
                if self._arrived % EVERY == 0 and len(self._answerers) < ANSWERING:
                    user = self.users.get(int(call.params.get("chat_id", 0)))
                    if user is not None:
                        self._answerers.append(asyncio.create_task(self._answer(user)))
            else:
                self._interactive += 1
        for error in errors[self._seen_errors :]:
            if error.method not in MESSAGE_METHODS:
                continue
            if _is_checkin(error.params):
                self._checkins -= 1
            else:
                self._interactive -= 1
            if error.error_code == 429:
                self._rejected_429 += 1
            else:
                self._other_errors += 1
        self._seen_calls, self._seen_errors = len(calls), len(errors)

    async def _answer(self, user: Any) -> list[tuple[str, float, float]]:
        """Read the check-in, tap a mood, wait for the reply; then /help and its reply.
        Returns (what, when it was sent, seconds to the reply) for each."""
        latencies: list[tuple[str, float, float]] = []
        checkin = await user.next_message(timeout=REPLY_TIMEOUT)
        read = 1
        mood = next(
            b.callback_data
            for row in checkin.buttons
            for b in row
            if b.callback_data and b.callback_data.startswith("ci:1:mood:4")
        )
        await asyncio.sleep(READ_S)
        for act in ("tap", "help"):
            for _ in range(len(user.messages) - read):  # what came meanwhile is read first
                await user.next_message(timeout=1)
                read += 1
            started = time.monotonic()
            if act == "tap":
                await user.tap_data(mood, message_id=checkin.message_id)
            else:
                await user.send("/help")
            try:
                await user.next_message(timeout=REPLY_TIMEOUT)
                read += 1
                latencies.append((act, started, time.monotonic() - started))
            except TimeoutError:
                latencies.append((act, started, REPLY_TIMEOUT))
            await asyncio.sleep(THEN_S)
        return latencies

    async def _sample(self) -> None:
        while True:
            self._count()
            self.samples.append((time.monotonic(), self._checkins, self._interactive))
            if self._checkins:
                self.first.set()
            await asyncio.sleep(SAMPLE_EVERY)

    def start(self) -> dict[str, Any]:
        self._sampler = asyncio.create_task(self._sample())
        return {}

    async def stats(self) -> dict[str, Any]:
        self._count()
        latencies: list[tuple[str, float, float]] = []
        unfinished: list[str] = []
        for task in self._answerers:
            if task.done() and task.exception() is None:
                latencies += task.result()
            else:
                unfinished.append(type(task.exception()).__name__ if task.done() else "running")
                task.cancel()
        return {
            "samples": self.samples,
            "latencies": latencies,
            "answerers": len(self._answerers),
            "unfinished": unfinished,
            "rejected_429": self._rejected_429,
            "other_errors": self._other_errors,
        }


async def _command(side: EmulatorSide, name: str, args: dict[str, Any]) -> dict[str, Any]:
    if name == "people":
        return side.people(**args)
    if name == "start":
        return side.start()
    if name == "first":
        await side.first.wait()
        return {}
    if name == "stats":
        return await side.stats()
    raise ValueError(f"unknown command {name!r}")


async def emulator_main() -> None:
    logging.disable(logging.CRITICAL)
    side = EmulatorSide()
    await serve_commands(side.emulator, functools.partial(_command, side))


# --- The bot side --------------------------------------------------------------------------------


def _at(samples: list[tuple[float, int, int]], moment: float, column: int) -> float:
    """Messages of one kind accepted by ``moment`` (linear between the emulator's samples)."""
    previous = samples[0]
    for sample in samples:
        if sample[0] >= moment:
            span = sample[0] - previous[0]
            share = (moment - previous[0]) / span if span > 0 else 1.0
            return previous[column] + (sample[column] - previous[column]) * share
        previous = sample
    return float(samples[-1][column])


async def measure(window: float, workdir: Path) -> dict[str, Any]:
    from bench.scheduling import FIRST_ID, NOW, populate
    from bot.app import (
        build_application,
        start_polling,
        start_without_runner,
        stop_polling,
        stop_without_runner,
    )
    from bot.clock import FrozenClock
    from bot.config import load_settings
    from bot.dispatch import dispatch_due
    from bot.serve import freeze_startup
    from bot.services import understanding

    url = f"sqlite+aiosqlite:///{workdir / 'sharing.db'}"
    async with EmulatorProcess(MODULE) as emu:
        await populate(url, PEOPLE)
        await emu.call("people", first=FIRST_ID, count=PEOPLE)
        settings = load_settings(
            _env_file=None, api_url=emu.api_url, database_url=url, data_dir=workdir
        )
        app = build_application(settings, token=TOKEN, clock=FrozenClock(NOW), migrate=False)
        await start_without_runner(app)
        assert app.job_queue is not None
        for job in app.job_queue.jobs():  # dispatch_due is started directly below
            job.schedule_removal()
        await start_polling(app, timeout=1)
        # As a bot that has been running for a while when check-ins fall due: the language
        # models loaded (else the first message loads them, stalling the loop for seconds on
        # this machine) and start-up objects out of the collector's reach, as `rebound run`.
        understanding.warm_up()
        freeze_startup()
        rt = app.wiring.runtime
        await emu.call("start")
        dispatching = asyncio.create_task(dispatch_due(app))
        first_message = asyncio.create_task(emu.call("first"))
        await asyncio.wait([first_message, dispatching], return_when=asyncio.FIRST_COMPLETED)
        if dispatching.done():
            first_message.cancel()
            raise RuntimeError(f"no check-in got through: dispatch_due -> {dispatching.result()}")
        first = time.monotonic()
        async with StallMonitor() as monitor:
            await asyncio.sleep(window)
        stats = await emu.call("stats")
        rt.stopping.set()  # as on SIGTERM
        await asyncio.wait_for(dispatching, 60)
        await stop_polling(app)
        await stop_without_runner(app)
    samples = [(float(t), int(c), int(i)) for t, c, i in stats["samples"]]
    checkins = (_at(samples, first + window, 1) - _at(samples, first, 1)) / window
    interactive = (_at(samples, first + window, 2) - _at(samples, first, 2)) / window
    replies = [(str(a), float(t) - first, float(x)) for a, t, x in stats["latencies"]]
    latencies = [x for _a, _t, x in replies]
    return {
        "window_s": window,
        "checkins_per_s": checkins,
        "interactive_per_s": interactive,
        "share": checkins / (TELEGRAM_RATE - interactive),
        "latencies": len(latencies),
        "p50_s": percentile(latencies, 50),
        "p99_s": percentile(latencies, 99),
        "worst_s": max(latencies, default=0.0),
        "slowest": sorted(replies, key=lambda r: -r[2])[:5],  # (what, sent at, seconds)
        "answerers": stats["answerers"],
        "unfinished": stats["unfinished"],
        "rejected_429": stats["rejected_429"],
        "other_errors": stats["other_errors"],
        "worst_stall_ms": monitor.worst * 1000,
    }


def _unfinished(result: dict[str, Any]) -> str:
    """How many answerers did not get through, and why (an exception's type, or running)."""
    reasons: list[str] = result["unfinished"]
    return f"{len(reasons)} {', '.join(sorted(set(reasons)))}".strip()


def _rows(result: dict[str, Any]) -> list[Row]:
    size = f"N={PEOPLE:,}, {result['answerers']} answering, {result['window_s']:.0f} s"
    p99_ok = "meets" if result["p99_s"] <= LATENCY_TARGET else "FAILS"
    share_ok = "meets" if result["share"] >= SHARE_TARGET else "FAILS"
    errors_ok = "meets" if result["rejected_429"] == 0 else "FAILS"
    return [
        Row(
            "reply latency p99 (people answering)",
            size,
            result["p99_s"] * 1000,
            "ms",
            f"target <= {LATENCY_TARGET * 1000:.0f} ms: {p99_ok}; p50 "
            f"{result['p50_s'] * 1000:.0f} ms, worst {result['worst_s'] * 1000:.0f} ms over "
            f"{result['latencies']} replies (people not finished: {_unfinished(result)}); "
            f"worst event-loop stall {result['worst_stall_ms']:.0f} ms",
            result,
        ),
        Row(
            "dispatch share of the remaining budget",
            size,
            result["share"] * 100,
            "%",
            f"target >= {SHARE_TARGET * 100:.0f}%: {share_ok}; check-ins "
            f"{fmt(result['checkins_per_s'])}/s of {TELEGRAM_RATE:.0f} - "
            f"{fmt(result['interactive_per_s'])}/s interactive",
        ),
        Row(
            "429 answers",
            size,
            result["rejected_429"],
            "count",
            f"target 0: {errors_ok}; other refusals {result['other_errors']}",
        ),
    ]


async def run(full: bool, window: float | None = None) -> None:
    window = window or (FULL_WINDOW if full else WINDOW)
    with tempfile.TemporaryDirectory(prefix="rebound-bench-") as tmp:
        result = await measure(window, Path(tmp))
    print(
        f"  p99 {result['p99_s'] * 1000:.0f} ms, share {result['share'] * 100:.1f}%, "
        f"{result['rejected_429']} x 429",
        flush=True,
    )
    notes = [
        "emulator in its own process with Telegram's flood limits on; the real Application "
        "polling it, with its dispatcher (bot.dispatch) and rate limiter as shipped; SQLite",
        f"answering: every {EVERY}th person whose check-in arrives, up to {ANSWERING}; each "
        f"reads {READ_S:.0f} s, taps a mood, then {THEN_S:.0f} s after the reply sends /help",
    ]
    report(
        NAME,
        "Sharing the rate limit: check-ins due at once, people answering",
        _rows(result),
        notes,
    )


def main(full: bool = False) -> None:
    logging.disable(logging.INFO)
    asyncio.run(run(full))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "emulator":
        asyncio.run(emulator_main())
    else:
        parser = argparse.ArgumentParser(prog=MODULE)
        parser.add_argument("--full", action="store_true", help=f"a {FULL_WINDOW:.0f}-s window")
        parser.add_argument("--window", type=float, default=None, help="seconds (overrides)")
        args = parser.parse_args()
        logging.disable(logging.INFO)
        asyncio.run(run(args.full, args.window))
