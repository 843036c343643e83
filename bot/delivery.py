"""Getting a turn's replies to Telegram: at once after the commit, again after a failure, and
after a restart (the storage side is bot.services.outbox, kind ``reply``).

A turn commits its replies as Bot API calls (:func:`send_call`, :func:`buttons_call`,
:func:`text_call`) in one outbox row, in the same transaction as its answer, then makes the
calls itself (:meth:`Delivery.deliver`). A transient failure (a 5xx, a timeout, a network
error, a 429 that outlasted the rate limiter) is retried there with backoff for up to
``INLINE_BUDGET`` seconds, the chat's next turn waiting behind it, so replies keep their order.
What is still not through then is handed back to the outbox with backoff and the chat is
*behind*: its next turns leave their replies to :meth:`Delivery.pump` too, which sends each
chat's replies oldest first, and also takes over replies whose turn died between the commit and
the send (their lease ran out).

Exactly-once is not possible over an API without idempotency keys; the choice here: a call
Telegram answered is final — success is recorded (the row deleted) and never repeated, and a
refusal for good (400, 403) is not retried either. A call whose answer is unknown (it timed out,
or the process died before the outcome was written) is made again: Telegram may have taken it,
and then the person sees it twice, but a lost reply leaves them at a question with nothing to
tap, which is worse. Calls wait up to ``bot.telegram_http.CALL_READ_TIMEOUT`` seconds for the
answer, so a merely slow Telegram does not count as unknown.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import CallbackContext, JobQueue

from bot.dispatch import paused_groups
from bot.rate_limiter import retry_after_seconds
from bot.render import buttons_key_of
from bot.runtime import Runtime, RuntimeApp
from bot.services import flows, groups, outbox
from bot.services.outbox import Reply
from bot.services.users import mark_blocked
from bot.telegram_bot import ReboundBot

log = logging.getLogger("rebound.delivery")

Call = dict[str, Any]
T = TypeVar("T")

INLINE_BUDGET = 20.0  # seconds a turn retries its own replies before the outbox takes them
FIRST_RETRY = 0.5  # seconds before the first retry; doubled each time
PUMP_INTERVAL = 5.0  # seconds between looks for replies due again
PUMP_CHATS = 8  # chats the pump sends to at once (each chat's replies one after another)
PUMP_BUDGET = 5.0  # seconds the pump retries one reply before backing off in the outbox
# A call as built by a turn also carries its buttons as PTB built them, for the turn's own
# sends: building them again from the JSON cost ~0.3 ms a keyboard. Never stored (the outbox
# leaves out outbox.IN_MEMORY); a call read back from the outbox has only the JSON.
KEYBOARD = outbox.IN_MEMORY


def send_call(
    text: str, markup: InlineKeyboardMarkup | None, thread_id: int | None, prompt: str | None
) -> Call:
    """A new message; ``prompt``: the question it asks, noted once sent (flows.remember_prompt)."""
    return {
        "m": "send",
        "text": text,
        "markup": markup.to_dict() if markup else None,
        "thread": thread_id,
        "prompt": prompt,
        KEYBOARD: markup,
    }


def buttons_call(message_id: int, markup: InlineKeyboardMarkup | None) -> Call:
    """New buttons (or none) on an earlier message."""
    return {
        "m": "buttons",
        "id": message_id,
        "markup": markup.to_dict() if markup else None,
        KEYBOARD: markup,
    }


def text_call(message_id: int, text: str, markup: InlineKeyboardMarkup | None) -> Call:
    """An earlier message rewritten (a page button's next page)."""
    return {
        "m": "text",
        "id": message_id,
        "text": text,
        "markup": markup.to_dict() if markup else None,
        KEYBOARD: markup,
    }


def transient(error: BaseException) -> bool:
    """Worth trying again: Telegram or the network failed, not the request. (PTB raises 5xx
    answers as NetworkError; BadRequest is a NetworkError subclass but final.)"""
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def _retry_after(error: BaseException) -> float | None:
    return retry_after_seconds(error) if isinstance(error, RetryAfter) else None


async def retrying(make: Callable[[], Awaitable[T]], budget: float) -> T:
    """``make()``, again after a transient failure (0.5 s, 1 s, 2 s, ... or Telegram's
    retry_after) while within ``budget`` seconds; then the failure is raised."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget
    pause = FIRST_RETRY
    while True:
        try:
            return await make()
        except TelegramError as exc:
            wait = _retry_after(exc) or pause
            if not transient(exc) or loop.time() + wait > deadline:
                raise
            log.info("Bot API call failed (%s); again in %.1f s", type(exc).__name__, wait)
            await asyncio.sleep(wait)
            pause *= 2


def unchanged_or_gone(error: BadRequest) -> bool:
    """An edit with nothing to do: the message already shows this ("not modified", e.g. a
    double tap) or the person deleted it. What they answered is stored either way."""
    reason = error.message.lower()
    return "not modified" in reason or "message to edit not found" in reason


def group_gone(error: BaseException | None) -> bool:
    """Whether Telegram refused a group call because the group is gone for the bot: removed
    (403) or deleted (400 "chat not found"; a basic group's 403 "the group chat was deleted").
    A muted bot's refusal is a 400 too, but not this (bot.services.groups.cannot_post)."""
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and groups.gone(error.message)


@dataclass
class Outcome:
    """What came of making a reply's calls."""

    left: list[Call] = field(default_factory=list)  # not through yet (transient failures)
    wait: float | None = None  # Telegram's retry_after, when that was the failure
    refused: TelegramError | None = None  # refused for good: not retried, raised/logged
    prompts: list[tuple[str, int]] = field(default_factory=list)  # (question, message id)
    sent: list[tuple[int, Call]] = field(default_factory=list)  # new messages: (id, call)
    unsure: list[int] = field(default_factory=list)  # messages whose edit failed
    deferred: bool = False  # not tried: left to the pump, behind the chat's older replies
    moved_to: int | None = None  # the group became this supergroup (Telegram said so)


def markup_of(call: Call, bot: ReboundBot) -> InlineKeyboardMarkup | None:
    """The buttons a call puts on its message (as the turn built them, when it did)."""
    built: InlineKeyboardMarkup | None = call.get(KEYBOARD)
    if built is not None:
        return built
    return InlineKeyboardMarkup.de_json(call["markup"], bot) if call["markup"] else None


async def _make(bot: ReboundBot, chat_id: int, call: Call) -> int | None:
    markup = markup_of(call, bot)
    if call["m"] == "send":
        return await bot.send_text(
            chat_id, call["text"], reply_markup=markup, message_thread_id=call["thread"]
        )
    try:
        if call["m"] == "buttons":
            await bot.set_buttons(chat_id, call["id"], markup)
        else:
            await bot.edit_message_text(
                call["text"], chat_id, call["id"], parse_mode="HTML", reply_markup=markup
            )
    except BadRequest as exc:
        if not unchanged_or_gone(exc):
            raise
    return None


async def _moved(bot: ReboundBot, chat_id: int, call: Call, outcome: Outcome) -> int | None:
    """``call`` in ``chat_id``, or, once Telegram says the group became a supergroup ("group
    chat was upgraded", ChatMigrated), a new message there; an edit of a message left behind
    in the old group is let go (the old group is closed for good)."""
    target = outcome.moved_to or chat_id
    if outcome.moved_to is not None and call["m"] != "send":
        return None
    try:
        return await _make(bot, target, call)
    except ChatMigrated as exc:
        outcome.moved_to = int(exc.new_chat_id)
        if call["m"] != "send" or outcome.moved_to == target:
            return None
        return await _make(bot, outcome.moved_to, call)


async def _in_order(
    bot: ReboundBot, chat_id: int, calls: list[Call], budget: float, outcome: Outcome
) -> None:
    for index, call in enumerate(calls):
        try:
            make = functools.partial(_moved, bot, chat_id, call, outcome)
            message_id = await retrying(make, budget)
        except TelegramError as exc:
            if transient(exc):
                outcome.left += calls[index:]
                outcome.wait = _retry_after(exc)
            elif outcome.refused is None:
                outcome.refused = exc
            outcome.unsure += [later["id"] for later in calls[index:] if later["m"] != "send"]
            return
        if message_id is not None:
            outcome.sent.append((message_id, call))
            if call.get("prompt"):
                outcome.prompts.append((call["prompt"], message_id))


async def make_calls(bot: ReboundBot, chat_id: int, calls: list[Call], budget: float) -> Outcome:
    """Edits of earlier messages and new messages go side by side (each a round trip the
    person waits for); each kind in its own order. A failure stops its kind there."""
    outcome = Outcome()
    edits = [call for call in calls if call["m"] != "send"]
    sends = [call for call in calls if call["m"] == "send"]
    if edits and sends:
        await asyncio.gather(
            _in_order(bot, chat_id, edits, budget, outcome),
            _in_order(bot, chat_id, sends, budget, outcome),
        )
    else:  # one kind: made here, without two tasks to run it and nothing beside it
        await _in_order(bot, chat_id, edits or sends, budget, outcome)
    return outcome


@dataclass
class _Note:
    """What came of one reply, to be written down (:meth:`Delivery.settle`)."""

    chat_id: int
    user_id: int | None
    reply_id: int
    attempts: int
    outcome: Outcome


class _Notes:
    """Group commit for what came of replies: every note waiting when a transaction starts is
    written in it, and each writer waits until its own note is committed, as if alone. One
    person's turn writes its note in a transaction of its own, as before; in a burst, the notes
    of the turns that finished while one transaction ran share the next one (a transaction per
    note cost as much as the turn's own on SQLite, where BEGIN and COMMIT are hand-overs to
    the driver's thread)."""

    BATCH = 64  # notes per transaction at most: a few small statements each

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self._waiting: list[tuple[_Note, asyncio.Future[tuple[bool, list[int]]]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, note: _Note) -> tuple[bool, list[int]]:
        """Commit ``note``; returns whether the reply was parked, and the messages whose
        question was answered before they were noted."""
        done: asyncio.Future[tuple[bool, list[int]]] = asyncio.get_running_loop().create_future()
        self._waiting.append((note, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="delivery-notes")
        return await done

    async def _drain(self) -> None:
        while self._waiting:
            batch = self._waiting[: self.BATCH]
            del self._waiting[: self.BATCH]
            try:
                results = await self._commit([note for note, _done in batch])
            except Exception as exc:
                for _note, done in batch:
                    if not done.done():  # its turn may have been cancelled meanwhile
                        done.set_exception(exc)
            except BaseException:  # cancelled (shutdown): nobody is left waiting for good
                for _note, done in [*batch, *self._waiting]:
                    done.cancel()
                raise
            else:
                for (_note, done), result in zip(batch, results, strict=True):
                    if not done.done():
                        done.set_result(result)

    async def _commit(self, notes: list[_Note]) -> list[tuple[bool, list[int]]]:
        now = self.rt.clock.now()
        results = []
        async with self.rt.small_transaction() as session:
            delivered = [note.reply_id for note in notes if not note.outcome.left]
            # A group's refused reply: the win it would have celebrated is not counted (read
            # from the rows before they go). Rare: no statement at all when none was refused.
            await groups.not_posted(
                session, [note.reply_id for note in notes if _unseen(note, refused=True)]
            )
            await outbox.replies_delivered(session, delivered)
            parked = [
                bool(note.outcome.left)
                and await outbox.reply_again(
                    session,
                    note.reply_id,
                    note.outcome.left,
                    note.attempts,
                    now,
                    note.outcome.wait,
                    posted=bool(note.outcome.sent),
                )
                for note in notes
            ]
            given_up = [
                note.reply_id
                for note, was_parked in zip(notes, parked, strict=True)
                if was_parked and _unseen(note, refused=False)
            ]
            await groups.not_posted(session, given_up)
            # Which message asks each open question: one statement for the batch.
            prompts = [
                (note.chat_id, note.user_id, key, message_id)
                for note in notes
                if note.user_id is not None
                for key, message_id in note.outcome.prompts
            ]
            stale = set(await flows.remember_prompts(session, prompts)) if prompts else set()
        for note, was_parked in zip(notes, parked, strict=True):
            answered = [
                message_id
                for key, message_id in note.outcome.prompts
                if (note.chat_id, note.user_id, key, message_id) in stale
            ]  # their questions were answered before they were noted: buttons to go
            results.append((was_parked, answered))
        return results


def _unseen(note: _Note, *, refused: bool) -> bool:
    """Whether a group reply ended with none of its new messages posted: refused for good
    (``refused``), or given up on (parked). Once its first message is out (the celebration
    of a win), the rest failing takes nothing back."""
    outcome = note.outcome
    ended = outcome.refused is not None if refused else bool(outcome.left)
    return note.chat_id < 0 and ended and not outcome.sent


class Delivery:
    """One per application: which chats are behind, and the pump that catches them up."""

    def __init__(self, app: RuntimeApp, rt: Runtime) -> None:
        self.app = app
        self.rt = rt
        self.notes = _Notes(self.rt)
        self.behind: set[int] = set()  # chats with replies left to the pump
        self._loaded = False
        self._pumping: asyncio.Task[None] | None = None
        self._again = False

    @property
    def bot(self) -> ReboundBot:
        bot = self.app.bot
        assert isinstance(bot, ReboundBot)  # bot.app builds one
        return bot

    async def _load(self) -> None:
        """Once per process: chats an earlier run left replies for are behind."""
        if not self._loaded:
            async with self.rt.small_transaction() as session:
                self.behind |= await outbox.chats_with_replies_waiting(session)
            self._loaded = True

    async def deliver(self, chat_id: int, reply_id: int, calls: list[Call]) -> Outcome:
        """A turn's own replies, right after its commit (the chat's send turn held). If the
        chat is behind, they wait for the pump instead, after the older ones."""
        await self._load()
        if chat_id in self.behind:
            async with self.rt.small_transaction() as session:
                waiting = await outbox.replies_waiting(session, chat_id, before=reply_id)
                if waiting:
                    await outbox.hand_back_replies(session, [reply_id])
            if waiting:
                self.kick()
                return Outcome(deferred=True)
            self.behind.discard(chat_id)
        outcome = await make_calls(self.bot, chat_id, calls, INLINE_BUDGET)
        if outcome.left:
            self.behind.add(chat_id)  # before the chat's next turn may send
        return outcome

    async def settle(
        self, chat_id: int, user_id: int | None, reply_id: int, attempts: int, outcome: Outcome
    ) -> None:
        """Write down what came of a reply: delivered (deleted), or what is left, with backoff;
        which messages ask the open questions; when Telegram said the group became a
        supergroup, that the group (its settings, schedule and waiting replies) moved there;
        and when it said the group is gone for the bot, that its posts stop."""
        if outcome.deferred:
            return
        parked, stale = await self.notes.write(_Note(chat_id, user_id, reply_id, attempts, outcome))
        if parked:
            log.error("reply %s parked after %d attempts", reply_id, attempts)
        if outcome.moved_to is not None:
            log.info("group %s is now supergroup %s", chat_id, outcome.moved_to)
            async with self.rt.small_transaction() as session:
                await groups.migrated(session, chat_id, outcome.moved_to, self.rt.clock.now())
        if chat_id < 0 and group_gone(outcome.refused):
            # Removed, or deleted (at its new id, if it moved on the way): its posts stop.
            where = outcome.moved_to or chat_id
            async with self.rt.small_transaction() as session:
                stopped = await groups.left(session, where, self.rt.clock.now())
            if stopped:
                log.info("the bot is no longer in chat %s; its group posts stop", where)
        shown = self.rt.shown
        for message_id, call in outcome.sent:
            if call["markup"]:
                where = outcome.moved_to or chat_id
                shown.sent(where, message_id, call["text"], buttons_key_of(call["markup"]))
        for message_id in outcome.unsure:
            shown.forget(chat_id, message_id)
        for message_id in stale:
            await self.strip(chat_id, message_id)

    async def strip(self, chat_id: int, message_id: int) -> None:
        """Remove a question's buttons (it was answered before its message was noted)."""
        if not self.rt.shown.edit(chat_id, message_id, None):
            return  # already gone
        call = functools.partial(_make, self.bot, chat_id, buttons_call(message_id, None))
        try:
            await retrying(call, PUMP_BUDGET)
        except TelegramError:  # a leftover keyboard is harmless: taps on it are checked
            self.rt.shown.forget(chat_id, message_id)

    def kick(self) -> None:
        """Run the pump now (or once more, if it is running)."""
        if self._pumping is not None and not self._pumping.done():
            self._again = True
            return
        self._pumping = self.app.create_task(self._pump(), name="reply-pump")

    async def _pump(self) -> None:
        await self.pump()

    def schedule(self, job_queue: JobQueue[Any]) -> None:
        """Look for replies due again every ``PUMP_INTERVAL`` seconds."""
        job_queue.run_repeating(
            self._tick, interval=PUMP_INTERVAL, first=PUMP_INTERVAL, name="reply-pump"
        )

    async def _tick(self, _context: CallbackContext[Any, Any, Any, Any]) -> None:
        self.kick()

    async def pump(self) -> int:
        """Send every reply that is due again or whose turn died, chat by chat in order, until
        none is left; returns how many were delivered."""
        await self._load()
        delivered = 0
        gate = asyncio.Semaphore(PUMP_CHATS)

        async def one_chat(replies: list[Reply]) -> int:
            async with gate:
                return await self._catch_up(replies)

        while not self.rt.stopping.is_set():
            self._again = False
            async with self.rt.small_transaction() as session:
                replies = await outbox.claim_replies(session, self.rt.clock.now())
            if not replies:
                if self._again:
                    continue
                break
            chats: dict[int, list[Reply]] = {}
            for reply in replies:
                chats.setdefault(reply.chat_id, []).append(reply)
            done = await asyncio.gather(*(one_chat(rows) for rows in chats.values()))
            delivered += sum(done)
        return delivered

    async def _muted(self, chat_id: int, refused: TelegramError | None) -> bool:
        """Whether a group reply was refused because an admin took the bot's right to send
        messages there: then, as for a scheduled post (bot.dispatch.paused_groups), the
        group's posts pause and its admins are told."""
        if not isinstance(refused, BadRequest) or groups.cannot_post(refused.message) is None:
            return False
        async with self.rt.small_transaction() as session:
            group = await groups.by_chat(session, chat_id)
        if group is not None and groups.cannot_post(refused.message) == groups.NO_RIGHTS:
            await paused_groups.cannot_post(self.rt, self.bot, group.id, chat_id, refused)
        return True

    async def _catch_up(self, replies: list[Reply]) -> int:
        """One chat's claimed replies, oldest first, stopping at the first that fails."""
        for index, reply in enumerate(replies):
            outcome = await make_calls(self.bot, reply.chat_id, reply.calls, PUMP_BUDGET)
            if reply.chat_id < 0 and group_gone(outcome.refused):
                # Removed from the group (or it was deleted) while this reply waited: as on the
                # turn's own path (handlers.errors), its posts stop and nothing there is tried
                # again (settle); the person who wrote there did not block anyone.
                await self.settle(reply.chat_id, reply.user_id, reply.id, reply.attempts, outcome)
                self.behind.discard(reply.chat_id)
                return index + 1
            if isinstance(outcome.refused, Forbidden) and reply.user_id is not None:
                async with self.rt.small_transaction() as session:
                    await mark_blocked(session, reply.user_id, self.rt.clock.now())
            elif reply.chat_id < 0 and await self._muted(reply.chat_id, outcome.refused):
                pass  # the group's posts are paused and its admins told
            elif outcome.refused is not None:
                log.error(
                    "reply %s refused: %s", reply.id, type(outcome.refused).__name__
                )  # not retried: it would be refused again
            await self.settle(reply.chat_id, reply.user_id, reply.id, reply.attempts, outcome)
            if outcome.left:
                self.behind.add(reply.chat_id)
                async with self.rt.small_transaction() as session:
                    await outbox.hand_back_replies(session, [r.id for r in replies[index + 1 :]])
                return index
        return len(replies)
