"""Rebound's own small HTTP servers: Telegram's webhook on the public port (that path, and the
Mini App's ``/app/`` when REBOUND_WEBAPP_URL is set), ``/healthz`` and ``/metrics`` on the health
port (loopback by default; it serves ``/app/`` too, for a reverse proxy to forward in polling
mode). Tornado, because python-telegram-bot's webhook extra already brings it."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import time
from dataclasses import dataclass
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web
from sqlalchemy import text

from bot.dispatch import INTERVAL_SECONDS
from bot.intake import MAX_UPDATE_BYTES, WebhookHandler
from bot.services import ops
from bot.webapp import api as webapp_api
from bot.wiring import ReboundApplication

log = logging.getLogger("rebound.server")

# Three dispatcher intervals without progress mean it is stuck or dead.
DISPATCHER_STALE_AFTER = 3 * INTERVAL_SECONDS
# No request to these servers has a body worth more than an update (GETs have none).
MAX_BODY_BYTES = 2 * MAX_UPDATE_BYTES


@dataclass(frozen=True)
class Health:
    database: bool
    dispatcher: bool
    dispatcher_age: float | None

    @property
    def ok(self) -> bool:
        return self.database and self.dispatcher


async def check_health(app: ReboundApplication, started: float) -> Health:
    """Database reachable within 2 s, and the dispatcher has run recently (or the process
    started less than three intervals ago)."""
    rt = app.wiring.runtime
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
    def initialize(self, app: ReboundApplication, started: float) -> None:
        self.bot_app = app
        self.started = started
        self.rt = app.wiring.runtime


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
    """Serves /healthz and /metrics; or, given ``webhook_path``, Telegram's webhook at that path
    (the public port shows no figures, and every other path is a 404). Either serves the Mini App
    under /app/ when REBOUND_WEBAPP_URL is set (``webapp`` overrides that: the demo's does)."""

    def __init__(
        self,
        app: ReboundApplication,
        *,
        listen: str,
        port: int,
        webhook_path: str | None = None,
        secret: str | None = None,
        webapp: bool | None = None,
    ) -> None:
        routes: list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]]
        if webhook_path is None:
            common: dict[str, Any] = {"app": app, "started": time.monotonic()}
            routes = [
                (r"/healthz", HealthHandler, common),
                (r"/metrics", MetricsHandler, common),
            ]
        else:
            if not secret:
                raise ValueError("the webhook never runs without a secret")
            path = "/" + webhook_path.strip("/")
            routes = [
                (re.escape(path), WebhookHandler, {"intake": app.wiring.intake, "secret": secret})
            ]
        if app.wiring.runtime.settings.webapp_url is not None if webapp is None else webapp:
            routes += webapp_api.routes(app)  # /app/ and /app/api/ (never /healthz or /metrics)
        # No access log: a webhook URL path may carry a secret, and there is nothing to learn.
        self.webhook = webhook_path is not None
        self._web = tornado.web.Application(routes, log_function=lambda _handler: None)
        self.listen, self.port = listen, port
        self._server: tornado.httpserver.HTTPServer | None = None

    async def start(self) -> int:
        """Start listening; returns the port (useful when 0 asked for a free one)."""
        sockets = tornado.netutil.bind_sockets(self.port, self.listen, family=socket.AF_INET)
        # A slow or idle client cannot hold a connection open for long; the webhook handler caps
        # the body itself (bot.intake.MAX_UPDATE_BYTES), this is the server-wide backstop.
        self._server = tornado.httpserver.HTTPServer(
            self._web,
            xheaders=True,
            max_body_size=MAX_BODY_BYTES,
            body_timeout=30,
            idle_connection_timeout=75,
        )
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        """Stop accepting requests (and finish the ones being answered)."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
