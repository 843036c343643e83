"""``/app/api/``: the Mini App's JSON API, and ``/app/`` its page.

Every API request carries the Mini App's init data (``Authorization: tma <initData>``); it is
checked (bot.webapp.initdata) in ``prepare``, before the database is touched, and anything
missing, forged or stale gets 401. The person is the one Telegram signed for: every record is
looked up by their id through the same services the chat uses, and each request is one
transaction. What the chat would say next (the question after "They replied", the export files)
goes to the chat, as a turn's replies do (bot.delivery).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tornado.web
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InputFile
from telegram.constants import ParseMode

from bot import delivery
from bot.db.models import User
from bot.render import Renderer, export_files
from bot.services import checkins, feedback, flows, history, outbox, plan, privacy, strengths
from bot.services.onboarding import change
from bot.services.replies import Ref, Say
from bot.webapp import initdata
from bot.webapp.journey import Words, overview
from bot.wiring import ReboundApplication

log = logging.getLogger("rebound.webapp")

STATIC = Path(__file__).resolve().parent / "static"
MAX_STRENGTH_CHARS = 120
SETTINGS = {"timezone": "tz", "checkin_time": "time", "frequency": "freq", "language": "lang"}
# The page runs its own files and Telegram's script, and talks to its own API, nothing else
# (inline styles: the charts' bar widths).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' https://telegram.org; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)
ERRORS = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "not_allowed"}


class Refused(tornado.web.HTTPError):
    """Answered with ``status`` and a short machine-readable ``key`` (the page has the words),
    and ``message`` when the chat's own words for the problem fit (a time zone it can't read)."""

    def __init__(self, status: int, key: str, message: str | None = None) -> None:
        super().__init__(status)
        self.key, self.message = key, message


@dataclass(frozen=True)
class Queued:
    """What the chat says next, committed as an outbox row, to send once the commit is done."""

    reply_id: int
    chat_id: int
    calls: list[delivery.Call]


class ApiHandler(tornado.web.RequestHandler):
    """The init data check, one transaction per request, and JSON in and out."""

    person_id: int
    language: str | None = None

    def initialize(self, app: ReboundApplication) -> None:
        self.bot_app = app
        self.rt = app.wiring.runtime

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        """401 before anything else happens, to anything but init data Telegram signed for this
        bot within a day."""
        try:
            header = self.request.headers.get("Authorization")
            raw = initdata.from_header(header)
            person = initdata.validate(raw, self.bot_app.bot.token, self.rt.clock.now())
        except initdata.InitDataError as exc:
            log.info("webapp: request refused (%s)", exc)
            self.send_error(401)
            return
        self.person_id, self.language = person.id, person.language_code

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        _kind, refused, _trace = kwargs.get("exc_info") or (None, None, None)
        answer: dict[str, Any] = {"error": ERRORS.get(status_code, "failed")}
        if isinstance(refused, Refused):
            answer["error"] = refused.key
            if refused.message is not None:
                answer["message"] = refused.message
        self.finish({**answer, "words": self._words()})

    def _words(self) -> dict[str, str]:
        """The page's words even when the answer is no: in the language Telegram vouched for,
        else the default (a 401 trusts nothing it was told)."""
        return Words(self.rt.content.texts(self.language)).page()

    def body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise Refused(400, "not_json") from None
        if not isinstance(data, dict):
            raise Refused(400, "not_json")
        return data

    @asynccontextmanager
    async def person(self) -> AsyncIterator[tuple[AsyncSession, User, Words]]:
        """The signed-in person in a transaction; 404 for someone who never started the bot
        (the app creates nobody: consent is given in the chat)."""
        async with self.rt.small_transaction() as session:
            user = await session.get(User, self.person_id)
            if user is None:
                raise Refused(404, "not_started")
            yield session, user, Words(self.rt.content.texts(user.language))

    async def journey(self, notice: Say | None = None) -> None:
        async with self.person() as (session, user, words):
            document = await overview(session, user, self.rt.clock.now(), words.texts)
        if notice is not None:
            document["notice"] = words.plain(notice)
        self.finish(document)

    async def to_chat(self, session: AsyncSession, user: User, replies: list[Say]) -> Queued:
        """Queue what the chat says next in this transaction (an outbox row, as a turn does);
        :meth:`deliver` sends it once committed."""
        renderer = Renderer(self.rt.content.texts(user.language))
        calls = [
            delivery.send_call(m.text, m.markup, None, m.prompt_of)
            for m in renderer.messages(replies)
        ]
        reply_id = await outbox.queue_reply(session, user.id, user.id, calls, self.rt.clock.now())
        return Queued(reply_id, user.id, calls)

    async def deliver(self, queued: Queued) -> None:
        """Send it as a turn sends its replies, and note the outcome (bot.delivery)."""
        deliveries = self.bot_app.wiring.delivery
        outcome = await deliveries.deliver(queued.chat_id, queued.reply_id, queued.calls)
        await deliveries.settle(queued.chat_id, queued.chat_id, queued.reply_id, 1, outcome)


class MeHandler(ApiHandler):
    async def get(self) -> None:
        """The person's journey (their debriefs, plan, feedback, strengths, stats, settings)."""
        await self.journey()


class DebriefHandler(ApiHandler):
    async def get(self, record_id: str) -> None:
        """One debrief's summary card, as the chat shows it."""
        await self._card(int(record_id))

    async def _card(self, record_id: int) -> None:
        async with self.person() as (session, user, words):
            card = await history.card(session, user.id, record_id)
            if card is None:
                raise Refused(404, "gone")
            self.finish({"card_html": words.html(card)})


class PlanHandler(ApiHandler):
    async def post(self, action_id: str) -> None:
        """done | snooze | dismiss (not relevant): the step changes as a /plan tap changes it."""
        await self._change(int(action_id), self.body().get("action"))

    async def _change(self, action_id: int, verb: object) -> None:
        now = self.rt.clock.now()
        async with self.person() as (session, user, _words):
            action = await plan.mine(session, user.id, action_id)
            if action is None or action.status != "open":
                raise Refused(404, "gone")
            if verb == "done":
                await plan.mark_done(session, action, now)
                notice = Say("plan.toasts.done")
            elif verb == "snooze":
                await plan.snooze(session, user, action, now)
                notice = Say("plan.toasts.snoozed")
            elif verb == "dismiss":
                await plan.dismiss(session, action)
                notice = Say("webapp.plan.dismissed")
            else:
                raise Refused(400, "unknown_action")
        await self.journey(notice)


class FeedbackHandler(ApiHandler):
    async def post(self, request_id: str) -> None:
        """sent ("I sent it") | replied ("They replied": the chat asks what they said)."""
        await self._change(int(request_id), self.body().get("action"))

    async def _change(self, request_id: int, verb: object) -> None:
        now = self.rt.clock.now()
        queued: Queued | None = None
        async with self.person() as (session, user, _words):
            request = await feedback.mine(session, user.id, request_id)
            if request is None:
                raise Refused(404, "gone")
            if verb == "sent" and request.status == "draft":
                await feedback.mark_sent(session, user, request, now)
                notice = Say("webapp.feedback.marked_sent")
            elif verb == "replied" and request.status in feedback.OPEN:
                spec = self.rt.flows[feedback.LOG_FLOW.code]
                data = {"request_id": request.id}
                question = await flows.start(session, spec, user, user.id, now, data=data)
                queued = await self.to_chat(session, user, [question])
                notice = Say("webapp.feedback.asked_in_chat")
            else:
                raise Refused(409, "not_now")
        if queued is not None:
            await self.deliver(queued)
        await self.journey(notice)


class StrengthsHandler(ApiHandler):
    async def post(self, strength_id: str | None = None) -> None:
        """Add one strength, typed (as /strengths adds typed ones)."""
        if strength_id is not None:
            raise tornado.web.HTTPError(405)
        await self._add(self.body().get("text"))

    async def _add(self, text: object) -> None:
        if not isinstance(text, str) or not text.strip():
            raise Refused(400, "empty")
        typed = " ".join(text.split())[:MAX_STRENGTH_CHARS]
        async with self.person() as (session, user, _words):
            added, full = await strengths.add(session, user, [typed], "typed", self.rt.clock.now())
        if added:
            notice = Say("strengths.toast_added")
        else:
            notice = Say("webapp.strengths.full" if full else "strengths.toast_there")
        await self.journey(notice)

    async def delete(self, strength_id: str | None = None) -> None:
        if strength_id is None:
            raise tornado.web.HTTPError(405)
        await self._remove(int(strength_id))

    async def _remove(self, strength_id: int) -> None:
        async with self.person() as (session, user, _words):
            if not await strengths.remove(session, user.id, strength_id):
                raise Refused(404, "gone")
        await self.journey(Say("strengths.toast_removed"))


class SettingsHandler(ApiHandler):
    async def post(self) -> None:
        """{"timezone" | "checkin_time" | "frequency" | "language": value}, read as the chat
        reads them;
        {"pause": days or null} and {"resume": true} as /pause and /resume."""
        await self._change(self.body())

    async def _change(self, body: dict[str, Any]) -> None:
        now = self.rt.clock.now()
        async with self.person() as (_session, user, words):
            notice: Say
            if "pause" in body:
                days = body["pause"]
                if days is not None and (not isinstance(days, int) or not 1 <= days <= 365):
                    raise Refused(400, "bad_days")
                notice = checkins.pause(user, now, days)
            elif body.get("resume"):
                notice = checkins.resume(user, now)
            else:
                named = [name for name in SETTINGS if name in body]
                value = body[named[0]] if len(named) == 1 else None
                if not isinstance(value, str):
                    raise Refused(400, "unknown_setting")
                problem = change(user, SETTINGS[named[0]], value, now)
                if problem is not None:
                    message = words.plain(Ref(problem.problem, dict(problem.params)))
                    raise Refused(422, "invalid", message)
                notice = Say("settings.saved")
        await self.journey(notice)


class ExportHandler(ApiHandler):
    async def post(self) -> None:
        """Everything, as the same two files /export sends, into the chat."""
        await self._export()

    async def _export(self) -> None:
        async with self.person() as (session, user, words):
            document = await privacy.export(session, user, self.rt.clock.now())
            caption = words.html(Say("privacy.export_caption"))
        # As /export does: a year of use is ~15 ms of pure-Python work, kept off the loop.
        files = await asyncio.to_thread(export_files, words.texts, document)
        for number, (name, content) in enumerate(files):
            send = functools.partial(
                self.bot_app.bot.send_document,
                self.person_id,
                InputFile(content, filename=name),
                caption=caption if number == len(files) - 1 else None,
                parse_mode=ParseMode.HTML,
            )
            await delivery.retrying(send, delivery.INLINE_BUDGET)
        await self.journey(Say("webapp.settings.exported"))


class DeleteHandler(ApiHandler):
    async def post(self) -> None:
        """Erase everything, after the same confirmation the chat asks for (``confirm``)."""
        await self._erase(self.body().get("confirm") is True)

    async def _erase(self, confirmed: bool) -> None:
        if not confirmed:
            raise Refused(400, "not_confirmed")
        async with self.person() as (session, user, words):
            await privacy.erase(session, user.id)
            done = words.plain(Say("privacy.deleted"))
        await privacy.checkpoint(self.rt.engine)
        self.finish({"deleted": True, "notice": done})


class PageHandler(tornado.web.StaticFileHandler):
    """The page and its assets; short caching, since they change with each release."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", PAGE_POLICY)


def routes(
    app: ReboundApplication,
) -> list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]]:
    """Everything under /app/: the API first, then the page's files."""
    api: dict[str, Any] = {"app": app}
    return [
        (r"/app/api/me", MeHandler, api),
        (r"/app/api/debriefs/(\d{1,12})", DebriefHandler, api),
        (r"/app/api/plan/(\d{1,12})", PlanHandler, api),
        (r"/app/api/feedback/(\d{1,12})", FeedbackHandler, api),
        (r"/app/api/strengths", StrengthsHandler, api),
        (r"/app/api/strengths/(\d{1,12})", StrengthsHandler, api),
        (r"/app/api/settings", SettingsHandler, api),
        (r"/app/api/export", ExportHandler, api),
        (r"/app/api/delete", DeleteHandler, api),
        (r"/app/api/.*", NotFoundHandler, api),
        (r"/app", tornado.web.RedirectHandler, {"url": "/app/"}),
        (r"/app/(.*)", PageHandler, {"path": str(STATIC), "default_filename": "index.html"}),
    ]


class NotFoundHandler(ApiHandler):
    """Any other API path: 401 without init data like the rest, else 404."""

    async def get(self) -> None:
        self.send_error(404)

    async def post(self) -> None:
        self.send_error(404)
