"""Rebound's own small HTTP server: Telegram's webhook (when configured), ``/healthz`` and
``/metrics``. Tornado, because python-telegram-bot's webhook extra already brings it."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from dataclasses import dataclass
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from sqlalchemy import text

from bot.intake import Intake, WebhookHandler
from bot.runtime import Runtime, RuntimeApp
from bot.services import ops
from handlers.scheduled import INTERVAL_SECONDS

log = logging.getLogger("rebound.server")

# Three dispatcher intervals without progress mean it is stuck or dead.
DISPATCHER_STALE_AFTER = 3 * INTERVAL_SECONDS


@dataclass(frozen=True)
class Health:
    database: bool
    dispatcher: bool
    dispatcher_age: float | None

    @property
    def ok(self) -> bool:
        return self.database and self.dispatcher


async def check_health(app: RuntimeApp, started: float) -> Health:
    """Database reachable within 2 s, and the dispatcher has run recently (or the process
    started less than three intervals ago)."""
    rt: Runtime = app.bot_data["runtime"]
    try:
        async with asyncio.timeout(2):
            async with rt.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        database = True
    except Exception as exc:
        log.warning("health: database check failed (%s)", type(exc).__name__)
        database = False
    now = time.monotonic()
    age = None if rt.dispatched_at is None else now - rt.dispatched_at
    scheduler_running = app.job_queue is not None and app.job_queue.scheduler.running
    fresh = (now - started if age is None else age) < DISPATCHER_STALE_AFTER
    return Health(database, scheduler_running and fresh, age)


class _Base(tornado.web.RequestHandler):
    def initialize(self, app: RuntimeApp, started: float) -> None:
        self.bot_app = app
        self.started = started
        self.rt: Runtime = app.bot_data["runtime"]


class HealthHandler(_Base):
    async def get(self) -> None:
        health = await check_health(self.bot_app, self.started)
        self.set_status(200 if health.ok else 503)
        self.set_header("Content-Type", "application/json")
        age = None if health.dispatcher_age is None else round(health.dispatcher_age, 1)
        self.finish(
            json.dumps(
                {
                    "status": "ok" if health.ok else "unhealthy",
                    "database": "ok" if health.database else "unreachable",
                    "dispatcher": "ok" if health.dispatcher else "stalled",
                    "dispatcher_age_seconds": age,
                }
            )
        )


class MetricsHandler(_Base):
    async def get(self) -> None:
        """Queue gauges are read from the database at scrape time, so every instance reports
        the shared figures and nothing has to keep them up to date in between."""
        metrics = self.rt.metrics
        try:
            async with self.rt.sessions() as session:
                figures = await ops.queue_figures(session, self.rt.clock.now())
            metrics.outbox_depth.set(figures.outbox_due)
            metrics.outbox_lag.set(figures.outbox_lag_seconds)
            metrics.inbox_depth.set(figures.inbox_waiting)
        except Exception as exc:
            log.warning("metrics: queue figures unavailable (%s)", type(exc).__name__)
        if self.rt.dispatched_at is not None:
            metrics.dispatcher_age.set(time.monotonic() - self.rt.dispatched_at)
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(metrics.render())


class OpsServer:
    """Serves /healthz and /metrics, and Telegram's webhook at ``webhook_path`` when given."""

    def __init__(
        self,
        app: RuntimeApp,
        *,
        listen: str,
        port: int,
        webhook_path: str | None = None,
        secret: str | None = None,
    ) -> None:
        started = time.monotonic()
        common: dict[str, Any] = {"app": app, "started": started}
        routes: list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]] = [
            (r"/healthz", HealthHandler, common),
            (r"/metrics", MetricsHandler, common),
        ]
        if webhook_path is not None:
            intake: Intake = app.bot_data["intake"]
            path = "/" + webhook_path.strip("/")
            routes.append((path, WebhookHandler, {"intake": intake, "secret": secret}))
        # No access log: a webhook URL path may carry a secret, and there is nothing to learn.
        self.webhook = webhook_path is not None
        self._web = tornado.web.Application(routes, log_function=lambda _handler: None)
        self.listen, self.port = listen, port
        self._server: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> int:
        """Start listening; returns the port (useful when 0 asked for a free one)."""
        sockets = tornado.netutil.bind_sockets(self.port, self.listen, family=socket.AF_INET)
        self._server = tornado.httpserver.HTTPServer(self._web, xheaders=True)
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        """Stop accepting requests (and finish the ones being answered)."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
