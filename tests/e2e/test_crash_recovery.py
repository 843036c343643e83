"""Never drop an update: the real ``rebound run`` process is killed with SIGKILL at random
moments while people log wins, then restarted. Afterwards every answer they sent is stored
exactly once, in order, and nothing is left unhandled in the inbox. A SIGTERM in the middle of
a conversation lets the process finish what it holds and exit cleanly."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import InboxUpdate, Win
from bot.emulator import Emulator, SimUser
from tests.e2e.harness import TOKEN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(token=TOKEN, bot_username="rebound_test_bot")
    # These people type far faster than anyone does, and each restart leaves a backlog whose
    # replies Telegram's one-message-a-second-per-chat limit would spread over minutes. The test
    # is about durability; the limits have their own tests.
    emu.set_rate_limits(False)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


class BotProcess:
    """``python -m bot.cli run`` against the emulator, as an operator would start it."""

    def __init__(self, emulator: Emulator, database_url: str, workdir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REBOUND_")}
        self.env.update(
            REBOUND_BOT_TOKEN=TOKEN,
            REBOUND_API_URL=emulator.api_url,
            REBOUND_DATABASE_URL=database_url,
            REBOUND_FLOOD_LIMIT="100000",
            REBOUND_SEND_PACING="false",  # the emulator's limits are off too (see above)
            REBOUND_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        self.workdir = workdir
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=self.workdir,
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )

    async def kill(self, sig: int = signal.SIGKILL) -> tuple[int, str]:
        assert self.process is not None
        self.process.send_signal(sig)
        _, err = await asyncio.wait_for(self.process.communicate(), 30)
        code = self.process.returncode
        self.process = None
        assert code is not None
        return code, err.decode(errors="replace")


async def wins_of(database_url: str) -> dict[int, list[str]]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.execute(select(Win.user_id, Win.text).order_by(Win.id))).all()
            return {uid: [t for u, t in rows if u == uid] for uid in {u for u, _ in rows}}
    finally:
        await engine.dispose()


async def unhandled_updates(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            query = select(func.count()).where(InboxUpdate.processed_at.is_(None))
            return int((await session.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def caught_up(database_url: str, expected: dict[int, list[str]]) -> bool:
    """Every win stored and every update handled. On a loaded machine every process may have
    been killed while still starting, before it created the tables: then the last one has not
    caught up yet either."""
    try:
        return await wins_of(database_url) == expected and not await unhandled_updates(database_url)
    except DBAPIError:  # no tables yet
        return False


async def log_wins(user: SimUser, count: int, sent: list[str], rng: random.Random) -> None:
    """A person logging ``count`` wins, each as /win then its text, at a human-ish pace."""
    for n in range(count):
        await user.send("/win")
        await asyncio.sleep(rng.uniform(0.005, 0.03))
        text = f"win {user.id} #{n}"
        await user.send(text)
        sent.append(text)
        await asyncio.sleep(rng.uniform(0.005, 0.03))


async def test_sigkill_at_random_moments_loses_and_repeats_nothing(
    emulator: Emulator, empty_db: str, tmp_path: Path
) -> None:
    rng = random.Random(20261122)
    bot = BotProcess(emulator, empty_db, tmp_path)
    users = [emulator.user(f"Person{i}") for i in range(6)]
    sent: dict[int, list[str]] = {user.id: [] for user in users}
    await bot.start()
    people = [asyncio.create_task(log_wins(user, 25, sent[user.id], rng)) for user in users]
    kills = 0
    while not all(task.done() for task in people) or kills < 3:
        await asyncio.sleep(rng.uniform(0.8, 2.0))  # start-up plus a random stretch of work
        code, _ = await bot.kill()
        assert code == -signal.SIGKILL
        kills += 1
        await bot.start()
    await asyncio.gather(*people)

    expected = {uid: texts for uid, texts in sent.items()}
    for _ in range(300):  # up to 30 s for the last restart to catch up
        if await caught_up(empty_db, expected):
            break
        await asyncio.sleep(0.1)
    code, err = await bot.kill(signal.SIGTERM)
    assert code == 0, err
    assert kills >= 3
    stored = await wins_of(empty_db)
    differences = {
        uid: (
            [t for t in texts if t not in stored.get(uid, [])],  # lost
            [t for t in set(stored.get(uid, [])) if stored[uid].count(t) > 1],  # repeated
        )
        for uid, texts in expected.items()
        if stored.get(uid) != texts
    }
    assert not differences, f"(lost, repeated) per person: {differences}\n{err}"
    assert stored == expected  # every answer once, in the order sent
    assert await unhandled_updates(empty_db) == 0
    for user in users:  # and no celebration was sent twice for one win
        assert len(user.messages) <= 2 * len(sent[user.id])


async def test_sigterm_mid_conversation_finishes_and_resumes(
    emulator: Emulator, sqlite_db: str, tmp_path: Path
) -> None:
    bot = BotProcess(emulator, sqlite_db, tmp_path)
    await bot.start()
    user = emulator.user("Sam")
    await user.send("/win")
    assert "win" in (await user.next_message(timeout=20)).text.lower()
    emulator.latency = 0.5  # the reply to the next answer is still on its way at SIGTERM
    fetched = emulator.updates_fetched
    await user.send("Finished my portfolio site")
    for _ in range(2000):  # SIGTERM once the bot holds the answer, however busy the machine
        if emulator.updates_fetched > fetched:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    code, err = await bot.kill(signal.SIGTERM)
    assert code == 0, err
    assert "Traceback" not in err
    emulator.latency = 0.0
    assert await wins_of(sqlite_db) == {user.id: ["Finished my portfolio site"]}
    assert (await user.next_message(timeout=5)).text  # the celebration went out before exit
    assert await unhandled_updates(sqlite_db) == 0

    await bot.start()  # a new process carries on where the person is
    await user.send("/win")
    assert "win" in (await user.next_message(timeout=20)).text.lower()
    await user.send("Booked a coffee chat")
    await user.next_message(timeout=10)
    code, _ = await bot.kill(signal.SIGTERM)
    assert code == 0
    assert await wins_of(sqlite_db) == {
        user.id: ["Finished my portfolio site", "Booked a coffee chat"]
    }
