"""The one periodic job: send what the outbox says is due (see bot.services.outbox)."""

from __future__ import annotations

import logging

from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.db.models import ScheduledMessage, User
from bot.runtime import Runtime, RuntimeApp
from bot.services import outbox
from bot.services.replies import Say
from bot.services.users import mark_blocked
from handlers import reflection
from handlers.render import Renderer

log = logging.getLogger("rebound.scheduled")

INTERVAL_SECONDS = 30
BUILDERS = {reflection.REMINDER: reflection.reminder_message}


def message_for(item: ScheduledMessage) -> Say | None:
    build = BUILDERS.get(item.kind)
    return build() if build else None


async def dispatch_due(app: RuntimeApp) -> int:
    """Claim and send everything due now; returns how many were sent."""
    rt: Runtime = app.bot_data["runtime"]
    now = rt.clock.now()
    async with rt.sessions() as session, session.begin():
        items = await outbox.claim_due(session, now)
        languages = {
            item.id: (await session.get_one(User, item.user_id)).language_code for item in items
        }
    sent = 0
    for item in items:
        reply = message_for(item)
        if reply is None:
            log.warning("no message for scheduled kind %s", item.kind)
            continue
        renderer = Renderer(rt.content.texts(languages[item.id]))
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
