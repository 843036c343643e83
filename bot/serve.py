"""``rebound run``: the production process, from start to a graceful stop.

Not PTB's ``run_polling``/``run_webhook``: those acknowledge updates before handling them
(see bot.intake). On SIGTERM or SIGINT the process stops taking updates, lets the dispatcher
hand back what it claimed, finishes the updates already taken, and closes the database.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from bot.app import (
    build_application,
    start_polling,
    start_without_runner,
    stop_polling,
    stop_without_runner,
)
from bot.config import Settings
from bot.intake import ALLOWED_UPDATES
from bot.runtime import Runtime
from bot.server import OpsServer
from bot.wiring import ReboundApplication

log = logging.getLogger("rebound")


class Service:
    """One running Rebound: the Application, how updates come in, and the ops server."""

    def __init__(self, app: ReboundApplication, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.servers: list[OpsServer] = []

    @property
    def rt(self) -> Runtime:
        return self.app.wiring.runtime

    async def start(self) -> None:
        settings = self.settings
        await start_without_runner(self.app)
        if settings.health_port is not None:
            self.servers.append(
                OpsServer(self.app, listen=settings.health_listen, port=settings.health_port)
            )
        if settings.webhook_url is None:
            await self._start_servers()
            await start_polling(self.app)
            log.info("Rebound is running (polling)")
            return
        secret = settings.webhook_secret_value(self.app.bot.token)
        if settings.webhook_secret is None:
            log.info("webhook: REBOUND_WEBHOOK_SECRET is unset, using one derived from the token")
        self.servers.append(
            OpsServer(
                self.app,
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                webhook_path=settings.webhook_url.path or "/",
                secret=secret,
            )
        )
        await self._start_servers()
        await self.app.wiring.intake.replay()
        await self.app.bot.set_webhook(
            str(settings.webhook_url), secret_token=secret, allowed_updates=ALLOWED_UPDATES
        )
        log.info("Rebound is running (webhook)")

    async def _start_servers(self) -> None:
        for server in self.servers:
            await server.start()

    @property
    def health_server(self) -> OpsServer | None:
        """The server on REBOUND_HEALTH_PORT, when one is set."""
        return next((s for s in self.servers if not s.webhook), None)

    @property
    def webhook_server(self) -> OpsServer | None:
        """The server taking Telegram's webhook (only that: /healthz and /metrics are on the
        health port)."""
        return next((s for s in self.servers if s.webhook), None)

    async def stop(self) -> None:
        """Stop taking updates first, then finish what was taken, then close the database."""
        await stop_polling(self.app)
        for server in self.servers:
            await server.stop()
        self.rt.stopping.set()  # the dispatcher hands back unsent claims and returns
        try:
            async with asyncio.timeout(self.settings.shutdown_timeout_seconds):
                await stop_without_runner(self.app)
        except TimeoutError:
            # Whatever did not finish is still unmarked in the inbox: replayed on next start.
            log.warning("shutdown: in-flight work did not finish in time; it will be replayed")
            await self.rt.engine.dispose()
        log.info("Rebound stopped")


def freeze_startup() -> None:
    """Everything loaded at start-up (libraries, content, phrase lists) is long-lived: move it
    out of the collector's reach, or each full collection scans it all and stalls the event loop
    for ~100 ms during a burst of check-ins (bench/scheduling.py measures both)."""
    gc.collect()
    gc.freeze()


async def serve(settings: Settings, token: str) -> int:
    service = Service(build_application(settings, token=token), settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    freeze_startup()
    await stop.wait()
    log.info("stopping: taking no new updates, finishing the ones in hand")
    await service.stop()
    return 0
