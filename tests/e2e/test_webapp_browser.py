"""The Mini App in a real headless Chromium (the system's, driven by Playwright): a person
debriefs in the chat, opens the app with init data the emulator signed for them, finds the
debrief in the timeline and its card, marks a plan step done, and the chat's /plan shows it
done. Screenshots at a phone's size, light and dark, land in tests/artifacts/webapp/ (ignored by
git). Skipped, with the reason, where no Chromium is installed (.ci/run installs it)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from bot.emulator import SimUser
from tests.e2e.browser import CHROMIUM, FLAGS, chromium, offline_page
from tests.e2e.harness import BotHarness, onboard, seen
from tests.e2e.test_reflection import open_debrief, toggle
from tests.e2e.webapp import app_server, enable_webapp

PAGE_ERRORS: list[str] = []  # script errors and console errors of every page opened
ARTEFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "webapp"
LIGHT = {
    "bg_color": "#ffffff",
    "secondary_bg_color": "#efeff4",
    "text_color": "#000000",
    "hint_color": "#8e8e93",
    "link_color": "#007aff",
    "button_color": "#007aff",
    "button_text_color": "#ffffff",
}
DARK = {
    "bg_color": "#212121",
    "secondary_bg_color": "#0f0f0f",
    "text_color": "#ffffff",
    "hint_color": "#aaaaaa",
    "link_color": "#8774e1",
    "button_color": "#8774e1",
    "button_text_color": "#ffffff",
}


def _chromium() -> str:
    found = chromium()
    if found is None:
        reason = f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run them (.ci/run installs it)")
        pytest.skip(reason)
    return found


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    executable = _chromium()
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=executable, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def open_app(
    browser: Any, base_url: str, user: SimUser, bot: BotHarness, theme: dict[str, str]
) -> Any:
    """A phone-sized page at /app/ as Telegram opens it: launch parameters in the fragment,
    telegram-web-app.js answered by the stand-in, nothing else outside loopback reachable."""
    page = await offline_page(browser, base_url, device_scale_factor=2)
    page.on("pageerror", lambda error: PAGE_ERRORS.append(str(error)))
    page.on("console", lambda m: PAGE_ERRORS.append(m.text) if m.type == "error" else None)
    signed = user.web_app_init_data(int(bot.clock.now().timestamp()))
    launch = f"tgWebAppData={quote(signed, safe='')}&tgWebAppThemeParams={quote(_json(theme))}"
    await page.goto(f"{base_url}/app/#{launch}")
    return page


def _json(theme: dict[str, str]) -> str:
    import json

    return json.dumps(theme, separators=(",", ":"))


async def debrief_at(bot: BotHarness, user: SimUser, company: str) -> None:
    """A whole debrief, the company typed, the rest tapped."""
    await open_debrief(user)
    await user.send(company)
    await user.next_message()
    await user.tap("Final round")
    await user.next_message()
    await user.tap("😐 3")  # not a low day: its steps go on the plan
    await user.next_message()
    await toggle(bot, user, "Strong examples")
    await user.tap("Done ✓")
    await user.next_message()
    await toggle(bot, user, "Technical depth")
    await user.tap("Done ✓")
    await user.next_message()
    await user.tap("Done ✓")
    card = await user.next_message()
    assert f"Your debrief: {company}" in card.text
    assert card.buttons[-1][0].web_app == "https://rebound.example/app/?tab=timeline"


async def test_debrief_in_chat_then_timeline_card_and_plan_done_in_the_app(
    harness: BotHarness, browser: Any
) -> None:
    bot = harness
    enable_webapp(bot)
    await bot.start()
    user = await onboard(bot)
    await debrief_at(bot, user, "Stripe")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    async with app_server(bot) as client:
        base = str(client.base_url).rstrip("/")
        page = await open_app(browser, base, user, bot, LIGHT)
        entry = page.locator("button.debrief").first
        await entry.wait_for()
        assert await entry.locator("strong").inner_text() == "Stripe"
        assert "Final round" in await entry.inner_text()
        assert await page.evaluate("Telegram.WebApp.isReady")
        background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(239, 239, 244)"  # the theme's secondary_bg_color
        await page.screenshot(path=str(ARTEFACTS / "timeline-light.png"))
        await entry.click()
        card = page.locator("#debrief-card")
        await card.wait_for()
        assert "Your debrief: Stripe" in await card.inner_text()
        assert await page.evaluate("Telegram.WebApp.BackButton.isVisible")
        await page.evaluate("Telegram.WebApp.BackButton.press()")
        await entry.wait_for()
        assert not await page.evaluate("Telegram.WebApp.BackButton.isVisible")

        await page.click("[data-tab=plan]")
        step = page.locator(".step").first
        await step.wait_for()
        step_text = await step.locator(".rich").inner_text()
        step_id = await step.get_attribute("data-id")
        await page.screenshot(path=str(ARTEFACTS / "plan-light.png"))
        await step.locator("[data-action=done]").click()
        await page.locator(f'.step[data-id="{step_id}"]').wait_for(state="detached")
        assert await page.locator("#notice").is_visible()

        dark = await open_app(browser, base, user, bot, DARK)
        await dark.locator("button.debrief").first.wait_for()
        assert await dark.evaluate("document.documentElement.dataset.scheme") == "dark"
        background = await dark.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(15, 15, 15)"
        await dark.screenshot(path=str(ARTEFACTS / "timeline-dark.png"))
        await dark.click("[data-tab=mood]")
        await dark.locator(".periods").wait_for()
        await dark.screenshot(path=str(ARTEFACTS / "mood-dark.png"))
    await user.send("/plan")
    plan = await user.next_message()
    assert f"✅ {seen(step_text)}" in plan.text  # the chat agrees: done today
    assert PAGE_ERRORS == []  # nothing blocked by the page's policy, no script error
    for name in ("timeline-light", "plan-light", "timeline-dark", "mood-dark"):
        assert (ARTEFACTS / f"{name}.png").stat().st_size > 10_000
