"""Replies through Telegram's bad moments: N people set up and debrief a rejection side by side
while the Bot API fails 7% of calls with 500/502 and answers 3% of them 1-3 s late, with
Telegram's flood limits on (the run issue 17 describes: before the reply outbox, 19 of 50
reached the end).

Counted: who reached the debrief's summary card, who saw more messages than a person who did the
same without faults (a reply twice), apologies ("Sorry, something went wrong"), 429 answers the
bot drew, and the wall time. The emulator runs in the bot's process (this measures outcomes,
not speed); each person waits for each answer as a person does, up to 60 s.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Row, postgres_available, postgres_database, report

NAME = "faults"
TOKEN = "424242:BENCH-TOKEN"
PEOPLE, FULL_PEOPLE = 20, 50
FAIL, DELAY = 0.07, 0.03
WAIT = 60.0


async def _journey(user: Any) -> int:
    """Onboarding and a debrief by taps; returns how many messages the person waited for."""
    seen = 0

    async def reply(contains: str = "") -> None:
        nonlocal seen
        message = await user.next_message(timeout=WAIT)
        seen += 1
        if contains not in message.text:
            raise AssertionError(f"expected {contains!r}, got {message.text[:60]!r}")

    steps: list[tuple[str, str, str]] = [
        ("send", "/start", "not a therapist"),
        ("tap", "Sounds good", "Where are you?"),
        ("send", "Berlin", ""),
        ("tap", "09:00", ""),
        ("tap", "Every day", "You're all set"),
        ("send", "/reflect", ""),
        ("tap", "Let's do it", ""),
        ("tap", "Skip", "How far did you get"),
        ("tap", "Final round", ""),
        ("tap", "😕 2", ""),
        ("tick", "Good rapport", ""),
        ("tap", "Done ✓", ""),
        ("tick", "Technical depth", ""),
        ("tap", "Done ✓", ""),
        ("tick", "Internal candidate", ""),
        ("tap", "Done ✓", "📝"),
    ]
    for kind, what, expect in steps:
        if kind == "send":
            await user.send(what)
        else:
            await user.tap(what)
        if kind != "tick":  # a tick edits the question's buttons: no new message
            await reply(expect)
    return seen


@asynccontextmanager
async def _database(backend: str, workdir: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{workdir / 'faults.db'}"
        return
    async with postgres_database("faults") as (_name, url):
        yield url


async def measure(backend: str, people: int, workdir: Path) -> dict[str, Any]:
    from bot.app import build_application, start_polling, start_without_runner, stop_without_runner
    from bot.clock import FrozenClock
    from bot.config import load_settings
    from bot.content import load_content
    from bot.emulator import Emulator, Faults

    async with (
        _database(backend, workdir) as url,
        Emulator(token=TOKEN, think_time=2.0) as emulator,
    ):
        settings = load_settings(
            _env_file=None,
            api_url=emulator.api_url,
            database_url=url,
            data_dir=workdir,
            flood_limit=10_000,
        )
        content = load_content()
        content.rng = random.Random(7)
        clock = FrozenClock(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
        app = build_application(settings, token=TOKEN, clock=clock, content=content)
        await start_without_runner(app)
        await start_polling(app, timeout=2)
        try:
            expected = await _journey(emulator.user("Reference"))
            faults = Faults(fail=FAIL, delay=DELAY, seed=2026)
            emulator.faults = faults
            users = [emulator.user(f"Person{i}") for i in range(people)]
            started = time.perf_counter()
            results = await asyncio.gather(*(_journey(u) for u in users), return_exceptions=True)
            elapsed = time.perf_counter() - started
            emulator.faults = None
            await emulator.wait_idle(timeout=60)
        finally:
            await stop_without_runner(app)
        apology = content.texts("en")("errors.apology")
        return {
            "people": people,
            "finished": sum(isinstance(r, int) for r in results),
            "twice": sum(len(u.messages) > expected for u in users),
            "apologies": sum(m.text == apology for u in users for m in u.messages),
            "rejected_429": sum(e.error_code == 429 for e in emulator.errors),
            "refused": len(emulator.errors),
            "failed": faults.failed,
            "delayed": faults.delayed,
            "seconds": elapsed,
        }


def _rows(backend: str, r: dict[str, Any]) -> list[Row]:
    size = f"{r['people']} people, {backend}"
    return [
        Row(
            "reached the summary card",
            size,
            r["finished"],
            "people",
            f"of {r['people']}; issue 17 before the outbox: 19 of 50",
        ),
        Row("saw a message twice", size, r["twice"], "people", "target 0"),
        Row("apologies", size, r["apologies"], "messages", "target 0"),
        Row(
            "429 drawn",
            size,
            r["rejected_429"],
            "answers",
            f"target 0; all refused calls: {r['refused']}",
        ),
        Row(
            "faults injected",
            size,
            r["failed"] + r["delayed"],
            "calls",
            f"{r['failed']} answered 500/502, {r['delayed']} answered 1-3 s late",
        ),
        Row("wall time", size, r["seconds"], "s", "each person waits for each answer"),
    ]


async def run(full: bool) -> None:
    people = FULL_PEOPLE if full else PEOPLE
    backends = ["sqlite"]
    notes = [
        f"Bot API emulator in the bot's process: {FAIL:.0%} of calls answered 500/502 (nothing "
        f"sent), {DELAY:.0%} answered 1-3 s late (sent), Telegram's flood limits on",
    ]
    unavailable = await postgres_available()
    if unavailable:
        notes.append(f"PostgreSQL rows skipped: {unavailable}")
    else:
        backends.append("postgres")
    rows: list[Row] = []
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="rebound-bench-") as tmp:
            result = await measure(backend, people, Path(tmp))
        print(f"  {backend}: {result}", flush=True)
        rows += _rows(backend, result)
    report(NAME, "Replies through 5xx and slow answers (issue 17 §2)", rows, notes)


def main(full: bool = False) -> None:
    logging.disable(logging.WARNING)
    asyncio.run(run(full))


if __name__ == "__main__":
    main("--full" in sys.argv)
