"""How updates get in: stored in the inbox first, acknowledged second, handled third.

Rebound does not use PTB's ``Updater``: it confirms an update to Telegram before a handler
has run (see bot.services.inbox). :class:`InboxPoller` is a ``getUpdates`` loop that commits
each batch to the inbox *before* asking for the next offset, and :class:`WebhookHandler`
commits before answering 200. Both hand updates to the Application's queue; the first turn
of an update marks it processed in its own transaction (handlers.turn), and
:meth:`Intake.finish` marks the ones no turn touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

import tornado.web
from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TimedOut

from bot.logsafe import describe
from bot.rate_limiter import retry_after_seconds
from bot.runtime import Runtime, RuntimeApp
from bot.services import inbox, typed_text
from bot.update_processor import chat_key

log = logging.getLogger("rebound.intake")

# The update kinds Rebound handles, for getUpdates and setWebhook. Not Update.ALL_TYPES: an
# admin bot in a busy group would otherwise get every join (chat_member) and reaction as an
# inbox row and a turn. chat_member stays out: Rebound follows only its own membership.
ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Intake:
    """Between the inbox table and the Application's update queue."""

    def __init__(self, app: RuntimeApp, rt: Runtime) -> None:
        self.app = app
        self.rt = rt

    async def accept(self, batch: Sequence[tuple[dict[str, Any], Update]]) -> int:
        """Commit each update (as JSON, and parsed) to the inbox, then queue the new ones;
        returns how many were new. Raises if the database write fails: the caller must not
        acknowledge them then.

        Every update comes in here (polling and webhook alike), so this is where control
        characters leave what people typed (bot.services.typed_text): every feature, and the
        inbox itself, only ever sees the cleaned text."""
        batch = [self._cleaned(data, update) for data, update in batch]
        incoming = [inbox.Incoming(u.update_id, chat_key(u) or None, data) for data, u in batch]
        async with self.rt.small_transaction() as session:  # at most 100 updates a batch
            fresh = await inbox.store(session, incoming, self.rt.clock.now())
        # Albums and split pastes, in the order received (after the commit: a batch the
        # database refused comes again and is looked at then).
        self.rt.arrivals.note((u.update_id, data) for data, u in batch if u.update_id in fresh)
        for _data, update in batch:
            if update.update_id in fresh:
                await self._enqueue(update)
        return len(fresh)

    def _cleaned(self, data: dict[str, Any], update: Update) -> tuple[dict[str, Any], Update]:
        cleaned = typed_text.clean_update(data)
        if cleaned is None:
            return data, update
        return cleaned, Update.de_json(cleaned, self.app.bot)

    async def replay(self) -> int:
        """Queue what an earlier run stored but never finished (oldest first)."""
        async with self.rt.sessions() as session:
            left = await inbox.unprocessed(session)
        self.rt.arrivals.note((row.update_id, row.payload) for row in left)
        for row in left:
            update = Update.de_json(row.payload, self.app.bot)
            await self._enqueue(update)
        if left:
            log.warning("replaying %d updates left unhandled by an earlier run", len(left))
        return len(left)

    async def _enqueue(self, update: Update) -> None:
        self.rt.unmarked.add(update.update_id)
        await self.app.update_queue.put(update)

    async def finish(self, update: object) -> None:
        """After the handlers ran: mark an update that no turn marked (nothing matched it, or
        its handler failed and the error handler answered). Not after a cancellation: an
        update cut short by shutdown stays in the inbox for the next start."""
        if not isinstance(update, Update) or update.update_id not in self.rt.unmarked:
            return
        async with self.rt.small_transaction() as session:
            await inbox.mark_processed(session, update.update_id, self.rt.clock.now())
        self.rt.unmarked.discard(update.update_id)

    async def prune(self) -> int:
        async with self.rt.sessions() as session, session.begin():
            return await inbox.prune(session, self.rt.clock.now())


class InboxPoller:
    """Long polling that never confirms an update before it is committed to the inbox.

    The offset only moves past a batch once :meth:`Intake.accept` has committed it, so a crash
    at any point means Telegram sends the batch again (and the inbox ignores the copies)."""

    MAX_BACKOFF = 30.0
    # A batch fetched but not stored (the database is down): tried again this often, without
    # growing back-off, so the first reply after the database is back comes within a second or
    # two (it was up to MAX_BACKOFF). One failed write a second costs the database nothing.
    STORE_RETRY = 1.0

    def __init__(
        self,
        intake: Intake,
        *,
        timeout: int = 10,
        as_sent: Callable[[], list[Any]] | None = None,
    ) -> None:
        """``as_sent``: the last getUpdates answer's updates as Telegram sent them
        (bot.telegram_http.UpdatesRequest.take_updates), stored in the inbox as they are."""
        self.intake = intake
        self.timeout = timeout
        self.as_sent = as_sent
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.intake.app.bot.delete_webhook()  # polling and a webhook exclude each other
        await self.intake.replay()
        self._task = asyncio.create_task(self._loop(), name="rebound-inbox-poller")

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Stop asking for updates. One cut short mid-batch is not lost: it was either
        committed (and is handled or replayed) or never confirmed (and comes again)."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _loop(self) -> None:
        bot = self.intake.app.bot
        offset: int | None = None
        backoff = 1.0
        while True:
            try:
                # PTB's read timeout for it is the long poll's plus the request's own (5 s).
                updates = await bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
                )
                backoff = 1.0
                if updates:
                    sent = self.as_sent() if self.as_sent is not None else []
                    if not await self._store(with_json(updates, sent)):
                        continue  # not confirmed: the same batch is fetched again
                    offset = updates[-1].update_id + 1
            except TimedOut:
                continue
            except InvalidToken:
                log.critical("the bot token was refused: stopped polling")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network, 409: wait, longer each time, and fetch again
                log.warning("getUpdates round failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.MAX_BACKOFF)

    async def _store(self, batch: Sequence[tuple[dict[str, Any], Update]]) -> bool:
        """Commit ``batch`` to the inbox; False (after a short pause) when the database
        refused."""
        try:
            await self.intake.accept(batch)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("storing updates failed (%s); retrying", type(exc).__name__)
            await asyncio.sleep(self.STORE_RETRY)
            return False
        return True


def with_json(
    updates: Sequence[Update], sent: Sequence[Any]
) -> list[tuple[dict[str, Any], Update]]:
    """Each update with its JSON for the inbox: the object Telegram sent when ``sent`` holds
    the same updates in the same order (the getUpdates request kept them), else PTB's
    ``to_dict()`` of it (the same content, rebuilt)."""
    if len(sent) == len(updates) and all(
        isinstance(data, dict) and data.get("update_id") == update.update_id
        for data, update in zip(sent, updates, strict=True)
    ):
        return list(zip(sent, updates, strict=True))
    return [(update.to_dict(), update) for update in updates]


# Telegram's updates are a few KiB; a request announcing more than this is refused unread.
MAX_UPDATE_BYTES = 1024 * 1024
# Ids the inbox's BIGINT columns can hold.
_BIGINT = range(-(2**63), 2**63)


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def parse_update(body: bytes, bot: Any) -> tuple[dict[str, Any], Update] | None:
    """``body`` as (JSON object, Update), or None when it is not an update Rebound can store:
    not a JSON object, an ``update_id`` that is not an integer, a part PTB cannot read (such as
    ``"message": 5``), or a chat id the database could not hold."""
    try:
        data = json.loads(body, parse_constant=_no_constants)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    if type(update_id) is not int or update_id not in _BIGINT:  # bool, str and float are not ids
        return None
    try:
        update = Update.de_json(data, bot)
        chat = chat_key(update)
    except Exception:  # whatever a malformed part makes PTB raise: not an update
        return None
    if type(chat) is not int or chat not in _BIGINT:
        return None
    return data, update


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    """Telegram's POST: checked, committed to the inbox, then answered 200.

    The secret header is checked as soon as the headers arrive, before any of the body is read:
    a missing or wrong secret gets 401, a body over :data:`MAX_UPDATE_BYTES` 413, and neither is
    read into memory. Anything that is not an update gets 400 (Telegram does not retry a 4xx).
    A database failure answers 500, so Telegram delivers the update again later instead of it
    being lost."""

    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret
        self.chunks: list[bytes] = []
        self.received = 0

    def prepare(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.send_error(401)
            return
        declared = self.request.headers.get("Content-Length")
        if declared is not None and not declared.isdigit():
            self.send_error(400)
            return
        if declared is not None and int(declared) > MAX_UPDATE_BYTES:
            self.send_error(413)
            return

    def data_received(self, chunk: bytes) -> None:
        """A chunked body has no length up front: past the cap it is read and dropped."""
        self.received += len(chunk)
        if self.received <= MAX_UPDATE_BYTES:
            self.chunks.append(chunk)

    async def post(self) -> None:
        if self.received > MAX_UPDATE_BYTES:
            self.send_error(413)
            return
        parsed = parse_update(b"".join(self.chunks), self.intake.app.bot)
        self.chunks = []
        if parsed is None:
            self.send_error(400)
            return
        data, update = parsed
        try:
            await self.intake.accept([(data, update)])
        except Exception as exc:
            # Type and frames only: a database error's text may quote the update.
            log.error(
                "could not store update %s; Telegram will retry: %s",
                update.update_id,
                describe(exc),
            )
            self.send_error(500)
            return
        self.set_status(200)

    def log_exception(self, *args: object) -> None:
        """Tornado would log the request, body included; ours are logged above."""
