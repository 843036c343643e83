"""The one periodic job: move due check-ins and reviews into the outbox, then send what the
outbox says is due, recording each outcome (see bot.services.schedule and .outbox).

Sends go through the bot's rate limiter at scheduled priority (bot.rate_limiter): paced to
Telegram's limits, after any reply a person is waiting for. A run keeps going while there is
work, so a burst of thousands goes out steadily at what replies leave of ~30 messages a second
instead of in fits between job runs.
On shutdown (``Runtime.stopping``) it stops claiming and sending and hands back what it had
claimed but not sent."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import CallbackContext, JobQueue

from bot.db.models import Group, User
from bot.dispatch.kinds import Kinds
from bot.dispatch.paused_groups import cannot_post
from bot.dispatch.weekly_chart import send_review_with_chart
from bot.rate_limiter import Withdrawn, retry_after_seconds, scheduled_sends
from bot.render import Renderer
from bot.runtime import Runtime
from bot.services import groups, outbox, privacy, schedule, stats
from bot.services.outbox import Claimed
from bot.services.replies import Say
from bot.services.users import mark_blocked

log = logging.getLogger("rebound.scheduled")

INTERVAL_SECONDS = 30
BATCH = 200  # claimed at once: about 7 seconds of sending
PREPARE_CHUNK = 10  # messages built per transaction, so people chatting get the database too
CONCURRENCY = 32  # sends started at most (most wait in the rate limiter, which sets the pace)
MATERIALIZE_SLICE = 0.5  # seconds of moving schedules into the outbox between batches
STOP_GRACE = 5.0  # seconds sends already under way get to finish once stopping
RETENTION_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Job:
    item: Claimed
    reply: Say
    language: str | None
    thread_id: int | None = None
    week: stats.WeekData | None = None  # the weekly review's chart, its text as the caption


@dataclass
class Outcomes:
    sent: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)
    kicked: list[int] = field(default_factory=list)
    failed: list[tuple[Claimed, float | None]] = field(default_factory=list)
    unsent: list[int] = field(default_factory=list)  # claimed, not tried: handed back
    migrated: list[tuple[int, int]] = field(default_factory=list)  # group (old id, new id)


@dataclass
class Dispatcher:
    """The outbox worker, one per Application (bot.app builds it; features register the kinds
    they send in ``kinds``)."""

    rt: Runtime
    bot: Bot
    kinds: Kinds = field(default_factory=Kinds)
    retention_at: datetime | None = None  # when old data was last purged (at most hourly)
    task: asyncio.Task[int] | None = None  # the run under way, if any

    def schedule(self, job_queue: JobQueue[Any]) -> None:
        """Run every ``INTERVAL_SECONDS``."""
        job_queue.run_repeating(
            self._tick, interval=INTERVAL_SECONDS, first=INTERVAL_SECONDS, name="dispatch"
        )

    async def _tick(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Start a run unless one is still working through a backlog. The run is its own task
        so the job returns at once: runs never overlap and the scheduler never has to skip (and
        warn about) a tick; ``Application.stop`` waits for the task."""
        if self.task is not None and not self.task.done():
            return
        self.task = context.application.create_task(self.run(), name="dispatch")

    async def run(self) -> int:
        """Everything due now, batch by batch, until nothing is left or the bot is stopping;
        returns how many were sent. Due schedules move into the outbox a slice at a time
        between batches, so sending starts at once even when a hundred thousand fall due
        together."""
        rt = self.rt
        total = 0
        await self._retention()
        more, materialized_at = True, -math.inf
        while not rt.stopping.is_set():
            if more or time.monotonic() - materialized_at >= INTERVAL_SECONDS:
                more = await self._materialize()
                materialized_at = time.monotonic()
            sent, claimed = await self._one_batch()
            total += sent
            rt.dispatched_at = time.monotonic()  # progress, for /healthz
            if claimed < BATCH and not more:
                break
            await asyncio.sleep(0)  # let waiting updates in between batches
        return total

    async def _materialize(self) -> bool:
        """Move due schedules into the outbox for up to ``MATERIALIZE_SLICE`` seconds, a
        transaction per pass; True when some are still waiting."""
        rt = self.rt
        started = time.monotonic()
        while not rt.stopping.is_set():
            async with rt.sessions() as session, session.begin():
                materialized = await schedule.materialize(session, rt.clock.now())
            if not materialized.more:
                return False
            if time.monotonic() - started >= MATERIALIZE_SLICE:
                return True
            await asyncio.sleep(0)
        return True

    async def _retention(self) -> None:
        """At most hourly: delete old check-ins and erase people long gone (see /privacy)."""
        rt = self.rt
        now = rt.clock.now()
        if self.retention_at is not None and now - self.retention_at < RETENTION_EVERY:
            return
        self.retention_at = now
        settings = rt.settings
        async with rt.sessions() as session, session.begin():
            checkins_gone, people_gone = await privacy.purge(
                session, now, settings.checkin_retention_days, settings.inactive_purge_days
            )
        if checkins_gone or people_gone:
            log.info(
                "retention: %d old check-ins, %d inactive people erased",
                checkins_gone,
                people_gone,
            )

    async def _one_batch(self) -> tuple[int, int]:
        """Claim a batch, build its messages, send them, then record every outcome (and hand
        back what was not sent) in one transaction; returns (sent, claimed)."""
        rt = self.rt
        async with rt.sessions() as session, session.begin():
            items = await outbox.claim_due(session, rt.clock.now(), BATCH)
        if not items:
            return 0, 0
        outcomes = Outcomes()
        work: list[Job] = []
        for start in range(0, len(items), PREPARE_CHUNK):
            work += await self._prepare_chunk(items[start : start + PREPARE_CHUNK], outcomes)
        await self._send_paced(work, outcomes)
        await _record(rt, outcomes)
        return len(outcomes.sent), len(items)

    async def _prepare_chunk(self, items: list[Claimed], outcomes: Outcomes) -> list[Job]:
        """Build the messages for ``items`` in one transaction. A builder that fails gets its
        item retried later with backoff (and parked in the end); the rest of the chunk is built
        again in a fresh transaction, since the failed one's writes are gone."""
        rt = self.rt
        if rt.stopping.is_set():
            outcomes.unsent += [item.id for item in items]
            return []
        remaining = list(items)
        while True:
            work: list[Job] = []
            dropped: list[int] = []
            current: Claimed | None = None
            try:
                async with rt.sessions() as session, session.begin():
                    await _load_recipients(session, remaining)
                    for current in remaining:
                        job = await self._prepare(session, current)
                        if job is None:
                            dropped.append(current.id)
                        else:
                            work.append(job)
                    current = None
                    await outbox.record_dropped(session, dropped)
            except Exception as exc:
                if current is None:
                    raise
                log.error(
                    "building scheduled %s %s failed: %s",
                    current.kind,
                    current.id,
                    type(exc).__name__,
                )
                outcomes.failed.append((current, None))
                remaining.remove(current)
                continue
            return work

    async def _prepare(self, session: AsyncSession, item: Claimed) -> Job | None:
        """What to send for ``item``, or None if moot."""
        if item.group_id is not None:
            group = await session.get(Group, item.group_id)
            group_build = self.kinds.groups.get(item.kind)
            if group is None or group_build is None:
                return None
            reply = await group_build(session, item, group)
            return Job(item, reply, group.locale, group.thread_id) if reply else None
        user = await session.get(User, item.user_id) if item.user_id else None
        kind = self.kinds.people.get(item.kind)
        if user is None or kind is None:
            return None
        reply = await kind.build(session, item, user)
        week = await stats.week(session, user, item.due_at) if kind.week_chart else None
        return Job(item, reply, user.language, week=week) if reply else None

    async def _send_paced(self, work: list[Job], outcomes: Outcomes) -> None:
        """Start the sends, a bounded number in flight, each paced by the rate limiter at
        scheduled priority (replies to people go first). Once stopping: start no more, give
        the ones under way ``STOP_GRACE`` seconds, and count everything else as unsent (a send
        cut off mid-request may have arrived: at most one repeat, never a loss)."""
        stopping = self.rt.stopping
        gate = asyncio.Semaphore(CONCURRENCY)
        running: dict[asyncio.Task[None], Job] = {}

        async def send(job: Job) -> None:
            try:
                with scheduled_sends(stopping):
                    await self._send(job, outcomes)
            except Withdrawn:  # stopping, and it had not reached Telegram: send it next time
                outcomes.unsent.append(job.item.id)
            finally:
                gate.release()

        for index, job in enumerate(work):
            if not await _place(gate, stopping):
                outcomes.unsent += [later.item.id for later in work[index:]]
                break
            running[asyncio.create_task(send(job))] = job
        if not running:
            return
        under_way = set(running)
        if not stopping.is_set():  # until they are all done, or stopping (see STOP_GRACE)
            stop = asyncio.create_task(_until(stopping))
            while under_way and not stop.done():
                _done, under_way = await asyncio.wait(
                    {*under_way, stop}, return_when=asyncio.FIRST_COMPLETED
                )
                under_way.discard(stop)
            stop.cancel()
        if under_way:
            _done, cut = await asyncio.wait(under_way, timeout=STOP_GRACE)
            for task in cut:
                task.cancel()
            if cut:
                await asyncio.wait(cut)
            outcomes.unsent += [running[task].item.id for task in cut]

    async def _send(self, job: Job, outcomes: Outcomes, chat_id: int | None = None) -> None:
        item = job.item
        chat_id = item.chat_id if chat_id is None else chat_id
        if item.group_id is not None and chat_id in outcomes.kicked:
            outcomes.dropped.append(item.id)  # the group is gone: refused already this round
            return
        renderer = Renderer(self.rt.content.texts(job.language))
        try:
            sent = job.week is not None and await send_review_with_chart(
                self.bot, self.rt.drawing, chat_id, renderer, job.reply, job.week
            )
            for message in [] if sent else renderer.messages([job.reply]):
                await self.bot.send_message(
                    chat_id,
                    message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.markup,
                    message_thread_id=job.thread_id,
                )
        except ChatMigrated as exc:  # the group became a supergroup: send there, move it there
            new_id = int(exc.new_chat_id)
            if item.group_id is None or new_id == chat_id:
                outcomes.failed.append((item, None))
                return
            outcomes.migrated.append((chat_id, new_id))
            await self._send(job, outcomes, new_id)
        except Forbidden:
            outcomes.dropped.append(item.id)
            if item.group_id is not None:
                outcomes.kicked.append(chat_id)
            elif item.user_id is not None:
                outcomes.blocked.append(item.user_id)
        except RetryAfter as exc:
            outcomes.failed.append((item, retry_after_seconds(exc)))
        except BadRequest as exc:
            if item.group_id is not None and groups.gone(exc.message):
                # Deleted (a supergroup answers "chat not found"): as when removed, for good.
                outcomes.dropped.append(item.id)
                outcomes.kicked.append(chat_id)
                return
            await self._refused(item, chat_id, exc, outcomes)
        except TelegramError as exc:
            await self._refused(item, chat_id, exc, outcomes)
        else:
            outcomes.sent.append(item.id)

    async def _refused(
        self, item: Claimed, chat_id: int, exc: TelegramError, outcomes: Outcomes
    ) -> None:
        if item.group_id is not None and await cannot_post(
            self.rt, self.bot, item.group_id, chat_id, exc
        ):
            outcomes.dropped.append(item.id)  # can never succeed: the group is paused
            return
        log.warning("scheduled %s %s failed: %s", item.kind, item.id, type(exc).__name__)
        outcomes.failed.append((item, None))


async def _load_recipients(session: AsyncSession, items: list[Claimed]) -> None:
    """The chunk's people and groups in two queries; ``session.get`` then finds them in the
    identity map instead of asking the database once per message."""
    people = [item.user_id for item in items if item.user_id is not None]
    groups_ = [item.group_id for item in items if item.group_id is not None]
    if people:
        await session.execute(select(User).where(outbox.ids_in(session, User.id, people)))
    if groups_:
        await session.execute(select(Group).where(outbox.ids_in(session, Group.id, groups_)))


async def _until(event: asyncio.Event) -> None:
    await event.wait()


async def _place(gate: asyncio.Semaphore, stopping: asyncio.Event) -> bool:
    """A free place among the sends in flight (True), or False as soon as stopping is set."""
    if stopping.is_set():
        return False
    if not gate.locked():
        return await gate.acquire()
    acquiring = asyncio.ensure_future(gate.acquire())
    stop = asyncio.ensure_future(stopping.wait())
    await asyncio.wait({acquiring, stop}, return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    acquiring.cancel()
    acquired: bool
    try:
        acquired = await acquiring  # True if it won before the cancel
    except asyncio.CancelledError:
        acquired = False
    if acquired and stopping.is_set():
        gate.release()
        return False
    return acquired


async def _record(rt: Runtime, outcomes: Outcomes) -> None:
    """Every outcome of a batch in one transaction, including handing back the unsent."""
    async with rt.sessions() as session, session.begin():
        finished = rt.clock.now()
        await outbox.record_sent(session, outcomes.sent, finished)
        await outbox.record_dropped(session, outcomes.dropped)
        await outbox.release(session, outcomes.unsent)
        for old_id, new_id in outcomes.migrated:
            await groups.migrated(session, old_id, new_id, finished)
        for user_id in outcomes.blocked:
            await mark_blocked(session, user_id, finished)
        for item, wait in outcomes.failed:
            if await outbox.record_failure(session, item.id, item.attempts, finished, wait):
                log.error(
                    "scheduled %s %s parked after %d attempts", item.kind, item.id, item.attempts
                )
        # After the failures: a gone group's other posts, due again, are cancelled with it.
        for chat_id in dict.fromkeys(outcomes.kicked):
            if await groups.left(session, chat_id, finished):
                log.info("the bot is no longer in chat %s; its group posts stop", chat_id)
    if outcomes.unsent:
        log.info("stopping: handed back %d claimed messages", len(outcomes.unsent))
