"""The one periodic job: send what the outbox says is due (see bot.services.outbox)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.db.models import ScheduledMessage, User
from bot.runtime import Runtime, RuntimeApp
from bot.services import feedback, outbox, reflection
from bot.services.replies import Say
from bot.services.users import mark_blocked
from handlers.render import Renderer

log = logging.getLogger("rebound.scheduled")

INTERVAL_SECONDS = 30


async def _reflect_reminder(_session: AsyncSession, _item: ScheduledMessage) -> Say | None:
    return reflection.reminder_message()


async def _feedback_check(session: AsyncSession, item: ScheduledMessage) -> Say | None:
    return await feedback.check_for(session, item.ref_id)


# What each kind of scheduled message says; None means it is no longer needed.
BUILDERS: dict[str, Callable[[AsyncSession, ScheduledMessage], Awaitable[Say | None]]] = {
    reflection.REMINDER: _reflect_reminder,
    feedback.CHECK: _feedback_check,
}


async def dispatch_due(app: RuntimeApp) -> int:
    """Claim and send everything due now; returns how many were sent."""
    rt: Runtime = app.bot_data["runtime"]
    now = rt.clock.now()
    async with rt.sessions() as session, session.begin():
        due = []
        for item in await outbox.claim_due(session, now):
            build = BUILDERS.get(item.kind)
            reply = await build(session, item) if build else None
            if reply is None:
                log.info("scheduled %s no longer needed", item.kind)
                continue
            user = await session.get_one(User, item.user_id)
            due.append((item, reply, user.language_code))
    sent = 0
    for item, reply, language in due:
        renderer = Renderer(rt.content.texts(language))
        try:
            for message in renderer.messages([reply]):
                await app.bot.send_message(
                    item.chat_id,
                    message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.markup,
                )
            sent += 1
        except Forbidden:
            async with rt.sessions() as session, session.begin():
                await mark_blocked(session, item.user_id, rt.clock.now())
        except TelegramError as exc:
            log.warning(
                "scheduled %s to chat %s failed: %s", item.kind, item.chat_id, type(exc).__name__
            )
    return sent


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await dispatch_due(context.application)


def register(app: RuntimeApp) -> None:
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _job, interval=INTERVAL_SECONDS, first=INTERVAL_SECONDS, name="outbox"
        )
