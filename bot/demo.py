"""``rebound demo``: the real bot, the local Bot API emulator and a terminal chat, in one process.

Reads from the keyboard when standard input is a terminal, or a script of lines when it is not
(``rebound demo < session.txt`` prints the whole conversation), so the demo itself is testable.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from bot.app import (
    build_application,
    settle,
    start_polling,
    start_without_runner,
    stop_without_runner,
)
from bot.clock import ShiftedClock
from bot.config import Settings
from bot.content import Texts, load_content
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, Emulator, SimUser, UpdateIds
from bot.server import OpsServer
from bot.wiring import ReboundApplication

DEMO_TOKEN = "123456789:REBOUND-DEMO-TOKEN"
# Beside the demo database: the last update id the demo's emulator gave out, and when. The next
# run numbers on from it, as Telegram does, so the inbox (which remembers the ids it handled
# within the last day) does not take the new run's updates for copies of the old ones.
UPDATE_IDS_FILE = "demo-update-ids.json"
# Beside the demo database too: where the demo's clock stood when the last run ended (after
# `:clock +1d` it is ahead of real time). The next run starts its clock there, not back at real
# time, or what was stored "tomorrow" (today's check-in) would stop the typed mood being taken.
CLOCK_FILE = "demo-clock.json"
CLOCK_STEP = re.compile(r"^\+(\d{1,4})([dhm])$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
# How :clock moves time: in steps well inside schedule.GRACE, up to a week.
DEMO_STEP = timedelta(hours=1)
DEMO_STEPPED = timedelta(days=7)


class Demo:
    """One terminal conversation with the bot; every line of output goes to ``out``."""

    def __init__(self, settings: Settings, texts: Texts, out: TextIO) -> None:
        self.settings = settings
        self.texts = texts
        self.out = out
        self.clock_file = settings.data_dir / CLOCK_FILE
        self.clock = ShiftedClock(not_before=saved_clock(self.clock_file))
        # An earlier run delivered this person's updates: they have started the bot, and its
        # check-ins may reach them before they type (a new emulator would answer 403).
        self.returning = (settings.data_dir / UPDATE_IDS_FILE).exists()
        self.emulator = Emulator(
            token=DEMO_TOKEN,
            bot_username="rebound_demo_bot",
            think_time=2.0,
            update_ids=UpdateIds(settings.data_dir / UPDATE_IDS_FILE),
        )
        self.app: ReboundApplication | None = None
        self.app_server: OpsServer | None = None
        self.user: SimUser | None = None
        self.shown: set[int] = set()
        self.toasts_shown = 0
        self.fetched_before = 0

    def print(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    async def start(self) -> SimUser:
        await self.emulator.start()
        self.user = self.emulator.user("You", user_id=1001, started=self.returning)
        await self.start_bot()  # after the person exists: what is due at start reaches them
        return self.user

    async def start_bot(self) -> None:
        self.fetched_before = self.emulator.updates_fetched
        settings = self.settings.model_copy(update={"api_url": self.emulator.api_url})
        self.app = build_application(settings, token=DEMO_TOKEN, clock=self.clock)
        await start_without_runner(self.app)
        await start_polling(self.app, timeout=5)

    async def stop_bot(self) -> None:
        if self.app is None:
            return
        if self.app_server is not None:
            await self.app_server.stop()
            self.app_server = None
        await stop_without_runner(self.app)
        self.app = None

    async def stop(self) -> None:
        await self.stop_bot()
        await self.emulator.stop()
        self.save_clock()

    def save_clock(self) -> None:
        """Where the clock stands now, for the next run on this database."""
        when = self.clock.now().isoformat()
        self.clock_file.write_text(json.dumps({"now": when}), encoding="utf-8")

    async def handle(self, line: str) -> bool:
        """Act on one line; False means quit."""
        user = self.user
        assert user is not None
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line.isdigit():
            await self.tap(int(line))
        elif line.startswith(":"):
            await self.demo_command(line)
        else:
            await user.send(line)
        await self.settle()
        self.show_new_messages()
        self.save_clock()  # each line, so a run ended by Ctrl-C still leaves it
        return True

    async def settle(self) -> None:
        """Until the bot has handled everything it was sent (then print what it said)."""
        await self.emulator.wait_idle()
        assert self.app is not None
        await settle(self.app, self.emulator.updates_fetched - self.fetched_before)

    async def tap(self, number: int) -> None:
        assert self.user is not None
        latest = next((m for m in reversed(self.user.messages) if m.buttons), None)
        labels = latest.button_labels() if latest else []
        if latest is None or not 1 <= number <= len(labels):
            self.print(self.texts("terminal.no_buttons", number=number))
            return
        await self.user.tap(labels[number - 1], message=latest)

    async def move_clock(self, by: timedelta) -> None:
        """Time passes as it would: an hour at a time, sending what falls due on the way, so
        ":clock +1d" brings the morning check-in instead of jumping past it (anything more
        than schedule.GRACE late is skipped, as after real downtime). Longer than a week is
        one jump: being away that long skips what was due, as it would for a real person."""
        assert self.app is not None
        step = by if by > DEMO_STEPPED else DEMO_STEP
        while by > timedelta(0):
            moved = min(step, by)
            self.clock.advance(moved)
            by -= moved
            await dispatch_due(self.app)

    async def demo_command(self, line: str) -> None:
        assert self.user is not None
        name, _, arg = line.partition(" ")
        if name == ":clock":
            match = CLOCK_STEP.match(arg.strip())
            if match is None:
                self.print(self.texts("terminal.clock_usage"))
                return
            amount, unit = int(match.group(1)), UNITS[match.group(2)]
            assert self.app is not None
            await self.move_clock(timedelta(**{unit: amount}))
            self.print(
                self.texts("terminal.clock_moved", now=self.clock.now().strftime("%Y-%m-%d %H:%M"))
            )
        elif name == ":sticker":
            await self.user.send_sticker()
        elif name == ":photo":
            await self.user.send_photo()
        elif name == ":restart":
            await self.stop_bot()
            await self.start_bot()
            self.print(self.texts("terminal.restarted"))
        elif name == ":app":
            self.print(self.texts("terminal.app_url", url=await self.app_url()))
        elif name == ":help":
            self.print(self.texts("terminal.banner"))
        else:
            self.print(self.texts("terminal.unknown"))

    async def app_url(self) -> str:
        """The Mini App on loopback, opened as the demo person from Telegram would open it: the
        launch parameters (init data signed with the demo bot's token) in the URL's fragment."""
        assert self.app is not None and self.user is not None
        if self.app_server is None:
            self.app_server = OpsServer(self.app, listen="127.0.0.1", port=0, webapp=True)
            await self.app_server.start()
        signed = self.user.web_app_init_data(int(self.clock.now().timestamp()))
        return f"http://127.0.0.1:{self.app_server.port}/app/#tgWebAppData={quote(signed, safe='')}"

    def show_new_messages(self) -> None:
        assert self.user is not None
        for answer in self.user.callback_answers[self.toasts_shown :]:
            if answer.text:
                self.print(self.texts("terminal.toast", text=answer.text))
        self.toasts_shown = len(self.user.callback_answers)
        for message in self.user.messages:
            if message.message_id not in self.shown and not message.deleted:
                self.shown.add(message.message_id)
                self.print(render_message(message, self.texts("terminal.bot")))


def saved_clock(path: Path) -> datetime | None:
    """Where the last run left the demo's clock, or None (no run yet, or unreadable)."""
    try:
        saved = datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["now"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return saved if saved.tzinfo is not None else None


def render_message(message: BotMessage, prefix: str) -> str:
    """A bot message as terminal lines, with its buttons numbered."""
    indent = " " * len(prefix)
    lines = message.text.splitlines() or [""]
    out = [prefix + lines[0], *(indent + line if line else "" for line in lines[1:])]
    number = 0
    for row in message.buttons:
        cells = []
        for button in row:
            number += 1
            cells.append(f"[{number}] {button.text}")
        out.append(indent + "   ".join(cells))
    return "\n".join(out)


async def read_lines(stream: TextIO, prompt: str, out: TextIO) -> AsyncIterator[str]:
    """Lines from the keyboard (with a prompt) or from a script (echoed, so the log reads well)."""
    interactive = stream.isatty()
    while True:
        if interactive:
            print(prompt, end="", file=out, flush=True)
        line = await asyncio.to_thread(stream.readline)
        if not line:
            return
        if not interactive:
            print(prompt + line.rstrip("\n"), file=out, flush=True)
        yield line


def demo_settings(settings: Settings, *, fresh: bool) -> Settings:
    """The demo keeps its own SQLite file (``data/demo.db``) unless a database URL is set."""
    if settings.database_url is not None:
        return settings
    path = settings.data_dir / "demo.db"
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        (settings.data_dir / CLOCK_FILE).unlink(missing_ok=True)  # a new database: real time
    return settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{path}"})


async def run_demo(
    settings: Settings,
    *,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    stream, out = stdin or sys.stdin, out or sys.stdout
    texts = load_content(default_locale=settings.default_locale).texts()
    demo = Demo(settings, texts, out)
    demo.print(texts("terminal.banner"))
    await demo.start()
    try:
        async for line in read_lines(stream, texts("terminal.you"), out):
            if not await demo.handle(line):
                break
    finally:
        await demo.stop()
    demo.print(texts("terminal.bye", path=settings.effective_database_url.split("///")[-1]))
    return 0
