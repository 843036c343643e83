"""The HTTP face of the emulator: Telegram's URL layout served by tornado on a loopback port."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.emulator.dispatch import Dispatcher, RawRequest
from bot.emulator.spec import Upload
from bot.emulator.updates import Poll
from bot.emulator.webhook import LOOPBACK_HOSTS

logger = logging.getLogger(__name__)
_STOP_GRACE = 2.0


class _JsonHandler(tornado.web.RequestHandler):
    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))


class _ApiHandler(_JsonHandler):
    """``/bot<token>/<method>``, GET or POST, like api.telegram.org."""

    def initialize(self, dispatcher: Dispatcher, active: set[asyncio.Task[Any]]) -> None:
        self._dispatcher = dispatcher
        self._active = active
        self._poll = Poll()
        self._gone = False

    async def get(self, token: str, method: str) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._active.add(task)
        try:
            uploads = {
                name: Upload(files[0].filename, files[0].body, files[0].content_type)
                for name, files in self.request.files.items()
                if files
            }
            request = RawRequest(
                query=self.request.query_arguments,
                content_type=self.request.headers.get("Content-Type", ""),
                body=self.request.body,
                form=self.request.body_arguments,
                uploads=uploads,
            )
            status, body = await self._dispatcher.handle(
                token, method, request, self._poll, lambda: self._gone
            )
            if not self._gone:
                self._reply(status, body)
        finally:
            if task is not None:
                self._active.discard(task)

    async def post(self, token: str, method: str) -> None:
        await self.get(token, method)

    def on_connection_close(self) -> None:
        self._gone = True
        self._dispatcher.state.updates.hang_up(self._poll)


class _FileHandler(tornado.web.RequestHandler):
    """``/file/bot<token>/<file_path>``: the bytes behind getFile's file_path."""

    def initialize(self, dispatcher: Dispatcher) -> None:
        self._state = dispatcher.state

    def get(self, token: str, file_path: str) -> None:
        stored = next((f for f in self._state.files.values() if f.file_path == file_path), None)
        if token != self._state.token or stored is None:
            self.set_status(404)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(stored.content)


class _NotFoundHandler(_JsonHandler):
    def get(self, *args: str) -> None:
        self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def post(self, *args: str) -> None:
        self.get()


def _log_request(handler: tornado.web.RequestHandler) -> None:
    logger.debug("%s %s -> %s", handler.request.method, handler.request.path, handler.get_status())


class ApiServer:
    """Starts and stops the HTTP server in the running event loop."""

    def __init__(self, dispatcher: Dispatcher):
        self._dispatcher = dispatcher
        self._active: set[asyncio.Task[Any]] = set()
        self._server: tornado.httpserver.HTTPServer | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (0 picks a free port); return the port."""
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"the emulator listens on loopback only, not {host!r}")
        app = tornado.web.Application(
            [
                (
                    r"/bot([^/]+)/([A-Za-z0-9_]+)",
                    _ApiHandler,
                    {"dispatcher": self._dispatcher, "active": self._active},
                ),
                (r"/file/bot([^/]+)/(.+)", _FileHandler, {"dispatcher": self._dispatcher}),
                (r"/.*", _NotFoundHandler),
            ],
            log_function=_log_request,
        )
        self._dispatcher.stopping.clear()
        self._dispatcher.state.updates.closed = False
        sockets = tornado.netutil.bind_sockets(port, address=host)
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=60 * 1024 * 1024)
        self._server.add_sockets(sockets)
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening, let pending calls answer (long polls end at once), drop connections."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        self._dispatcher.stopping.set()
        self._dispatcher.state.updates.close()
        if self._active:
            await asyncio.wait(set(self._active), timeout=_STOP_GRACE)
        await server.close_all_connections()
