"""End-to-end harness: the real Application, polling the project's Bot API emulator over HTTP
on loopback, with a real database and a frozen clock the test moves."""

from __future__ import annotations

import asyncio
import copy
import random
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import (
    build_application,
    settle,
    start_polling,
    start_without_runner,
    stop_polling,
    stop_without_runner,
)
from bot.clock import FrozenClock
from bot.config import Settings, load_settings
from bot.content import Texts, load_content, placeholders
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import FlowState, User
from bot.emulator import BotMessage, Emulator, SimUser
from bot.emulator.html import parse_html
from bot.services.flood import FloodGate
from bot.update_processor import ChatOrderedProcessor
from bot.wiring import ReboundApplication

TOKEN = "424242:TEST-TOKEN"
START = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
# Read once per test process: every read parses and validates each locale's files.
CONTENT = load_content()


def handled(app: ReboundApplication) -> int:
    processor = app.update_processor
    assert isinstance(processor, ChatOrderedProcessor)
    return processor.handled


class BotHarness:
    """Starts and stops Rebound instances against one emulator and one database."""

    def __init__(self, emulator: Emulator, database_url: str, tmp_path: Path) -> None:
        self.emulator = emulator
        self.clock = FrozenClock(START)
        self.settings: Settings = load_settings(
            _env_file=None,
            api_url=emulator.api_url,
            database_url=database_url,
            data_dir=tmp_path,
            # Simulated people act at machine speed; the flood test sets its own limit.
            flood_limit=10_000,
        )
        self.instances: list[ReboundApplication] = []
        self.handled_by_stopped = 0
        self.engine = create_engine(database_url)
        self.sessions = create_sessionmaker(self.engine)

    def new_instance(self) -> ReboundApplication:
        content = copy.copy(CONTENT)  # an rng of its own; the catalogs are read-only
        content.rng = random.Random(7)
        app = build_application(
            self.settings,
            token=TOKEN,
            clock=self.clock,
            content=content,
            # Sends paced by the clock the emulator's flood limits run on (people's thinking
            # time included), as a real bot's and Telegram's clocks run alike.
            send_clock=self.emulator.limits_clock,
        )
        self.instances.append(app)
        return app

    async def start(self, app: ReboundApplication | None = None) -> ReboundApplication:
        """Initialise (if new) and start polling one instance."""
        app = app or self.new_instance()
        if not app.running:
            await start_without_runner(app)
        await start_polling(app, timeout=2)
        return app

    async def stop_polling(self, app: ReboundApplication) -> None:
        await stop_polling(app)

    async def stop(self, app: ReboundApplication) -> None:
        await self.stop_polling(app)
        await stop_without_runner(app)
        self.instances.remove(app)
        self.handled_by_stopped += handled(app)

    async def close(self) -> None:
        for app in list(self.instances):
            await self.stop(app)
        await self.engine.dispose()

    async def settle(self, timeout: float = 10.0) -> None:
        """Until every update handed to the bot has been handled (replies, edits and all)."""
        await self.emulator.wait_idle(timeout=timeout)
        others = self.handled_by_stopped + sum(handled(a) for a in self.instances[:-1])
        async with asyncio.timeout(timeout):
            await settle(self.instances[-1], self.emulator.updates_fetched - others)

    def set_flood_limit(self, limit: int) -> None:
        """A flood limit of the test's own (the harness's people type at machine speed), for
        the running instances and any started later."""
        self.settings.flood_limit = limit
        for app in self.instances:
            window = self.settings.flood_window_seconds
            app.wiring.flood_gate = FloodGate(limit=limit, window=window)

    def user(self, first_name: str = "Alex", **kwargs: Any) -> SimUser:
        return self.emulator.user(first_name, **kwargs)

    async def stored_user(self, user_id: int) -> User | None:
        async with self.sessions() as session:
            return await session.get(User, user_id)

    async def flow_state(self, user_id: int) -> FlowState | None:
        async with self.sessions() as session:
            return await session.get(FlowState, (user_id, user_id))


def seen(html: str) -> str:
    """A catalogue text (Telegram HTML) as the person reads it: tags gone, entities decoded."""
    return parse_html(html)[0]


def person_texts(user: SimUser) -> Texts:
    """The catalogue in the language the person's Telegram is set to, as the bot picks it."""
    return CONTENT.texts(user.info.language_code)


# --- The catalogue's texts as the person sees them (tests assert on these, never on copied
# English, so rewording a message changes no test) -------------------------------------------


def shown(key: str, locale: str = "en", **params: object) -> list[str]:
    """Every variant of ``key`` in ``locale`` as the person sees it (plain text)."""
    texts = CONTENT.texts(locale)
    return [seen(texts(key, variant=v, **params)) for v in range(texts.count(key))]


def first_lines(key: str, locale: str = "en", **params: object) -> list[str]:
    """The first line of every variant (the rest holds a varying tip)."""
    texts = CONTENT.texts(locale)
    return [
        texts.render(key, {**params, "tip": "\x00"}, variant=v).split("\n")[0]
        for v in range(texts.count(key))
    ]


def leads(key: str, locale: str = "en") -> list[str]:
    """How every variant of ``key`` opens, as the person reads it, up to its first parameter or
    line break: what a test looks for where the rest varies (a time, a name, a tip)."""
    texts = CONTENT.texts(locale)
    openings = []
    for variant, raw in enumerate(CONTENT.variants(key, texts.locale)):
        gaps = dict.fromkeys(placeholders(raw), "\x00")
        openings.append(re.split("[\x00\n]", seen(texts(key, variant=variant, **gaps)))[0].strip())
    assert all(openings), f"{key} opens with a parameter: nothing fixed to look for"
    return openings


def label(key: str, locale: str = "en") -> str:
    """A button's label (or any single-variant text) as the catalogue has it."""
    return CONTENT.texts(locale)(key, variant=0)


def one_of(text: str, candidates: list[str]) -> bool:
    return any(candidate in text for candidate in candidates)


async def begin_onboarding(bot: BotHarness, user: SimUser | None = None, **kwargs: Any) -> SimUser:
    """A new person (or ``user``) sends /start and agrees; they are at the time zone question.
    Every tap and check is in the person's language (their Telegram ``language_code``)."""
    user = user or bot.user(**kwargs)
    texts = person_texts(user)
    await user.send("/start")
    welcome = await user.next_message()
    assert welcome.text == seen(texts("onboarding.welcome"))
    agree = texts("onboarding.buttons.agree")
    assert welcome.button_labels() == [agree, texts("onboarding.buttons.not_now")]
    await user.tap(agree)
    assert seen(texts("onboarding.ask_timezone")) in (await user.next_message()).text
    return user


async def onboard(bot: BotHarness, frequency: str = "Every day", **kwargs: Any) -> SimUser:
    """A person fully set up: Berlin, 09:00, every day (or ``frequency``: the English label
    of the button, tapped as the person's language shows it)."""
    user = await begin_onboarding(bot, **kwargs)
    english, texts = CONTENT.texts("en"), person_texts(user)
    [choice] = [
        key for key, label in english.section("onboarding.frequency").items() if label == frequency
    ]
    await user.send("Berlin")
    await user.next_message()
    await user.tap("09:00")
    await user.next_message()
    await user.tap(texts(f"onboarding.frequency.{choice}"))
    done = (await user.next_message()).text
    if choice == "off":
        assert done == seen(texts("onboarding.done_no_checkins"))
    else:
        phrase = texts(f"onboarding.frequency_phrase.{choice}")
        expected = texts(
            "onboarding.done", frequency=phrase, checkin_time="09:00", timezone="Berlin, UTC+01:00"
        )
        assert done == seen(expected)
    return user


# --- Walks through a flow, every tap in the person's language ----------------------------------


async def tap_keys(bot: BotHarness, user: SimUser, locale: str, *keys: str) -> BotMessage:
    """Tap the buttons labelled ``keys`` in ``locale``, one after another; the last reply."""
    for key in keys:
        await user.tap(label(key, locale))
        await bot.settle()
    assert user.last_message is not None
    return user.last_message


async def debrief_to_draft(
    bot: BotHarness, user: SimUser, locale: str, *answers: str
) -> BotMessage:
    """/reflect on Acme (final round, mood 2, ``answers``: the keys tapped on the three choice
    pages, default Done on each), then a formal email draft to HR's Maria from Alex Kim."""
    await user.send("/reflect")
    await bot.settle()
    await tap_keys(bot, user, locale, "reflection.buttons.start")
    await user.send("Acme, Designer")
    await bot.settle()
    await tap_keys(bot, user, locale, "reflection.stage.final_round")
    await user.tap("😕 2")
    await bot.settle()
    offer = await tap_keys(bot, user, locale, *(answers or ("flow.done",) * 3))
    assert label("reflection.buttons.draft_now", locale) in offer.button_labels()
    await tap_keys(bot, user, locale, "reflection.buttons.draft_now", "feedback.recipient.hr")
    await user.send("Maria")
    await bot.settle()
    await user.send("Alex Kim")
    await bot.settle()
    return await tap_keys(bot, user, locale, "feedback.channel.email", "feedback.tone.formal")
