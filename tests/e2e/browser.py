"""The system's Chromium, headless, as the Mini App's browser test and bench/webapp.py drive it
(through Playwright, which never downloads a browser here): the flags, where it is, and a page
that reaches nothing outside loopback, with telegram-web-app.js answered by the stand-in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("REBOUND_TEST_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
TELEGRAM_JS = "https://telegram.org/js/telegram-web-app.js"
STUB = (Path(__file__).with_name("telegram_stub.js")).read_text(encoding="utf-8")


def chromium() -> str | None:
    """The Chromium to drive, or None when it (or Playwright) is not installed."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return None
    return shutil.which(CHROMIUM) or shutil.which("chromium")


async def offline_page(browser: Any, base_url: str, **context: Any) -> Any:
    """A new phone-sized page that may load ``base_url`` and the stand-in Telegram script only."""
    opened = await browser.new_context(viewport=PHONE, **context)
    page = await opened.new_page()

    async def route(request_route: Any) -> None:
        url = request_route.request.url
        if url == TELEGRAM_JS:
            await request_route.fulfill(body=STUB, content_type="application/javascript")
        elif url.startswith(base_url):
            await request_route.continue_()
        else:
            await request_route.abort()

    await page.route("**/*", route)
    return page
