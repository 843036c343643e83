"""What every handler needs, built once per Application: settings, database, content, clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application

from bot.clock import Clock
from bot.config import Settings
from bot.content import Content
from bot.drawing import Drawing
from bot.metrics import Metrics
from bot.services.arrivals import Arrivals
from bot.services.checkins import WinSpec
from bot.services.feedback import LogSpec, RequestSpec
from bot.services.flows import FlowSpec
from bot.services.jobmatch import MatchSpec
from bot.services.onboarding import OnboardingSpec, SettingsSpec
from bot.services.reflection import ReflectionSpec
from bot.services.strengths import AddSpec as StrengthsAddSpec
from bot.shown import ShownMessages

RuntimeApp: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


def flow_specs() -> dict[str, FlowSpec]:
    """Every guided conversation the bot knows, by the code in its callback data."""
    specs: list[FlowSpec] = [
        OnboardingSpec(),
        SettingsSpec(),
        ReflectionSpec(),
        RequestSpec(),
        LogSpec(),
        WinSpec(),
        StrengthsAddSpec(),
        MatchSpec(),
    ]
    return {spec.flow.code: spec for spec in specs}


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    content: Content
    clock: Clock
    flows: Mapping[str, FlowSpec]
    # Set on SIGTERM: the dispatcher stops sending and hands back what it had claimed.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    metrics: Metrics = field(default_factory=Metrics)
    # Ids of updates taken from the inbox whose processed mark is not yet committed: the
    # first turn of such an update sets the mark in its own transaction (see bot.intake).
    unmarked: set[int] = field(default_factory=set)
    # Albums and split pastes: which incoming messages need no answer of their own.
    arrivals: Arrivals = field(default_factory=Arrivals)
    # time.monotonic() when the dispatcher last finished a run (for /healthz).
    dispatched_at: float | None = None
    # What the bot's recent messages show, so that no edit is one that changes nothing.
    shown: ShownMessages = field(default_factory=ShownMessages)
    # The chart-drawing process (started at the first chart, stopped at post_shutdown).
    drawing: Drawing = field(default_factory=Drawing)

    @contextlib.asynccontextmanager
    async def small_transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction for a few small statements (a turn, an inbox write)."""
        async with self.sessions() as session, session.begin():
            yield session
