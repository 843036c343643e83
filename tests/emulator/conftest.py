"""Fixtures for the emulator's own tests: a running emulator and a PTB Bot pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.emulator import Emulator


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator() as emulator:
        yield emulator


# The emulator speaks plain HTTP on loopback; skipping TLS set-up keeps each client cheap to build.
_PLAIN_HTTP: dict[str, Any] = {"verify": False, "trust_env": False}


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(
        emu.token,
        base_url=f"{emu.api_url}/bot",
        base_file_url=f"{emu.api_url}/file/bot",
        request=HTTPXRequest(httpx_kwargs=_PLAIN_HTTP),
        get_updates_request=HTTPXRequest(httpx_kwargs=_PLAIN_HTTP),
    ) as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{emu.api_url}/bot{emu.token}", **_PLAIN_HTTP) as c:
        yield c
