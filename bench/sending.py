"""Sending under Telegram's limits: N people due at once, the real dispatcher, the real rate
limiter, an emulator enforcing Telegram's flood limits (~30 messages/s overall, ~1/s per
private chat with short bursts, 20/min per group).

The emulator runs in its own process (as Telegram is a remote server), so the CPU figure is the
bot process's own work: claiming, building, rendering, HTTP, recording (and, on SQLite, the
database, which runs in the bot's process). PostgreSQL's server CPU is not in it.

What is measured, per database:

* sustained rate: messages Telegram (the emulator) accepted in a window of W seconds starting
  at the first one, divided by W; N is large enough that the queue never runs dry inside the
  window. Also the slowest 10-second stretch, and the time from the run's start to the first
  message (moving the due check-ins into the outbox, claiming the first batch).
* 429 answers: every "Too Many Requests" the emulator gave during the run (target: none).
* CPU: the bot process's user+system CPU time over the window, as % of one core.
* at the end of the window the runtime's ``stopping`` event is set, as on SIGTERM: the
  dispatcher stops, hands back what it had claimed and not sent; the check is that sent +
  handed back = N and nobody got a message twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bench.common import (
    EmulatorProcess,
    Row,
    StallMonitor,
    fmt,
    postgres_available,
    postgres_database,
    report,
    serve_commands,
)

NAME = "sending"
MODULE = "bench.sending"
TOKEN = "424242:BENCH-TOKEN"
TELEGRAM_RATE = 30.0  # messages per second overall
RATE_TOLERANCE = 0.05  # sustained within 5% of it
CPU_LIMIT = 25.0  # % of one core
WINDOW = 120.0  # seconds (full: 600)
FULL_WINDOW = 600.0
HEADROOM = 15.0  # seconds of extra people beyond the window, so the queue never runs dry
SAMPLE_EVERY = 0.1  # seconds between the emulator's counts of accepted messages
SLICE = 10.0  # seconds: the slowest stretch of this length inside the window


# --- The emulator process ------------------------------------------------------------------------


class EmulatorSide:
    """Runs in the emulator's process: the people, and counts of what Telegram accepted."""

    def __init__(self) -> None:
        from bot.emulator import Emulator

        self.emulator = Emulator(token=TOKEN, rate_limits=True)
        self.samples: list[tuple[float, int]] = []
        self._seen_calls = self._seen_errors = 0
        self._accepted = self._rejected_429 = self._other_errors = 0
        self._sampler: asyncio.Task[None] | None = None
        self.first = asyncio.Event()  # set once Telegram has accepted a message

    def people(self, first: int, count: int) -> dict[str, Any]:
        for user_id in range(first, first + count):
            self.emulator.user(f"P{user_id}", user_id=user_id)
            # They started the bot once (Telegram refuses a first message from a bot); the bot
            # under test never polls, so this update just waits in the queue.
            chat = {"id": user_id, "type": "private", "first_name": f"P{user_id}"}
            sender = {"id": user_id, "is_bot": False, "first_name": f"P{user_id}"}
            message = {"message_id": 1, "date": 0, "chat": chat, "from": sender, "text": "/start"}
            self.emulator.inject_update({"message": message})
        return {"people": count}

    def _count(self) -> None:
        calls, errors = self.emulator.calls, self.emulator.errors
        for call in calls[self._seen_calls :]:
            self._accepted += call.method == "sendMessage"
        for error in errors[self._seen_errors :]:
            if error.method == "sendMessage":
                self._accepted -= 1
                if error.error_code == 429:
                    self._rejected_429 += 1
                else:
                    self._other_errors += 1
        self._seen_calls, self._seen_errors = len(calls), len(errors)

    async def _sample(self) -> None:
        while True:
            self._count()
            self.samples.append((time.monotonic(), self._accepted))
            if self._accepted:
                self.first.set()
            await asyncio.sleep(SAMPLE_EVERY)

    def start(self) -> dict[str, Any]:
        self._sampler = asyncio.create_task(self._sample())
        return {}

    def stats(self) -> dict[str, Any]:
        self._count()
        per_chat: dict[int, int] = {}
        for call in self.emulator.calls:
            if call.method == "sendMessage":
                chat = int(call.params.get("chat_id", 0))
                per_chat[chat] = per_chat.get(chat, 0) + 1
        refused = {e.error_code for e in self.emulator.errors if e.method == "sendMessage"}
        return {
            "accepted": self._accepted,
            "rejected_429": self._rejected_429,
            "other_errors": self._other_errors,
            "error_codes": sorted(refused),
            "samples": self.samples,
            "chats_with_repeats": sum(1 for n in per_chat.values() if n > 1),
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
        return side.stats()
    raise ValueError(f"unknown command {name!r}")


async def emulator_main() -> None:
    logging.disable(logging.CRITICAL)
    side = EmulatorSide()
    await serve_commands(side.emulator, functools.partial(_command, side))


# --- The bot side --------------------------------------------------------------------------------


def _accepted_at(samples: list[tuple[float, int]], moment: float) -> float:
    """Messages accepted by ``moment`` (linear between the emulator's samples)."""
    previous = samples[0]
    for sample in samples:
        if sample[0] >= moment:
            span = sample[0] - previous[0]
            share = (moment - previous[0]) / span if span > 0 else 1.0
            return previous[1] + (sample[1] - previous[1]) * share
        previous = sample
    return float(samples[-1][1])


@contextlib.asynccontextmanager
async def _database(backend: str, workdir: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{workdir / 'sending.db'}"
        return
    async with postgres_database("send") as (_name, url):
        yield url


async def measure(backend: str, window: float, workdir: Path) -> dict[str, Any]:
    """One database: N people due, the dispatcher sending for ``window`` seconds, then stop."""
    from sqlalchemy import func, select

    from bench.scheduling import FIRST_ID, NOW, populate
    from bot.app import build_application, start_without_runner, stop_without_runner
    from bot.clock import FrozenClock
    from bot.config import load_settings
    from bot.db.models import ScheduledMessage
    from bot.dispatch import dispatch_due
    from bot.rate_limiter import Limits

    n = int(TELEGRAM_RATE * (window + HEADROOM))
    async with _database(backend, workdir) as url, EmulatorProcess(MODULE) as emu:
        await populate(url, n)  # everyone due in the same minute (see bench.scheduling)
        await emu.call("people", first=FIRST_ID, count=n)
        settings = load_settings(
            _env_file=None, api_url=emu.api_url, database_url=url, data_dir=workdir
        )
        # The clock stands at the due minute (leases never run out in frozen time, so nothing
        # is re-claimed); pacing and rate limits run on real time.
        app = build_application(settings, token=TOKEN, clock=FrozenClock(NOW), migrate=False)
        await start_without_runner(app)
        assert app.job_queue is not None
        for job in app.job_queue.jobs():  # dispatch_due is called directly below
            job.schedule_removal()
        rt = app.wiring.runtime
        await emu.call("start")
        started = time.monotonic()
        async with StallMonitor() as monitor:
            dispatching = asyncio.create_task(dispatch_due(app))
            first_message = asyncio.create_task(emu.call("first"))
            await asyncio.wait([first_message, dispatching], return_when=asyncio.FIRST_COMPLETED)
            if dispatching.done():  # finished (or failed) before anything was accepted
                first_message.cancel()
                raise RuntimeError(
                    f"no message got through: dispatch_due -> {dispatching.result()}"
                )
            first = time.monotonic()
            cpu_first = time.process_time()
            await asyncio.sleep(window)
            cpu = time.process_time() - cpu_first
            wall = time.monotonic() - first
            rt.stopping.set()  # as on SIGTERM
            stop_started = time.monotonic()
            sent = await asyncio.wait_for(dispatching, 60)
            stop_s = time.monotonic() - stop_started
        stats = await emu.call("stats")
        async with rt.sessions() as session:
            counts = dict(
                (
                    await session.execute(
                        select(ScheduledMessage.status, func.count()).group_by(
                            ScheduledMessage.status
                        )
                    )
                ).all()
            )
        await stop_without_runner(app)
    samples = [(float(t), int(c)) for t, c in stats["samples"]]
    in_window = _accepted_at(samples, first + window) - _accepted_at(samples, first)
    slices = [
        (_accepted_at(samples, first + s + SLICE) - _accepted_at(samples, first + s)) / SLICE
        for s in range(0, int(window - SLICE) + 1, int(SLICE))
    ]
    return {
        "backend": backend,
        "people": n,
        "window_s": window,
        "pace": Limits().overall_per_second,
        "rate": in_window / window,
        "slowest_slice_rate": min(slices),
        "first_message_s": first - started,
        "cpu_percent": 100 * cpu / wall,
        "cpu_ms_per_message": 1000 * cpu / max(in_window, 1),
        "rejected_429": stats["rejected_429"],
        "other_errors": stats["other_errors"],
        "error_codes": stats["error_codes"],
        "accepted_total": stats["accepted"],
        "sent_by_dispatcher": sent,
        "stop_s": stop_s,
        "statuses": counts,
        "chats_with_repeats": stats["chats_with_repeats"],
        "worst_stall_ms": monitor.worst * 1000,
    }


def _rows(result: dict[str, Any]) -> list[Row]:
    backend, window = result["backend"], result["window_s"]
    span = f"{window / 60:.0f} min" if window >= 60 else f"{window:.0f} s"
    size = f"N={result['people']:,}, {span}"
    floor = TELEGRAM_RATE * (1 - RATE_TOLERANCE)
    rate_ok = "meets" if result["rate"] >= floor else "BELOW"
    cpu_ok = "meets" if result["cpu_percent"] <= CPU_LIMIT else "OVER"
    errors = "meets" if result["rejected_429"] == 0 else "FAILS"
    statuses = result["statuses"]
    handed_back = statuses.get("pending", 0)
    whole = statuses.get("sent", 0) + handed_back == result["people"]
    return [
        Row(
            f"{backend}: sustained sending rate",
            size,
            result["rate"],
            "msgs/s",
            f"target >= {floor:.1f} (within 5% of {TELEGRAM_RATE:.0f}/s): {rate_ok}; "
            f"rate limiter paces at {result['pace']}/s; slowest {SLICE:.0f} s "
            f"{result['slowest_slice_rate']:.1f}/s; first message after "
            f"{result['first_message_s']:.2f} s",
            result,
        ),
        Row(
            f"{backend}: 429 answers",
            size,
            result["rejected_429"],
            "count",
            f"target 0: {errors}; other refusals {result['other_errors']}",
        ),
        Row(
            f"{backend}: bot process CPU while sending",
            size,
            result["cpu_percent"],
            "% of a core",
            f"target <= {CPU_LIMIT:.0f}%: {cpu_ok}; {result['cpu_ms_per_message']:.2f} ms "
            f"CPU per message; worst loop stall {result['worst_stall_ms']:.0f} ms",
        ),
        Row(
            f"{backend}: stop (SIGTERM) at the window's end",
            size,
            result["stop_s"] * 1000,
            "ms",
            f"handed back {handed_back:,} claimed-or-waiting; sent {statuses.get('sent', 0):,} "
            f"+ pending = N: {'yes' if whole else 'NO'}; chats messaged twice: "
            f"{result['chats_with_repeats']}",
        ),
    ]


async def run(full: bool, window: float | None = None, only: str | None = None) -> None:
    window = window or (FULL_WINDOW if full else WINDOW)
    backends = ["sqlite"]
    notes = [
        "emulator in its own process with Telegram's flood limits on; Rebound's dispatcher "
        "(bot.dispatch.dispatch_due) and its rate limiter as shipped",
        "CPU: the bot process only (on SQLite the database runs inside it; PostgreSQL's "
        "server is not counted)",
    ]
    unavailable = await postgres_available()
    if unavailable:
        notes.append(f"PostgreSQL rows skipped: {unavailable}")
    else:
        backends.append("postgres")
    rows: list[Row] = []
    for backend in [b for b in backends if only in (None, b)]:
        with tempfile.TemporaryDirectory(prefix="rebound-bench-") as tmp:
            result = await measure(backend, window, Path(tmp))
        print(
            f"  {backend}: {fmt(result['rate'])} msgs/s, {result['rejected_429']} x 429, "
            f"CPU {result['cpu_percent']:.1f}%",
            flush=True,
        )
        rows += _rows(result)
    report(NAME, "Sending: N people due at once, Telegram's limits on", rows, notes)


def main(full: bool = False) -> None:
    logging.disable(logging.INFO)
    asyncio.run(run(full))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "emulator":
        asyncio.run(emulator_main())
    else:
        parser = argparse.ArgumentParser(prog=MODULE)
        parser.add_argument("--full", action="store_true", help="a 10-minute window")
        parser.add_argument("--window", type=float, default=None, help="seconds (overrides)")
        parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
        args = parser.parse_args()
        logging.disable(logging.INFO)
        asyncio.run(run(args.full, args.window, args.only))
