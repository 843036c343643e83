"""The Mini App (issue 22): how much the page weighs and how soon it shows a journey.

* Page weight: the bytes of ``bot/webapp/static/`` as served, raw and gzip-compressed (what a
  proxy with compression sends), and the ``GET /app/api/me`` answer for a person with N
  debriefs. Telegram's ``telegram-web-app.js`` is loaded by every Mini App and not counted.
* ``GET /app/api/me``: median and p95 over repeated requests on loopback (init data check,
  one read transaction, rendering every text in the person's language).
* Time to first render: the system's headless Chromium (Playwright, phone viewport) opens the
  page as Telegram would (init data in the fragment) and the time from navigation start to the
  first contentful paint, and to the timeline being drawn (the first debrief in the page), is
  read from the page's own clock; median over fresh browser contexts (nothing cached).
  Skipped without Chromium.
"""

from __future__ import annotations

import asyncio
import gzip
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench.common import Row, percentile, report
from bot.app import build_application
from bot.config import load_settings
from bot.db.migrate import upgrade
from bot.db.models import CheckIn, PlanAction, Rejection, User
from bot.emulator.state import UserInfo
from bot.emulator.webapp import init_data
from bot.runtime import Runtime
from bot.server import OpsServer
from bot.webapp.api import STATIC
from tests.e2e.browser import FLAGS, chromium, offline_page

NAME = "webapp"
TOKEN = "424242:BENCH-TOKEN"
PERSON = UserInfo(1001, "Bench", language_code="en")
STAGES = ("phone_screen", "first_interview", "technical", "final_round")
REASONS = ("tech_depth", "examples", "nerves", "research")


def page_weight() -> tuple[int, int]:
    files = [path.read_bytes() for path in sorted(STATIC.iterdir()) if path.is_file()]
    return sum(len(f) for f in files), sum(len(gzip.compress(f, 9)) for f in files)


async def seed(rt: Runtime, debriefs: int, now: datetime) -> None:
    """A person a few months into a search: debriefs, open steps, daily check-ins."""
    async with rt.small_transaction() as session:
        session.add(
            User(
                id=PERSON.id,
                language_code="en",
                timezone="Europe/Berlin",
                checkin_frequency="daily",
                consented_at=now,
                onboarded_at=now,
                created_at=now,
                updated_at=now,
            )
        )
        await session.flush()
        for n in range(debriefs):
            done = now - timedelta(days=3 * n + 1)
            session.add(
                Rejection(
                    user_id=PERSON.id,
                    company=f"Company {n}",
                    role="Product designer",
                    stage=STAGES[n % len(STAGES)],
                    mood=1 + n % 5,
                    went_well=["rapport"],
                    reasons=[REASONS[n % len(REASONS)]],
                    outside=[],
                    answered=[],
                    created_at=done,
                    updated_at=done,
                    completed_at=done,
                )
            )
        for reason in REASONS[:3]:
            session.add(
                PlanAction(
                    user_id=PERSON.id, reason=reason, variant=0, status="open", created_at=now
                )
            )
        for day in range(90):
            moment = now - timedelta(days=day)
            session.add(
                CheckIn(user_id=PERSON.id, day=moment.date(), mood=1 + day % 5, created_at=moment)
            )


async def first_render(base: str, signed: str, runs: int) -> tuple[list[float], list[float]]:
    """(first contentful paint, timeline drawn) in ms from navigation start, per fresh context."""
    from playwright.async_api import async_playwright

    executable = chromium()
    if executable is None:
        return [], []
    paints: list[float] = []
    drawn: list[float] = []

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            for _ in range(runs + 1):  # the first warms the browser process itself
                page = await offline_page(browser, base)
                await page.goto(f"{base}/app/#tgWebAppData={quote(signed, safe='')}")
                await page.wait_for_selector("button.debrief")
                at: dict[str, Any] = await page.evaluate(
                    "({drawn: performance.now(), paint: (performance.getEntriesByName("
                    "'first-contentful-paint')[0] || {startTime: 0}).startTime})"
                )
                paints.append(float(at["paint"]))
                drawn.append(float(at["drawn"]))
                await page.context.close()
        finally:
            await browser.close()
    return paints[1:], drawn[1:]


async def run(full: bool) -> None:
    debriefs, requests, runs = (60, 200, 10) if full else (20, 50, 5)
    raw, compressed = page_weight()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            _env_file=None,
            data_dir=Path(folder),
            api_url="http://127.0.0.1:9",
            webapp_url="https://bench.example/app/",
        )
        app = build_application(settings, token=TOKEN, migrate=False)
        rt = app.wiring.runtime
        await upgrade(rt.engine)
        await seed(rt, debriefs, now)
        server = OpsServer(app, listen="127.0.0.1", port=0)
        port = await server.start()
        base = f"http://127.0.0.1:{port}"
        signed = init_data(TOKEN, PERSON, int(now.timestamp()))
        try:
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                headers = {"Authorization": f"tma {signed}"}
                answer = await client.get("/app/api/me", headers=headers)
                body = answer.content
                timings = []
                for _ in range(requests):
                    started = time.perf_counter()
                    (await client.get("/app/api/me", headers=headers)).raise_for_status()
                    timings.append((time.perf_counter() - started) * 1000)
            paints, drawn = await first_render(base, signed, runs)
        finally:
            await server.stop()
            await rt.engine.dispose()
    rows = [
        Row(
            "page (HTML, CSS, JS)",
            "3 files",
            raw / 1024,
            "KiB",
            f"{compressed / 1024:.1f} KiB gzip",
        ),
        Row(
            "GET /app/api/me answer",
            f"{debriefs} debriefs",
            len(body) / 1024,
            "KiB",
            f"{len(gzip.compress(body, 9)) / 1024:.1f} KiB gzip",
        ),
        Row(
            "GET /app/api/me",
            f"{requests} requests",
            percentile(timings, 50),
            "ms median",
            f"p95 {percentile(timings, 95):.1f} ms",
        ),
    ]
    if drawn:
        rows += [
            Row("first contentful paint", f"{runs} loads", percentile(paints, 50), "ms median", ""),
            Row(
                "timeline drawn",
                f"{runs} loads",
                percentile(drawn, 50),
                "ms median",
                f"max {max(drawn):.0f} ms; 390x844, headless Chromium, loopback",
            ),
        ]
    notes = [] if drawn else ["no Chromium here: time to first render not measured"]
    report(NAME, "Mini App: page weight and time to first render", rows, notes)


def main(full: bool) -> None:
    asyncio.run(run(full))
