"""Fixtures for end-to-end tests (see harness.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import Emulator
from tests.e2e.harness import TOKEN, BotHarness

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here drives the real Application over HTTP against the emulator: seconds
    each, so all are ``slow`` (``make test-fast`` leaves them out, ``make test`` runs them)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(token=TOKEN, bot_username="rebound_test_bot", think_time=2.0)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


async def _harness(emulator: Emulator, url: str, tmp_path: Path) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, url, tmp_path)
    try:
        yield harness
    finally:
        await harness.close()
    assert emulator.errors == [], f"the bot made calls Telegram would reject: {emulator.errors}"


@pytest.fixture
async def harness(emulator: Emulator, sqlite_db: str, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """A harness on SQLite, no instance started yet (migrations run on start)."""
    async for h in _harness(emulator, sqlite_db, tmp_path):
        yield h


@pytest.fixture
async def harness_any_db(
    emulator: Emulator, empty_db: str, tmp_path: Path
) -> AsyncIterator[BotHarness]:
    """The same harness on SQLite and on PostgreSQL."""
    async for h in _harness(emulator, empty_db, tmp_path):
        yield h


@pytest.fixture
async def bot(harness: BotHarness) -> BotHarness:
    """A harness with one running instance."""
    await harness.start()
    return harness
