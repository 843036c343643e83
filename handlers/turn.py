"""One update, one transaction: the plumbing every handler shares.

A handler is ``async def fn(turn: Turn) -> None``. It reads the update, calls services inside
``turn.session`` and queues replies with ``turn.say``. The :func:`handler` decorator commits the
transaction *first* and only then sends what was queued, so whatever the person sees
acknowledged is already stored. What will be sent is committed in that same transaction (an
outbox row, see bot.delivery), so a reply Telegram fails to take, or one a crash cut off,
is sent again rather than lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
    InputMediaPhoto,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError

from bot import delivery
from bot.content import Texts
from bot.db.models import User
from bot.render import Renderer, buttons_key, buttons_key_of
from bot.runtime import Runtime
from bot.services import flows, groups, inbox, outbox
from bot.services.replies import Button, Say
from bot.services.users import ensure_user
from bot.telegram_bot import ReboundBot
from bot.update_processor import handoff, sent, superseded
from bot.wiring import ReboundContext

Context = ReboundContext
log = logging.getLogger("rebound.turn")
ANSWER_BUDGET = 5.0  # seconds to keep trying to stop a tap's spinner
# Replies that carry a button opening the Mini App (when it is on), and the tab it opens at:
# /plan, /history, and the summary card (its message ends with the feedback offer).
APP_TABS = {
    "plan.list": "plan",
    "plan.list_with_done": "plan",
    "plan.all_done": "plan",
    "reflection.history.page": "timeline",
    "reflection.history.page_with_patterns": "timeline",
    "reflection.feedback_offer": "timeline",
    "stats.little_data": "mood",
}


@dataclass
class _CallbackAnswer:
    key: str | None
    alert: bool


@dataclass(frozen=True)
class _File:
    name: str
    data: bytes | Callable[[], bytes]
    caption: Say | None
    as_photo: bool
    in_place: bool  # replace the tapped message's photo (editMessageMedia), not a new message


@dataclass
class Turn:
    update: Update
    context: Context
    rt: Runtime
    session: AsyncSession
    now: datetime
    texts: Texts
    user: User | None
    _replies: list[Say] = field(default_factory=list)
    _answer: _CallbackAnswer | None = None
    _strip_buttons: list[int] = field(default_factory=list)
    _files: list[_File] = field(default_factory=list)
    _reply: tuple[int, list[delivery.Call]] | None = None  # the committed outbox row, its calls
    duplicate: bool = False  # already handled elsewhere: nothing to do, nothing to send
    # The group win this turn's replies celebrate: kept with them (the outbox row's ref_id), so
    # that Telegram refusing them takes the win back out of the weekly recap (bot.delivery).
    win_id: int | None = None

    @property
    def chat_id(self) -> int:
        chat = self.update.effective_chat
        assert chat is not None
        return chat.id

    @property
    def private(self) -> bool:
        chat = self.update.effective_chat
        return chat is not None and chat.type == ChatType.PRIVATE

    @property
    def person(self) -> User:
        """The person in a private chat (always loaded there)."""
        assert self.user is not None
        return self.user

    def with_app(self, reply: Say, tab: str) -> Say:
        """``reply`` with a button that opens the Mini App at ``tab`` below its own, when the
        app is on (REBOUND_WEBAPP_URL) and this is a private chat (Telegram allows web_app
        buttons nowhere else)."""
        url = self.rt.settings.webapp_url
        if url is None or not self.private:
            return reply
        opens = Button("webapp.open_button", web_app=f"{url}?{urlencode({'tab': tab})}")
        return replace(reply, buttons=(*reply.buttons, (opens,)))

    def say(self, *replies: Say | None) -> None:
        self._replies.extend(r for r in replies if r is not None)

    def say_first(self, reply: Say | None) -> None:
        """Queue ``reply`` before everything queued so far (a note on what just changed)."""
        if reply is not None:
            self._replies.insert(0, reply)

    def say_all(self, replies: Sequence[Say]) -> None:
        self._replies.extend(replies)

    def answer_callback(self, key: str | None = None, *, alert: bool = False) -> None:
        self._answer = _CallbackAnswer(key, alert)

    def attach(
        self,
        filename: str,
        data: bytes | Callable[[], bytes],
        *,
        caption: Say | None = None,
        as_photo: bool = False,
        in_place: bool = False,
    ) -> None:
        """Send a file, or a photo, after the commit like every reply. ``data`` may be a
        chart render (a ``functools.partial`` of a picklable function and data): it is then
        drawn in the drawing process (``bot.drawing``), after the commit, so neither the
        transaction nor the event loop waits for it. The caption's buttons go on
        the file's message. ``in_place`` puts it in the tapped message instead (its photo or
        text replaced, with this caption and buttons); when that would show exactly what the
        message shows, nothing is drawn or sent."""
        self._files.append(_File(filename, data, caption, as_photo, in_place))

    def forget_person(self) -> None:
        """The person's data was just erased: nothing more may be written for them."""
        self.user = None

    def clear_tapped(self) -> None:
        """Remove the buttons of the message that was tapped, if it still has any."""
        message_id = tapped_message_with_buttons(self.update)
        if message_id is not None:
            self.strip_buttons(message_id)

    def strip_buttons(self, message_id: int) -> None:
        """Remove the keyboard from a question that has been answered (no double taps)."""
        self._strip_buttons.append(message_id)

    @property
    def bot(self) -> ReboundBot:
        """The application's bot (bot.app builds a ReboundBot; PTB's context types it ExtBot)."""
        bot: object = self.context.bot
        assert isinstance(bot, ReboundBot)
        return bot

    @property
    def renderer(self) -> Renderer:
        return Renderer(self.texts)

    def _calls(self) -> list[delivery.Call]:
        """What this turn sends, as Bot API calls in order: edits of the tapped message (its
        buttons, or a page turned), buttons removed from answered questions, new messages."""
        calls: list[delivery.Call] = []
        renderer = self.renderer
        query = self.update.callback_query
        tapped = query.message.message_id if query is not None and query.message else None
        replies = [
            self.with_app(r, APP_TABS[r.key]) if r.key in APP_TABS else r for r in self._replies
        ]
        for reply in replies:
            if tapped is not None and reply.edit:
                calls.append(delivery.buttons_call(tapped, renderer.markup(reply)))
            elif tapped is not None and reply.replace:
                calls.append(
                    delivery.text_call(tapped, renderer.text(reply), renderer.markup(reply))
                )
        stripped = dict.fromkeys(self._strip_buttons)
        calls += [delivery.buttons_call(message_id, None) for message_id in stripped]
        message = self.update.effective_message
        thread_id = message.message_thread_id if message and message.is_topic_message else None
        fresh = [reply for reply in replies if not (reply.edit or reply.replace)]
        for out in renderer.messages(fresh):
            prompt = out.prompt_of if self.user is not None else None
            calls.append(delivery.send_call(out.text, out.markup, thread_id, prompt))
        return calls

    async def queue(self) -> None:
        """Commit what this turn will send with the turn itself (see bot.delivery). In a
        flood, when a later update of the chat has come in, that one answers for this one
        (handlers.gatekeeping): its replies and files are left out; a tap is still answered."""
        if superseded():
            self._replies.clear()
            self._files.clear()
        calls = self._calls()
        if calls:
            user_id = self.user.id if self.user is not None else None
            reply_id = await outbox.queue_reply(
                self.session, self.chat_id, user_id, calls, self.now, self.win_id
            )
            self._reply = (reply_id, calls)

    async def flush(self) -> None:
        """Send what was committed, then files (after the commit, like every reply).

        The callback answer goes out alongside the replies rather than before them: each is a
        network round trip, and the person waits for the new message. Once all are out, the
        chat's next update may send while this one notes the outcome and which message asks the
        open question. A refusal for good is raised once all are done, so the error handler
        sees it as before; a transient failure is retried, and never reaches it."""
        if self.duplicate:
            return
        deliveries = self.context.delivery
        outcome: delivery.Outcome | None = None  # None: not tried (the lease will run out)

        async def replies() -> None:
            nonlocal outcome
            if self._reply is not None:
                reply_id, calls = self._reply
                calls = [call for call in calls if self._changes(call)]
                outcome = await deliveries.deliver(self.chat_id, reply_id, calls)
            await self._send_files()

        answered: BaseException | None = None
        replied: BaseException | None = None
        if self.update.callback_query is not None:
            answered, replied = await asyncio.gather(
                self._answer_query(), replies(), return_exceptions=True
            )
        else:  # no spinner to stop: the replies alone, without a task each
            try:
                await replies()
            except Exception as exc:
                replied = exc
        failures = [outcome.refused if outcome else None, replied, answered]
        sent()
        if self._reply is not None and outcome is not None:
            user_id = self.user.id if self.user is not None else None
            await deliveries.settle(self.chat_id, user_id, self._reply[0], 1, outcome)
        for failure in failures:
            if failure is not None:
                raise failure

    def _changes(self, call: delivery.Call) -> bool:
        """Whether an edit would change what the message shows (bot.shown): a double tap, a
        stray tap on an old question and the like would be refused as "not modified". Noted as
        done when it would; Delivery.settle forgets it if it fails."""
        if call["m"] == "send":
            return True
        markup = buttons_key_of(call["markup"])
        text = call["text"] if call["m"] == "text" else None
        return self.rt.shown.edit(self.chat_id, call["id"], markup, text)

    async def _answer_query(self) -> None:
        """Stop the tap's spinner. Not retried for long and never apologised for: Telegram
        forgets a query within seconds, and the tap itself was handled and stored."""
        query = self.update.callback_query
        if query is None:
            return
        answer = self._answer or _CallbackAnswer(None, False)
        text = self.texts(answer.key) if answer.key else None
        try:
            await delivery.retrying(
                lambda: query.answer(text, show_alert=answer.alert), ANSWER_BUDGET
            )
        except BadRequest as exc:
            # Answered too late (Telegram gives up on a query after a while): only the
            # spinner's early stop is lost.
            if "query is too old" not in exc.message.lower():
                raise
            log.info("a tap in chat %s was answered too late", self.chat_id)
        except TelegramError as exc:
            if not delivery.transient(exc):
                raise
            log.info("a tap in chat %s went unanswered (%s)", self.chat_id, type(exc).__name__)

    async def _send_files(self) -> None:
        """Files go after the messages, retried like them but not kept in the outbox (an
        export is made again in a moment; its bytes are not worth storing)."""
        bot = self.bot
        for file in self._files:
            caption = self.renderer.text(file.caption) if file.caption else None
            markup = self.renderer.markup(file.caption) if file.caption else None
            tapped = tapped_message_id(self.update) if file.in_place else None
            if tapped is not None:
                if self.rt.shown.edit(self.chat_id, tapped, buttons_key(markup), caption or ""):
                    with self._edit_of(tapped):
                        await self._replace_media(tapped, file, caption, markup)
                continue
            data = file.data
            content = await self.rt.drawing.draw(data) if callable(data) else data
            send = bot.send_photo if file.as_photo else bot.send_document
            once = functools.partial(
                send,
                self.chat_id,
                InputFile(content, filename=file.name),
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
            message = await delivery.retrying(once, delivery.INLINE_BUDGET)
            if markup is not None:
                self.rt.shown.sent(
                    self.chat_id, message.message_id, caption or "", buttons_key(markup)
                )

    async def _replace_media(
        self,
        message_id: int,
        file: _File,
        caption: str | None,
        markup: InlineKeyboardMarkup | None,
    ) -> None:
        data = file.data
        content = await self.rt.drawing.draw(data) if callable(data) else data
        kind = InputMediaPhoto if file.as_photo else InputMediaDocument
        # Bytes and a name, not an InputFile: PTB attaches only what it wraps itself.
        media = kind(content, caption=caption, parse_mode=ParseMode.HTML, filename=file.name)
        edit = functools.partial(
            self.bot.edit_message_media, media, self.chat_id, message_id, reply_markup=markup
        )
        await delivery.retrying(edit, delivery.INLINE_BUDGET)

    @contextlib.contextmanager
    def _edit_of(self, message_id: int) -> Iterator[None]:
        """An edit of an older message. Telegram refusing it because there is nothing to do
        is no failure: it already shows this ("message is not modified": another instance
        made the edit, or the bot restarted since), or the person deleted it ("message to edit
        not found"). What they answered is stored either way: no apology. Any other failure
        leaves what the message shows unknown."""
        try:
            yield
        except BadRequest as exc:
            if not delivery.unchanged_or_gone(exc):
                self.rt.shown.forget(self.chat_id, message_id)
                raise
        except BaseException:
            self.rt.shown.forget(self.chat_id, message_id)
            raise


def redirected_to_private(turn: Turn, payload: str, key: str = "group.personal") -> bool:
    """Personal features never run in a group: say so, with a button that opens the private
    chat at this feature (t.me/<bot>?start=<payload>). True when the turn was redirected."""
    if turn.private:
        return False
    url = f"https://t.me/{turn.context.bot.username}?start={payload}"
    turn.say(Say(key, buttons=((Button("start.buttons.open_private", url=url),),)))
    return True


TurnFn = Callable[[Turn], Awaitable[None]]


def handler(fn: TurnFn) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """Wrap ``fn`` in a transaction that commits before anything is sent."""

    @functools.wraps(fn)
    async def run(update: Update, context: Context) -> None:
        turn = await open_turn(update, context, fn)
        await handoff()  # committed: the chat's next update may start while this one sends
        await turn.flush()

    return run


async def open_turn(update: Update, context: Context, fn: TurnFn) -> Turn:
    rt = context.runtime
    now = rt.clock.now()
    tg_user = update.effective_user
    language = tg_user.language_code if tg_user else None
    from_inbox = update.update_id in rt.unmarked
    async with rt.small_transaction() as session:
        if from_inbox and not await inbox.mark_processed(session, update.update_id, now):
            # Another instance (or a replay racing the first delivery) handled it already.
            rt.unmarked.discard(update.update_id)
            texts = rt.content.texts(language)
            return Turn(update, context, rt, session, now, texts, None, duplicate=True)
        user = None
        chat = update.effective_chat
        if tg_user is not None and chat is not None and chat.type == ChatType.PRIVATE:
            if update.my_chat_member is None:
                user = await ensure_user(session, tg_user.id, language, now, chat_id=chat.id)
            else:  # a block/unblock is not the person writing to us: load, don't reactivate
                user = await session.get(User, tg_user.id)
            language = user.language if user else language
        elif chat is not None and chat.type != ChatType.PRIVATE:
            # A group speaks the language its admin chose, whoever writes.
            language = await groups.language(session, chat.id) or language
        turn = Turn(update, context, rt, session, now, rt.content.texts(language), user)
        command = _command(update) if user is not None else None
        if command not in flows.SETS_ASIDE:
            command = None  # only a command that starts something sets a flow aside
        before = None
        if command is not None and user is not None and chat is not None:
            before = await flows.snapshot(session, chat.id, user.id)
        await fn(turn)
        if before is not None and command is not None and turn.user is not None:
            # Another command while a flow was open: the flow is set aside, visibly, before
            # what the command itself says.
            turn.say_first(await flows.park(session, turn.chat_id, turn.user.id, before, command))
        await turn.queue()
    if from_inbox:  # committed together with the handler's own writes
        rt.unmarked.discard(update.update_id)
    return turn


def _command(update: Update) -> str | None:
    """The command a fresh private message starts with (``/checkin@bot x`` -> "checkin")."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    name = message.text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
    return name or None


def tapped_message_id(update: Update) -> int | None:
    """The id of the message whose button was tapped, if it can still be edited."""
    query = update.callback_query
    message = query.message if query else None
    return message.message_id if isinstance(message, Message) else None


def tapped_message_with_buttons(update: Update) -> int | None:
    """The id of the message whose button was tapped, if it still shows buttons."""
    query = update.callback_query
    message: Any = query.message if query else None
    if message is None or not getattr(message, "reply_markup", None):
        return None
    message_id: int = message.message_id
    return message_id
