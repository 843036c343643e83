"""The one periodic job: move due check-ins and reviews into the outbox, then send what the
outbox says is due, recording each outcome (see bot.services.schedule and .outbox)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.db.models import Group, ScheduledMessage, User
from bot.runtime import Runtime, RuntimeApp
from bot.services import (
    admin,
    checkins,
    feedback,
    groups,
    nudges,
    outbox,
    privacy,
    reflection,
    schedule,
)
from bot.services.replies import Say
from bot.services.users import mark_blocked
from handlers.render import Renderer

log = logging.getLogger("rebound.scheduled")

INTERVAL_SECONDS = 30
BATCH = 200
CONCURRENCY = 16  # the rate limiter, not this, sets the pace
TIME_BUDGET = 25.0  # seconds per run, so runs do not pile up
RETENTION_EVERY = timedelta(hours=1)

Builder = Callable[[AsyncSession, ScheduledMessage, User], Awaitable[Say | None]]
GroupBuilder = Callable[[AsyncSession, ScheduledMessage, Group], Awaitable[Say | None]]


@dataclass(frozen=True)
class Job:
    item: ScheduledMessage
    reply: Say
    language: str | None
    thread_id: int | None = None


async def _checkin(session: AsyncSession, _item: ScheduledMessage, user: User) -> Say | None:
    return checkins.prompt(await checkins.count(session, user.id))


async def _review(session: AsyncSession, item: ScheduledMessage, user: User) -> Say | None:
    return await checkins.weekly_review(session, user, item.due_at)


async def _reflect_reminder(_s: AsyncSession, _i: ScheduledMessage, _u: User) -> Say | None:
    return reflection.reminder_message()


async def _feedback_check(session: AsyncSession, item: ScheduledMessage, _u: User) -> Say | None:
    return await feedback.check_for(session, item.ref_id)


async def _snoozed_nudge(session: AsyncSession, item: ScheduledMessage, user: User) -> Say | None:
    nudge = await nudges.mine(session, user.id, item.ref_id) if item.ref_id else None
    return await nudges.again(session, nudge) if nudge and nudge.outcome == "snoozed" else None


async def _broadcast(_s: AsyncSession, item: ScheduledMessage, _u: User) -> Say | None:
    return admin.broadcast_message(str(item.payload.get("text", "")))


async def _group_checkin(session: AsyncSession, item: ScheduledMessage, group: Group) -> Say | None:
    return await groups.start_checkin(session, group, item.due_at)


async def _group_recap(session: AsyncSession, item: ScheduledMessage, group: Group) -> Say | None:
    return await groups.recap(session, group, item.due_at)


GROUP_BUILDERS: dict[str, GroupBuilder] = {
    groups.CHECKIN: _group_checkin,
    groups.RECAP: _group_recap,
}

# What each kind of scheduled message says; None means it is no longer needed.
BUILDERS: dict[str, Builder] = {
    schedule.CHECKIN: _checkin,
    schedule.REVIEW: _review,
    reflection.REMINDER: _reflect_reminder,
    feedback.CHECK: _feedback_check,
    nudges.SNOOZE: _snoozed_nudge,
    admin.BROADCAST: _broadcast,
}


@dataclass
class Outcomes:
    sent: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)
    kicked: list[int] = field(default_factory=list)
    failed: list[tuple[ScheduledMessage, float | None]] = field(default_factory=list)


async def dispatch_due(app: RuntimeApp) -> int:
    """Everything due now, batch by batch, within a time budget; returns how many were sent."""
    rt: Runtime = app.bot_data["runtime"]
    started, total = time.monotonic(), 0
    await _retention(app, rt)
    while time.monotonic() - started < TIME_BUDGET:
        async with rt.sessions() as session, session.begin():
            materialized = await schedule.materialize(session, rt.clock.now())
        if not materialized.more:
            break
        await asyncio.sleep(0)  # let waiting updates in between batches
    while time.monotonic() - started < TIME_BUDGET:
        sent, claimed = await _one_batch(app, rt)
        total += sent
        if claimed < BATCH:
            break
    return total


async def _retention(app: RuntimeApp, rt: Runtime) -> None:
    """At most hourly: delete old check-ins and erase people long gone (see /privacy)."""
    now = rt.clock.now()
    last = app.bot_data.get("retention_at")
    if last is not None and now - last < RETENTION_EVERY:
        return
    app.bot_data["retention_at"] = now
    settings = rt.settings
    async with rt.sessions() as session, session.begin():
        checkins_gone, people_gone = await privacy.purge(
            session, now, settings.checkin_retention_days, settings.inactive_purge_days
        )
    if checkins_gone or people_gone:
        log.info(
            "retention: %d old check-ins, %d inactive people erased", checkins_gone, people_gone
        )


async def _one_batch(app: RuntimeApp, rt: Runtime) -> tuple[int, int]:
    now = rt.clock.now()
    outcomes = Outcomes()
    work: list[Job] = []
    async with rt.sessions() as session, session.begin():
        items = await outbox.claim_due(session, now, BATCH)
        for item in items:
            job = await _prepare(session, item)
            if job is None:
                outcomes.dropped.append(item.id)
            else:
                work.append(job)
        await outbox.record_dropped(session, outcomes.dropped)
        outcomes.dropped.clear()
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(job: Job) -> None:
        async with gate:
            await _send(app, rt, job, outcomes)

    await asyncio.gather(*(send(job) for job in work))
    async with rt.sessions() as session, session.begin():
        finished = rt.clock.now()
        await outbox.record_sent(session, outcomes.sent, finished)
        await outbox.record_dropped(session, outcomes.dropped)
        for user_id in outcomes.blocked:
            await mark_blocked(session, user_id, finished)
        for chat_id in outcomes.kicked:
            await groups.left(session, chat_id, finished)
        for item, wait in outcomes.failed:
            if await outbox.record_failure(session, item.id, item.attempts, finished, wait):
                log.error(
                    "scheduled %s %s parked after %d attempts", item.kind, item.id, item.attempts
                )
    return len(outcomes.sent), len(items)


async def _prepare(session: AsyncSession, item: ScheduledMessage) -> Job | None:
    """What to send for ``item`` (built inside the claiming transaction), or None if moot."""
    if item.group_id is not None:
        group = await session.get(Group, item.group_id)
        group_build = GROUP_BUILDERS.get(item.kind)
        if group is None or group_build is None:
            return None
        reply = await group_build(session, item, group)
        return Job(item, reply, None, group.thread_id) if reply else None
    user = await session.get(User, item.user_id) if item.user_id else None
    build = BUILDERS.get(item.kind)
    if user is None or build is None:
        return None
    reply = await build(session, item, user)
    return Job(item, reply, user.language_code) if reply else None


async def _send(app: RuntimeApp, rt: Runtime, job: Job, outcomes: Outcomes) -> None:
    item = job.item
    renderer = Renderer(rt.content.texts(job.language))
    try:
        for message in renderer.messages([job.reply]):
            await app.bot.send_message(
                item.chat_id,
                message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=message.markup,
                message_thread_id=job.thread_id,
            )
    except Forbidden:
        outcomes.dropped.append(item.id)
        if item.group_id is not None:
            outcomes.kicked.append(item.chat_id)
        elif item.user_id is not None:
            outcomes.blocked.append(item.user_id)
    except RetryAfter as exc:
        outcomes.failed.append((item, float(exc.retry_after)))  # type: ignore[arg-type]
    except TelegramError as exc:
        log.warning("scheduled %s %s failed: %s", item.kind, item.id, type(exc).__name__)
        outcomes.failed.append((item, None))
    else:
        outcomes.sent.append(item.id)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await dispatch_due(context.application)


def register(app: RuntimeApp) -> None:
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _job, interval=INTERVAL_SECONDS, first=INTERVAL_SECONDS, name="dispatch"
        )
