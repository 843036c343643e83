"""Pushes queued updates to the bot's webhook, in order, retrying until it answers 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import time

import httpx

from bot.emulator.updates import UpdateQueue, WebhookConfig

# Where the emulator listens and delivers: loopback only, so tests never touch the network.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_FIRST_RETRY = 0.05
_MAX_RETRY = 1.0


class WebhookPusher:
    def __init__(self, queue: UpdateQueue):
        self._queue = queue
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Make sure a delivery task runs for the current webhook."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="emulator-webhook")
        self._queue.changed.notify()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        # trust_env=False: loopback deliveries must never go through a proxy from the environment.
        async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
            delay = _FIRST_RETRY
            while (config := self._queue.webhook) is not None:
                entry = self._queue.first_pending()
                if entry is None:
                    await self._queue.changed.wait(None)
                    continue
                error = await _post(client, config, entry.update)
                if error is None:
                    self._queue.delivered(entry)
                    delay = _FIRST_RETRY
                    continue
                config.last_error_date, config.last_error_message = int(time.time()), error
                await asyncio.sleep(delay)
                delay = min(delay * 2, _MAX_RETRY)


async def _post(client: httpx.AsyncClient, config: WebhookConfig, update: object) -> str | None:
    """Deliver one update; None on success, else Telegram's last_error_message."""
    headers = {}
    if config.secret_token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
    try:
        response = await client.post(config.url, json=update, headers=headers)
    except httpx.HTTPError as error:
        return f"Connection failed: {error.__class__.__name__}"
    if 200 <= response.status_code < 300:
        return None
    return f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
